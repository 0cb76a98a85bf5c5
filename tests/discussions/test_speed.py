"""The discussion page and posting cost the same whatever the discussion's size:
the same number of queries, a bounded page, the rest of a thread on demand."""

import pytest
from django.core import mail
from django.urls import reverse

from studygroups.discussions.models import Follow, Notification, Post
from studygroups.discussions.threads import REPLIES_SHOWN
from studygroups.groups.models import Group
from tests.factories import add_member, first_anchor, make_group, post, reply, verified_user

pytestmark = pytest.mark.django_db

PAGE_QUERIES = 24  # as tests/discussions/test_queries.py explains
# A reply with a mention, in a discussion with followers, and its e-mails sent after the
# commit: one bulk insert of notifications, one check of the quiet window, one claim and
# one mark for all the e-mails.
POSTING_QUERIES = 28


def doc_url(group, document, name="document", **kwargs):
    return reverse(
        f"discussions:{name}",
        kwargs={"group_slug": group.slug, "document_slug": document.slug, **kwargs},
    )


def fill(group, document, authors, *, threads, replies):
    """`threads` general threads of `replies` replies each (half nested), and one
    thread on a paragraph with as many."""
    roots = []
    for t in range(threads):
        root = post(group, document, authors[t % len(authors)], f"Thread {t:03d} body")
        parent = root
        for r in range(replies):
            author = authors[(t + r + 1) % len(authors)]
            made = reply(parent if r % 2 else root, author, f"Reply {t:03d}-{r:03d}")
            parent = made
        roots.append(root)
    on_paragraph = post(
        group, document, authors[0], "On a paragraph", anchor=first_anchor(document)
    )
    for r in range(replies):
        reply(on_paragraph, authors[1], f"Paragraph reply {r:03d}")
    return roots


@pytest.fixture
def authors(group):
    return [add_member(group).user for _ in range(4)]


@pytest.mark.parametrize("threads,replies", [(5, 9), (30, 19)])  # 55 and 600 posts
def test_page_queries_and_size_do_not_grow(
    client, group, document, authors, threads, replies, django_assert_max_num_queries
):
    fill(group, document, authors, threads=threads, replies=replies)
    client.force_login(authors[0])
    url = doc_url(group, document)
    client.get(url)  # a first visit records itself
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    shown = html.count('<article class="post')
    # 25 threads at most, each with its first replies only.
    assert shown <= 25 * (1 + REPLIES_SHOWN) + 1
    assert f"Show {replies - REPLIES_SHOWN} more replies" in html
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url, {"sort": "replies"}).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        assert client.get(url, {"sort": "newest", "show": "unread"}).status_code == 200
    with django_assert_max_num_queries(PAGE_QUERIES):
        paragraph = client.get(
            doc_url(group, document, "paragraph", anchor=first_anchor(document)),
            HTTP_HX_REQUEST="true",
        )
    assert f"Show {replies - REPLIES_SHOWN} more replies" in paragraph.content.decode()


def page_size(client, group, document):
    client.get(doc_url(group, document))
    return len(client.get(doc_url(group, document)).content)


def test_page_size_is_bounded(client, document, authors, group):
    fill(group, document, authors, threads=30, replies=6)
    client.force_login(authors[0])
    before = page_size(client, group, document)
    # Ten times the replies in the same threads: the page sends the same posts.
    for root in Post.objects.filter(parent__isnull=True, anchor=""):
        for r in range(20):
            reply(root, authors[r % 4], f"Later reply {r:03d}")
    after = page_size(client, group, document)
    assert after <= before * 1.05, (before, after)


