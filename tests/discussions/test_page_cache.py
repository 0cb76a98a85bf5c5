"""The discussion page's cached threads (`page_cache`): every write shows at once, and
no viewer ever gets another's controls, private posts, language or CSRF token.

Each test fills the cache with one view and then checks what the next view shows; the
test settings' cache is the process's LocMemCache, as in production with one server."""

import re

import pytest
from django.core.cache import cache
from django.middleware.csrf import _unmask_cipher_token
from django.urls import reverse

from studygroups.discussions import page_cache, posting
from studygroups.discussions.models import Discussion, Post
from studygroups.groups.models import Membership
from studygroups.moderation import services as moderation
from tests.factories import add_member, first_anchor, post, reply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_caches(empty_caches):
    """Every test here starts and ends with empty caches (conftest.empty_caches)."""


def url(group, document, query=""):
    path = reverse(
        "discussions:document",
        kwargs={"group_slug": group.slug, "document_slug": document.slug},
    )
    return path + query


def page(client, user, group, document, query="", **headers) -> str:
    client.force_login(user)
    response = client.get(url(group, document, query), **headers)
    assert response.status_code == 200
    return response.content.decode()


def threads(html: str) -> str:
    """The cached part of the page: from the general threads to the composer."""
    start = html.index('<section class="general"')
    return html[start : html.index('id="composer"', start)]


@pytest.fixture
def moderator(group):
    return add_member(group, role=Membership.Role.FACILITATOR).user


@pytest.fixture
def lurker(group):
    """A member who never wrote in the discussion: the shared, role-level page."""
    return add_member(group).user


def version(discussion) -> int:
    return Discussion.objects.values_list("version", flat=True).get(pk=discussion.pk)


# ------------------------------------------------------------------- the version


def test_every_kind_of_write_to_a_post_changes_the_version(group, document, member, member2):
    first = post(group, document, member, "first")
    discussion = first.discussion
    seen = {version(discussion)}

    def changed():
        now = version(discussion)
        assert now not in seen
        seen.add(now)

    reply(first, member2, "a reply")
    changed()
    posting.post_edit(editor=member, post=first, body="first, edited")
    changed()
    Post.objects.filter(pk=first.pk).update(pinned_at=first.created_at)  # a bulk update
    changed()
    posting.post_delete(actor=member, post=first)
    changed()
    Post.objects.filter(pk=first.pk).delete()  # and a row removed outright
    changed()


def test_a_changed_public_name_changes_the_version_of_the_discussions_written_in(
    client, group, document, member, member2, lurker
):
    post(group, document, member, "by the member")
    html = page(client, lurker, group, document)
    assert member.public_name in threads(html)
    discussion = Discussion.objects.get()
    before = version(discussion)
    member2.display_name = "Not an author here"
    member2.save()
    assert version(discussion) == before  # member2 wrote nothing here
    member.display_name = "Renamed Reader"
    member.save()
    assert version(discussion) != before
    assert "Renamed Reader" in threads(page(client, lurker, group, document))


# ---------------------------------------------------------- writes show at once


def test_a_new_reply_an_edit_and_a_deletion_show_on_the_next_view(
    client, group, document, member, member2, lurker
):
    root = post(group, document, member, "The opening post")
    assert "The opening post" in threads(page(client, lurker, group, document))

    reply(root, member2, "A reply written after the page was cached")
    assert "A reply written after the page was cached" in threads(
        page(client, lurker, group, document)
    )

    posting.post_edit(editor=member, post=root, body="The opening post, corrected")
    html = threads(page(client, lurker, group, document))
    assert "The opening post, corrected" in html and "edited" in html

    posting.post_delete(actor=member, post=root)
    html = threads(page(client, lurker, group, document))
    assert "The opening post, corrected" not in html
    assert "This post was deleted by its author." in html


def test_a_hidden_post_leaves_the_members_page_and_stays_on_the_moderators(
    client, group, document, member, lurker, moderator
):
    target = post(group, document, member, "Something a moderator will hide")
    assert "Something a moderator will hide" in threads(page(client, lurker, group, document))
    assert "Something a moderator will hide" in threads(page(client, moderator, group, document))

    moderation.post_hide(actor=moderator, post=target, reason="off topic")
    html = threads(page(client, lurker, group, document))
    assert "Something a moderator will hide" not in html
    assert "Removed by a moderator" in html
    html = threads(page(client, moderator, group, document))
    assert "Something a moderator will hide" in html
    assert "Hidden from members" in html

    moderation.post_unhide(actor=moderator, post=Post.objects.get(pk=target.pk))
    assert "Something a moderator will hide" in threads(page(client, lurker, group, document))


