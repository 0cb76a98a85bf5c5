import uuid

import pytest
from django.urls import reverse

from studygroups.discussions.models import Follow, Notification, Post, PostRevision
from tests.factories import add_member, first_anchor, make_group, make_question, post, reply

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def doc_url(group, document, name="document", **kw):
    return reverse(
        f"discussions:{name}",
        kwargs={"group_slug": group.slug, "document_slug": document.slug, **kw},
    )


def new_post_data(body="Hello", **extra):
    return {"body": body, "key": str(uuid.uuid4()), "action": "post", **extra}


# ---------------------------------------------------------------- the reader page


def test_reader_shows_text_counts_and_general_discussion(
    member_client, group, document, member, member2
):
    anchor = first_anchor(document)
    post(group, document, member2, "General *thoughts*")
    post(group, document, member2, "On the paragraph", anchor=anchor)
    reply(Post.objects.get(anchor=anchor), member, "agreed")
    response = member_client.get(doc_url(group, document))
    html = response.content.decode()
    assert response.status_code == 200
    assert "General <em>thoughts</em>" in html
    assert "On the paragraph" not in html  # opens per paragraph
    assert "2 posts on paragraph 1" in html
    assert f'hx-get="{doc_url(group, document, "paragraph", anchor=anchor)}"' in html
    assert "js/discussions.js" in html