def test_show_more_replies_with_htmx_and_without(client, group, document, authors):
    (root,) = fill(group, document, authors, threads=1, replies=12)
    client.force_login(authors[0])
    page = client.get(doc_url(group, document)).content.decode()
    assert "Reply 000-011" not in page and "Reply 000-004" in page
    thread_url = doc_url(group, document, "thread", post_id=root.pk)
    # htmx: the thread's item, whole, in place of the first replies.
    assert f'hx-get="{thread_url}"' in page and f'hx-target="#thread-{root.pk}"' in page
    fragment = client.get(thread_url, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<li class="thread__item"')
    assert all(f"Reply 000-{r:03d}" in html for r in range(12))
    assert "more replies" not in html
    # Without JavaScript: the link is the post's own page, which shows the thread whole.
    permalink = doc_url(group, document, "post", post_id=root.pk)
    assert f'href="{permalink}#post-{root.pk}"' in page
    whole = client.get(permalink).content.decode()
    assert all(f"Reply 000-{r:03d}" in whole for r in range(12))
    # And the fragment's address without htmx is that page too.
    plain = client.get(thread_url).content.decode()
    assert "<html" in plain and all(f"Reply 000-{r:03d}" in plain for r in range(12))


def test_a_link_to_a_late_reply_shows_its_thread_whole(client, group, document, authors):
    roots = fill(group, document, authors, threads=30, replies=8)
    late = Post.objects.filter(parent__isnull=False, path__startswith=roots[0].path).last()
    client.force_login(authors[0])
    page = client.get(doc_url(group, document), {"post": late.pk}).content.decode()
    assert f'id="post-{late.pk}"' in page
    paragraph_reply = Post.objects.filter(body="Paragraph reply 007").get()
    url = doc_url(group, document, "paragraph", anchor=first_anchor(document))
    html = client.get(url, {"post": paragraph_reply.pk}).content.decode()
    assert f'id="post-{paragraph_reply.pk}"' in html


SECRET = "PRIVATE-THREAD-WORDS"


@pytest.mark.parametrize("htmx", [True, False])
def test_thread_fragment_never_leaks_a_private_group(client, document, htmx):
    private = make_group(organizer=None, visibility=Group.Visibility.PRIVATE)
    author = add_member(private).user
    root = post(private, document, author, f"{SECRET} root")
    for r in range(8):
        reply(root, author, f"{SECRET} reply {r}")
    url = doc_url(private, document, "thread", post_id=root.pk)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    anonymous = client.get(url, **headers)
    assert anonymous.status_code in {302, 404} and SECRET not in anonymous.content.decode()
    client.force_login(verified_user())
    outsider = client.get(url, **headers)
    assert outsider.status_code == 404 and SECRET not in outsider.content.decode()
    client.force_login(author)
    assert client.get(url, **headers).status_code == 200


def test_thread_fragment_keeps_hidden_posts_hidden(client, group, document, authors):
    (root,) = fill(group, document, authors, threads=1, replies=9)
    hidden = Post.objects.filter(body="Reply 000-008").get()
    Post.objects.filter(pk=hidden.pk).update(
        hidden_at=hidden.created_at, hidden_category="Off topic"
    )
    held = reply(root, authors[3], "Held reply words")
    Post.objects.filter(pk=held.pk).update(awaiting_approval=True, hidden_at=held.created_at)
    client.force_login(authors[2])
    html = client.get(
        doc_url(group, document, "thread", post_id=root.pk), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Reply 000-008" not in html and "Removed by a moderator: Off topic" in html
    assert "Held reply words" not in html
    page = client.get(doc_url(group, document)).content.decode()
    assert "Held reply words" not in page


@pytest.mark.parametrize("followers", [5, 60])
def test_posting_queries_do_not_grow_with_followers(
    group, document, followers, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    author = add_member(group).user
    first = post(group, document, author, "The first post")
    discussion = first.discussion
    members = [add_member(group).user for _ in range(followers)]
    Follow.objects.bulk_create([Follow(user=m, discussion=discussion) for m in members])
    mentioned = members[0]
    mail.outbox.clear()
    handle = mentioned.public_name.replace(" ", "")
    with (
        django_assert_max_num_queries(POSTING_QUERIES),
        django_capture_on_commit_callbacks(execute=True),
    ):
        made = reply(first, members[1], f"Thanks @{handle}, and all of you")
    kinds = dict(Notification.objects.filter(post=made).values_list("recipient_id", "kind"))
    assert len(kinds) == followers  # every follower but the writer, and the first author
    assert kinds[author.pk] == Notification.Kind.REPLY
    assert kinds[mentioned.pk] == Notification.Kind.MENTION
    assert len(mail.outbox) == followers  # e-mailed once the post was committed


def test_the_discussion_speaks_spanish(client, group, document, authors):
    (root,) = fill(group, document, authors, threads=1, replies=8)
    client.force_login(authors[0])
    html = client.get(doc_url(group, document), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Mostrar 3 respuestas más" in html and "Sobre el texto completo" in html
    assert "Show 3 more replies" not in html and "About the whole text" not in html
    fragment = client.get(
        doc_url(group, document, "thread", post_id=root.pk),
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="es",
    ).content.decode()
    assert "Responder" in fragment and ">Reply<" not in fragment
    # discussions.js's strings, from the djangojs catalog (served at /jsi18n/).
    from django.test import RequestFactory
    from django.utils import translation
    from django.views.i18n import JavaScriptCatalog

    with translation.override("es"):
        catalog = JavaScriptCatalog.as_view()(RequestFactory().get("/jsi18n/"))
    assert "Comentar la selecci" in catalog.content.decode()


def test_answers_to_a_question_are_bounded_with_a_way_to_all(client, group, document, authors):
    from studygroups.discussions.selectors import ANSWERS_SHOWN
    from tests.factories import make_question

    question = make_question(group, document)
    members = [add_member(group).user for _ in range(ANSWERS_SHOWN + 2)]
    for n, member in enumerate(members):
        post(group, document, member, f"Answer number {n:02d}", question=question)
    client.force_login(authors[0])
    url = doc_url(group, document)
    page = client.get(url).content.decode()
    assert "Answer number 09" in page and "Answer number 10" not in page
    assert "Show 2 more answers" in page
    assert f"?answers={question.pk}#question-{question.pk}" in page
    everything = client.get(url, {"answers": question.pk}).content.decode()
    assert all(f"Answer number {n:02d}" in everything for n in range(len(members)))
    assert "more answers" not in everything