def test_a_lock_removes_the_reply_links_at_once(client, group, document, member, lurker):
    post(group, document, member, "Before the lock")
    assert ">Reply</a>" in threads(page(client, lurker, group, document))
    moderator = add_member(group, role=Membership.Role.ORGANIZER).user
    moderation.discussion_lock(actor=moderator, discussion=Discussion.objects.get())
    html = page(client, lurker, group, document)
    assert "A moderator locked this discussion" in html
    assert ">Reply</a>" not in threads(html)


def test_a_new_post_is_marked_new_for_a_member_who_visited_before(
    client, group, document, member, member2, lurker
):
    post(group, document, member, "Old news")
    page(client, lurker, group, document)  # the visit: its time is the baseline
    html = threads(page(client, lurker, group, document))
    assert "post--new" not in html  # nothing since the last visit
    post(group, document, member2, "Fresh news")
    html = threads(page(client, lurker, group, document))
    fresh = html[html.index("Fresh news") - 1500 : html.index("Fresh news")]
    assert "post--new" in fresh
    # The next visit has seen it.
    assert "post--new" not in threads(page(client, lurker, group, document))


# ------------------------------------------------------ one viewer, not another


def test_moderator_controls_never_reach_a_member_through_the_cache(
    client, group, document, member, lurker, moderator
):
    post(group, document, member, "A post to moderate")
    html = threads(page(client, moderator, group, document))
    assert "Moderate…" in html
    html = threads(page(client, lurker, group, document))
    assert "Moderate…" not in html and "moderation/" not in html
    assert "Report" in html
    # And the other way round: a member's page first, then the moderator's.
    cache.clear()
    assert "Moderate…" not in threads(page(client, lurker, group, document))
    assert "Moderate…" in threads(page(client, moderator, group, document))


def test_an_authors_own_controls_and_held_posts_are_theirs_alone(
    client, group, document, member, lurker
):
    mine = post(group, document, member, "Written by the member")
    held = post(group, document, member, "Held for approval")
    Post.objects.filter(pk=held.pk).update(awaiting_approval=True, hidden_at=held.created_at)
    html = threads(page(client, member, group, document))
    assert f"/posts/{mine.pk}/edit/" in html
    assert "Held for approval" in html and "Waiting for approval" in html
    html = threads(page(client, lurker, group, document))
    assert "/edit/" not in html and "/delete/" not in html
    assert "Held for approval" not in html
    assert "Written by the member" in html


def test_members_who_never_wrote_share_one_rendering(
    client, group, document, member, lurker, monkeypatch
):
    for i in range(3):
        post(group, document, member, f"post {i}")
    first = page(client, lurker, group, document)
    other = add_member(group).user
    rendered = []
    render = page_cache.render_to_string
    monkeypatch.setattr(
        page_cache, "render_to_string", lambda *a, **k: rendered.append(a) or render(*a, **k)
    )
    second = page(client, other, group, document)
    assert not rendered  # served from the cache
    assert threads(first) == threads(second)


def test_a_cached_page_carries_the_viewers_own_csrf_token(client, group, document, member):
    post(group, document, member, "A post a moderator may remove")
    moderators = [add_member(group, role=Membership.Role.FACILITATOR).user for _ in range(2)]
    secrets = []
    for moderator in moderators:
        client.logout()
        client.cookies.clear()
        html = threads(page(client, moderator, group, document))
        tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert tokens  # the remove form, served from the cache the second time
        secret = client.cookies["csrftoken"].value
        assert all(_unmask_cipher_token(t) == secret for t in tokens)
        assert "csrf-" not in html  # no placeholder left
        secrets.append(secret)
    assert secrets[0] != secrets[1]


def test_spanish_is_never_served_from_an_english_rendering(client, group, document, member):
    post(group, document, member, "Una publicación")
    lurker = add_member(group).user
    html = threads(page(client, lurker, group, document))
    assert ">Reply</a>" in html
    lurker.language = "es"
    lurker.save()
    html = threads(page(client, lurker, group, document))
    assert ">Responder</a>" in html and ">Reply</a>" not in html
    assert "Denunciar" in html


def test_the_sort_and_page_are_part_of_the_key(client, group, document, member, member2):
    post(group, document, member, "The older thread")
    post(group, document, member2, "The newer thread")
    lurker = add_member(group).user
    oldest = threads(page(client, lurker, group, document))
    newest = threads(page(client, lurker, group, document, "?sort=newest"))
    assert oldest.index("The older thread") < oldest.index("The newer thread")
    assert newest.index("The newer thread") < newest.index("The older thread")


# ------------------------------------------------------------------ the queries