def test_reader_htmx_returns_only_the_discussion(member_client, group, document, member):
    post(group, document, member, "General")
    response = member_client.get(doc_url(group, document) + "?sort=newest", **HX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="discussion"')
    assert "reader__body" not in html


def test_bad_sort_is_explained_not_fatal(member_client, group, document):
    response = member_client.get(doc_url(group, document) + "?sort=sideways&show=x")
    assert response.status_code == 200
    assert b"Sort by oldest, newest or most replies." in response.content


def test_paragraph_fragment_and_page(member_client, group, document, member):
    anchor = first_anchor(document)
    post(group, document, member, "Para post", anchor=anchor)
    url = doc_url(group, document, "paragraph", anchor=anchor)
    fragment = member_client.get(url, **HX).content.decode()
    assert "Para post" in fragment and "<html" not in fragment
    page = member_client.get(url).content.decode()
    assert "Para post" in page and "<html" in page
    assert "Paragraph 1" in page


def test_paragraph_of_another_document_is_404(member_client, group, document, other_document):
    url = doc_url(group, document, "paragraph", anchor=first_anchor(other_document))
    assert member_client.get(url).status_code == 404
    assert member_client.get(url, **HX).status_code == 404


def test_paragraph_fragment_prefills_quote(member_client, group, document):
    block = document.blocks.exclude(kind="heading").order_by("order").first()
    quote = " ".join(block.text.split()[2:5])
    url = doc_url(group, document, "paragraph", anchor=block.anchor)
    html = member_client.get(url, {"quote": quote}, **HX).content.decode()
    assert f'name="quote" value="{quote}"' in html
    html = member_client.get(url, {"quote": "nowhere in it"}, **HX).content.decode()
    assert "not in that paragraph" in html


# ---------------------------------------------------------------------- writing


def test_create_without_js_redirects_with_message(member_client, group, document):
    response = member_client.post(doc_url(group, document, "post_create"), new_post_data())
    assert response.status_code == 302
    assert Post.objects.count() == 1
    page = member_client.get(response["Location"]).content.decode()
    assert "Your post is up." in page


def test_create_with_htmx_returns_discussion(member_client, group, document):
    response = member_client.post(
        doc_url(group, document, "post_create"), new_post_data("Via htmx"), **HX
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#discussion"
    assert "Via htmx" in response.content.decode()


def test_anchored_create_with_quote_htmx_retargets_paragraph(member_client, group, document):
    block = document.blocks.exclude(kind="heading").order_by("order").first()
    quote = " ".join(block.text.split()[:4])
    response = member_client.post(
        doc_url(group, document, "post_create"),
        new_post_data("Quoted", anchor=block.anchor, quote=quote),
        **HX,
    )
    assert response["HX-Retarget"] == f"#threads-{block.anchor}"
    saved = Post.objects.get()
    assert saved.anchor == block.anchor and saved.quote == quote


def _oob_count(html, anchor):
    """The margin count of `anchor` swapped out of band in an htmx response, or None."""
    start = html.find(f'<a id="count-{anchor}" hx-swap-oob="outerHTML"')
    return None if start == -1 else html[start : html.index("</a>", start)]


def test_margin_count_follows_posts_replies_and_deletions(
    member_client, group, document, member, member2
):
    """Posting on a paragraph with htmx updates its count in the margin at once."""
    anchor = first_anchor(document)
    post(group, document, member2, "Earlier", anchor=anchor)
    response = member_client.post(
        doc_url(group, document, "post_create"), new_post_data("Mine", anchor=anchor), **HX
    )
    count = _oob_count(response.content.decode(), anchor)
    assert count is not None and "2 posts on paragraph 1" in count
    mine = Post.objects.get(body="Mine")
    reply_url = doc_url(group, document, "post_reply", post_id=mine.pk)
    response = member_client.post(reply_url, new_post_data("And more"), **HX)
    assert "3 posts on paragraph 1" in _oob_count(response.content.decode(), anchor)
    delete_url = doc_url(group, document, "post_delete", post_id=mine.pk)
    response = member_client.post(delete_url, **HX)
    assert "2 posts on paragraph 1" in _oob_count(response.content.decode(), anchor)
    # Posts on the document as a whole have no margin count.
    general = member_client.post(doc_url(group, document, "post_create"), new_post_data(), **HX)
    assert 'hx-swap-oob="outerHTML"' not in general.content.decode()
    # The reader page carries the id the out-of-band swap replaces.
    page = member_client.get(doc_url(group, document)).content.decode()
    assert f'<a id="count-{anchor}" class="para-count' in page


def test_double_submit_creates_one_post(member_client, group, document):
    data = new_post_data("Twice")
    member_client.post(doc_url(group, document, "post_create"), data)
    member_client.post(doc_url(group, document, "post_create"), data)
    assert Post.objects.count() == 1


def test_anchor_of_another_document_is_refused(member_client, group, document, other_document):
    data = new_post_data(anchor=first_anchor(other_document))
    response = member_client.post(doc_url(group, document, "post_create"), data)
    assert response.status_code == 400
    assert b"not part of this document" in response.content
    assert not Post.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_preview_does_not_save(member_client, group, document, htmx):
    data = new_post_data("*preview me*", action="preview")
    extra = HX if htmx else {}
    response = member_client.post(doc_url(group, document, "post_create"), data, **extra)
    assert response.status_code == 200
    assert b"<em>preview me</em>" in response.content
    assert not Post.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_length_limit_message(member_client, group, document, htmx):
    data = new_post_data("x" * 10_001)
    extra = HX if htmx else {}
    response = member_client.post(doc_url(group, document, "post_create"), data, **extra)
    assert b"at most 10,000 characters" in response.content
    assert not Post.objects.exists()


@pytest.mark.parametrize("htmx", [False, True])
def test_reply_get_and_post(member_client, group, document, member, member2, htmx):
    parent = post(group, document, member2, "parent")
    url = doc_url(group, document, "post_reply", post_id=parent.pk)
    extra = HX if htmx else {}
    form = member_client.get(url, **extra)
    assert form.status_code == 200 and b'name="body"' in form.content
    response = member_client.post(url, new_post_data("child"), **extra)
    child = Post.objects.get(parent=parent)
    if htmx:
        assert response.status_code == 200 and b"child" in response.content
    else:
        assert response.status_code == 302 and response["Location"].endswith(f"#post-{child.pk}")


def test_reply_to_post_of_another_discussion_is_404(
    member_client, group, document, other_document, member
):
    foreign = post(group, other_document, member, "elsewhere")
    url = doc_url(group, document, "post_reply", post_id=foreign.pk)
    assert member_client.post(url, new_post_data()).status_code == 404
    other_group = make_group(organizer=None)
    add_member(other_group, member)
    other = post(other_group, document, member, "other group")
    url = doc_url(group, document, "post_reply", post_id=other.pk)
    assert member_client.post(url, new_post_data()).status_code == 404
    assert Post.objects.count() == 2


@pytest.mark.parametrize("htmx", [False, True])
def test_edit_in_place(member_client, group, document, member, htmx):
    p = post(group, document, member, "before")
    url = doc_url(group, document, "post_edit", post_id=p.pk)
    extra = HX if htmx else {}
    assert b"before" in member_client.get(url, **extra).content
    response = member_client.post(url, new_post_data("after"), **extra)
    p.refresh_from_db()
    assert p.body == "after" and PostRevision.objects.filter(post=p).exists()
    if htmx:
        assert b'id="post-' in response.content and b"after" in response.content
    else:
        assert response.status_code == 302


def test_editing_another_members_post_is_refused(member_client, group, document, member2):
    p = post(group, document, member2, "theirs")
    url = doc_url(group, document, "post_edit", post_id=p.pk)
    response = member_client.post(url, new_post_data("mine now"))
    assert response.status_code == 403
    assert b"You can edit only your own posts." in response.content
    assert member_client.get(url, **HX).status_code == 403
    p.refresh_from_db()
    assert p.body == "theirs"


@pytest.mark.parametrize("htmx", [False, True])
def test_delete_own_post(member_client, group, document, member, htmx):
    p = post(group, document, member)
    url = doc_url(group, document, "post_delete", post_id=p.pk)
    response = member_client.post(url, **(HX if htmx else {}))
    p.refresh_from_db()
    assert p.is_deleted
    assert response.status_code == (200 if htmx else 302)


@pytest.mark.parametrize("htmx", [False, True])
def test_follow_toggle(member_client, group, document, member, htmx):
    url = doc_url(group, document, "follow")
    response = member_client.post(url, {"following": "0"}, **(HX if htmx else {}))
    assert response.status_code == (200 if htmx else 302)
    p = post(group, document, member)
    assert not p.discussion.follows.get(user=member).following


def test_post_detail_shows_subtree_and_fragment(member_client, group, document, member):
    root = post(group, document, member, "root")
    child = reply(root, member, "child")
    url = doc_url(group, document, "post", post_id=child.pk)
    page = member_client.get(url).content.decode()
    assert "child" in page and ">root<" not in page
    fragment = member_client.get(url, **HX).content.decode()
    assert fragment.lstrip().startswith("<article")


# --------------------------------------------------------- answer before seeing


def test_answer_before_seeing_in_every_view(client, group, document, member, member2, organizer):
    question = make_question(group, document, text="What is reading for?", gated=True)
    answer = post(group, document, member, "SECRET-ANSWER", question=question)
    reply(answer, organizer, "SECRET-REPLY")
    client.force_login(member2)
    urls = [
        doc_url(group, document),
        doc_url(group, document) + "?sort=replies",
        doc_url(group, document, "post", post_id=answer.pk),
    ]
    for url in urls:
        for extra in ({}, HX):
            response = client.get(url, **extra)
            assert b"SECRET" not in response.content, url
    page = client.get(doc_url(group, document)).content.decode()
    assert "appear here once you have posted yours" in page
    response = client.post(
        doc_url(group, document, "post_create"),
        new_post_data("my own answer", question=str(question.pk)),
    )
    assert response.status_code == 302
    page = client.get(doc_url(group, document)).content.decode()
    assert "SECRET-ANSWER" in page and "SECRET-REPLY" in page
    # Notifications never leak it either: member2 was not notified of the gated answer.
    assert not Notification.objects.filter(recipient=member2, post=answer).exists()


# ----------------------------------------------------------------- notifications


def test_notifications_list_and_mark_read(client, group, document, member, member2):
    root = post(group, document, member, "root")
    reply(root, member2, "re")
    client.force_login(member)
    page = client.get(reverse("discussions:notifications")).content.decode()
    assert "replied to your post" in page
    n = Notification.objects.get(recipient=member)
    response = client.post(reverse("discussions:notification_read", args=[n.pk]), **HX)
    assert response.status_code == 200 and b'id="notifications"' in response.content
    n.refresh_from_db()
    assert n.read_at is not None


def test_mark_all_read_and_others_notifications_are_404(client, group, document, member, member2):
    root = post(group, document, member, "root")
    reply(root, member2, "re")
    client.force_login(member2)
    n = Notification.objects.get(recipient=member)
    assert client.post(reverse("discussions:notification_read", args=[n.pk])).status_code == 404
    client.force_login(member)
    response = client.post(reverse("discussions:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.unread().filter(recipient=member).exists()


def test_context_processor_counts_unread(rf, group, document, member, member2):
    from django.contrib.auth.models import AnonymousUser

    from studygroups.discussions.context_processors import notifications

    root = post(group, document, member, "root")
    reply(root, member2, "re")
    request = rf.get("/")
    request.user = member
    count = notifications(request)["unread_notification_count"]
    assert callable(count), "the count must be lazy so fragments skip the query"
    assert count() == 1
    request.user = AnonymousUser()
    assert notifications(request) == {"unread_notification_count": 0}


# ----------------------------------------------------------------------- export


def test_export_for_organizers(client, group, document, member, organizer):
    anchor = first_anchor(document)
    root = post(group, document, member, "An *opinion*", anchor=anchor, quote="Paragraph 1")
    reply(root, organizer, "A reply")
    client.force_login(organizer)
    md = client.get(doc_url(group, document, "export_markdown")).content.decode()
    assert "An *opinion*" in md and "on ¶1" in md and "  - **" in md
    data = client.get(doc_url(group, document, "export_json")).json()
    assert [p["body"] for p in data["posts"]] == ["An *opinion*", "A reply"]
    assert data["posts"][0]["anchor"] == anchor and data["posts"][0]["paragraph"] == 1
    assert data["posts"][1]["parent_id"] == root.pk
    client.force_login(member)
    assert client.get(doc_url(group, document, "export_json")).status_code == 403


def test_gated_answer_on_a_paragraph_stays_hidden(client, group, document, member, member2):
    question = make_question(group, document, gated=True)
    anchor = first_anchor(document)
    post(group, document, member, "ANCHORED-SECRET", question=question, anchor=anchor)
    client.force_login(member2)
    url = doc_url(group, document, "paragraph", anchor=anchor)
    for extra in ({}, HX):
        assert b"ANCHORED-SECRET" not in client.get(url, **extra).content


# ------------------------------------------------------------ review fixes: ids, follow


HUGE = "10000000000000000000000000"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "{g}/members/{n}/"),
        ("get", "{g}/{d}/posts/{n}/"),
        ("get", "{g}/{d}/posts/{n}/reply/"),
        ("post", "{g}/{d}/posts/{n}/delete/"),
        ("get", "{g}/{d}/posts/{n}/history/"),
        ("post", "{g}/{d}/posts/{n}/hide/"),
        ("get", "{g}/{d}/posts/{n}/report/"),
        ("post", "notifications/{n}/read/"),
        ("post", "{g}/moderation/reports/{n}/resolve/"),
    ],
)
def test_huge_ids_are_not_found(member_client, group, document, method, path):
    url = "/discussions/" + path.format(g=group.slug, d=document.slug, n=HUGE)
    assert getattr(member_client, method)(url).status_code == 404


def test_member_can_unfollow_a_locked_discussion(member_client, group, document, member):
    p = post(group, document, member, "followed by posting")
    p.discussion.locked_at = p.created_at
    p.discussion.save(update_fields=["locked_at"])
    url = doc_url(group, document, "follow")
    response = member_client.post(url, {"following": "0"})
    assert response.status_code == 302
    assert Follow.objects.get(user=member, discussion=p.discussion).following is False
    response = member_client.post(url, {"following": "1"}, **HX)
    assert response.status_code == 200
    assert Follow.objects.get(user=member, discussion=p.discussion).following is True


def test_outsider_cannot_follow_a_public_groups_discussion(client, public_group, document):
    client.force_login(add_member(make_group(organizer=None)).user)
    response = client.post(doc_url(public_group, document, "follow"), {"following": "1"})
    assert response.status_code == 403


# ---------------------------------------------------------------- pages of threads


@pytest.fixture
def many_threads(group, document, member2):
    return [post(group, document, member2, f"Thread number {n:02}") for n in range(60)]


def test_general_discussion_is_shown_a_page_of_threads_at_a_time(
    member_client, group, document, many_threads
):
    url = doc_url(group, document)
    first = member_client.get(url).content.decode()
    assert "Thread number 00" in first and "Thread number 24" in first
    assert "Thread number 25" not in first
    assert "Threads 1–25 of 60" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = member_client.get(url, {"page": "3", "sort": "newest"}).content.decode()
    assert "Threads 51–60 of 60" in last and "Thread number 00" in last
    assert "Thread number 10" not in last
    # Links to the other pages keep the sort.
    assert "?page=2&amp;sort=newest" in last or "?sort=newest&amp;page=2" in last
    # Nonsense and out-of-range pages are not errors.
    assert "Threads 1–25" in member_client.get(url, {"page": "x"}).content.decode()
    assert "Threads 51–60" in member_client.get(url, {"page": "99"}).content.decode()


def test_link_to_a_post_opens_the_page_that_holds_it(
    member_client, group, document, member, many_threads
):
    target = many_threads[40]
    answer = reply(target, member, "A reply deep in page two")
    page = member_client.get(doc_url(group, document), {"post": answer.pk}).content.decode()
    assert f'id="post-{answer.pk}"' in page and "Threads 26–50 of 60" in page
    # Notifications and redirects link there.
    assert member_client.get(doc_url(group, document), {"post": "nope"}).status_code == 200


def test_new_thread_with_htmx_shows_the_page_it_lands_on(
    member_client, group, document, many_threads
):
    response = member_client.post(
        doc_url(group, document, "post_create"), new_post_data("The sixty-first"), **HX
    )
    html = response.content.decode()
    assert "The sixty-first" in html and "Threads 51–61 of 61" in html
    without_js = member_client.post(doc_url(group, document, "post_create"), new_post_data("62"))
    saved = Post.objects.get(body="62")
    assert without_js["Location"].endswith(f"?post={saved.pk}#post-{saved.pk}")


def test_later_pages_of_a_visit_mark_the_same_posts_new(
    member_client, group, document, member, member2
):
    """The visit records itself; its other pages, filters and fragments keep comparing
    with the visit before it, so page 2 of "new" threads is not empty."""
    url = doc_url(group, document)
    post(group, document, member, "My own, earlier")
    member_client.get(url)  # an earlier visit
    for n in range(31):
        post(group, document, member2, f"Fresh thread {n:02}")
    page = member_client.get(url, {"show": "unread"}).content.decode()
    assert "Threads 1–25 of 31" in page and page.count('class="post post--new"') == 25
    second = member_client.get(url, {"show": "unread", "page": "2"}, **HX).content.decode()
    assert "Threads 26–31 of 31" in second and second.count('class="post post--new"') == 6
    # So does another sort, asked for with htmx.
    newest = member_client.get(url, {"show": "unread", "sort": "newest"}, **HX).content.decode()
    assert newest.count('class="post post--new"') == 25
    # Without JavaScript too: a plain load of page 2 continues the visit.
    plain = member_client.get(url, {"show": "unread", "page": "2"}).content.decode()
    assert plain.count('class="post post--new"') == 6
    # The next real visit starts afresh.
    member_client.get(url)
    assert (
        "Nothing new since your last visit"
        in member_client.get(url, {"show": "unread"}).content.decode()
    )


def test_odd_numbers_in_the_address_are_ignored_not_fatal(member_client, group, document):
    for value in ("²", "١٢", "9" * 40, "-1", ""):
        response = member_client.get(doc_url(group, document), {"post": value, "question": value})
        assert response.status_code == 200


def test_history_restore_gets_the_whole_page(member_client, group, document):
    """htmx restoring a page from history asks with HX-Request too: it needs the page."""
    response = member_client.get(
        doc_url(group, document),
        {"page": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()
    assert "HX-History-Restore-Request" in response["Vary"]