@pytest.mark.parametrize("count", [5, 60])
def test_a_cached_view_runs_the_same_few_queries_at_any_size(
    client, group, document, member, member2, count, django_assert_max_num_queries
):
    root = post(group, document, member, "root")
    for i in range(count):
        (reply(root, member2, f"r{i}") if i % 2 else post(group, document, member2, f"p{i}"))
    lurker = add_member(group).user
    page(client, lurker, group, document)  # fills the cache
    # The second visit keeps the first one's time in the session (the first had none).
    assert client.get(url(group, document)).status_code == 200
    # Session, user, group, discussion with its document, the read state (one read: the
    # visit changes nothing, so nothing is written), the frame's one row, the document's
    # stamp, minutes, the unread count. No session write, no reader query.
    with django_assert_max_num_queries(9) as queries:
        assert client.get(url(group, document)).status_code == 200
    statements = [q["sql"].lstrip().upper() for q in queries.captured_queries]
    assert not [sql for sql in statements if sql.startswith(("UPDATE", "INSERT"))]
    assert not [sql for sql in statements if 'FROM "LIBRARY_BLOCK"' in sql]  # text cached


def test_a_muted_member_gets_no_reply_links_from_another_members_rendering(
    client, group, document, member, lurker, moderator
):
    from datetime import timedelta

    from django.utils import timezone

    post(group, document, member, "A post to answer")
    muted = add_member(group).user
    moderation.member_mute(
        actor=moderator, group=group, member=muted, until=timezone.now() + timedelta(days=1)
    )
    assert ">Reply</a>" in threads(page(client, lurker, group, document))
    html = page(client, muted, group, document)
    assert "muted you" in html
    assert ">Reply</a>" not in threads(html)


# ------------------------------------------------------------------- the text


def margin(html: str, anchor: str) -> str:
    """A paragraph's margin count link."""
    start = html.index(f'id="count-{anchor}"')
    return html[start : html.index("</a>", start)]


def test_a_post_on_a_paragraph_shows_in_its_margin_count_on_the_next_view(
    client, group, document, member, lurker
):
    anchor = first_anchor(document)
    assert "para-count--has" not in margin(page(client, lurker, group, document), anchor)
    post(group, document, member, "On this paragraph", anchor=anchor)
    count = margin(page(client, lurker, group, document), anchor)
    assert "para-count--has" in count and ">1<" in count


def test_what_is_new_in_the_margins_is_the_viewers_own(client, group, document, member, lurker):
    anchor = first_anchor(document)
    post(group, document, member, "Before")
    page(client, lurker, group, document)  # the lurker's earlier visit
    post(group, document, member, "New on this paragraph", anchor=anchor)
    newcomer = add_member(group).user
    # New to the lurker, who came before it; not to a first visit, nor to its author.
    assert "para-count--new" in margin(page(client, lurker, group, document), anchor)
    assert "para-count--new" not in margin(page(client, newcomer, group, document), anchor)
    assert "para-count--new" not in margin(page(client, member, group, document), anchor)
    # The lurker's next visit has seen it.
    assert "para-count--new" not in margin(page(client, lurker, group, document), anchor)


def test_a_corrected_title_shows_on_the_next_view(client, group, document, lurker):
    page(client, lurker, group, document)
    document.title = "A Better Title"
    document.save()
    html = page(client, lurker, group, document)
    assert "A Better Title" in html[html.index("<h1") : html.index("</h1>")]


def test_a_renamed_group_shows_in_the_texts_crumbs_on_the_next_view(
    client, group, document, lurker
):
    page(client, lurker, group, document)
    group.name = "The Renamed Circle"
    group.save()
    html = page(client, lurker, group, document)
    start = html.index('class="breadcrumbs"')
    assert "The Renamed Circle" in html[start : html.index("</nav>", start)]


def test_the_text_of_a_member_is_not_the_text_of_a_visitor(client, group, document, lurker):
    """Whether the reader may start a thread decides the text's body (data-can-discuss)."""
    group.visibility = "public"
    group.save()
    assert "data-can-discuss" in page(client, lurker, group, document)
    client.logout()
    response = client.get(url(group, document))
    assert response.status_code == 200  # a public group's discussions are open to read
    assert "data-can-discuss" not in response.content.decode()


# ------------------------------------------------------------- the read state


def test_a_visit_writes_the_read_state_only_when_a_post_came_after_the_last(
    client, group, document, member, member2, lurker, django_assert_max_num_queries
):
    from studygroups.discussions.models import ReadState

    post(group, document, member, "First")
    page(client, lurker, group, document)  # first visit: recorded
    state = ReadState.objects.get(user=lurker)
    page(client, lurker, group, document)
    assert ReadState.objects.get(user=lurker).last_seen_at == state.last_seen_at
    post(group, document, member2, "Second")
    html = threads(page(client, lurker, group, document))
    assert "post--new" in html[html.index("Second") - 1500 : html.index("Second")]
    assert ReadState.objects.get(user=lurker).last_seen_at > state.last_seen_at
    # Another order (htmx) continues the visit: "Second" is still new there.
    again = threads(page(client, lurker, group, document, "?sort=newest", HTTP_HX_REQUEST="true"))
    assert "post--new" in again
    # The next visit has seen it.
    assert "post--new" not in threads(page(client, lurker, group, document))
