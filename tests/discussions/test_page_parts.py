"""The discussion page's parts cached apart from the discussion's version (`page_cache`):
the text (keyed on the document, group and viewer's standing, its margin counts put in
per request) and each thread's item (keyed on what it is rendered from).

The main check: after every kind of write, the page each viewer gets, with the cache
full of every viewer's renderings from before the write, is exactly the page rendered
with an empty cache for the same request. Then: a write re-renders only what it changes,
the text is not read again after a post, and the queries stay few at any size."""

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from studygroups.core import fragments
from studygroups.curricula.services import question_update
from studygroups.discussions import anchoring, page_cache, posting
from studygroups.discussions.models import Discussion, Post, ReadState
from studygroups.discussions.selectors import margin
from studygroups.groups.models import Group, Membership
from studygroups.moderation import services as moderation
from tests.factories import (
    add_member,
    first_anchor,
    make_document,
    make_group,
    make_question,
    post,
    reply,
    verified_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_caches(empty_caches):
    """Every test here starts and ends with empty caches (conftest.empty_caches)."""


def url(group, document, query=""):
    kwargs = {"group_slug": group.slug, "document_slug": document.slug}
    return reverse("discussions:document", kwargs=kwargs) + query


class Scene:
    """A public group's discussion with a bit of everything: a gated question with an
    answer, general threads with replies, a post on a paragraph, a post held for
    approval; and its viewers: a moderator, an author, a member who never wrote, a
    newcomer whose post is held, a non-member and a visitor who is not logged in."""

    def __init__(self):
        self.group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC, name="Readers")
        self.document = make_document(title="A text", sections=2, paragraphs=4)
        group, document = self.group, self.document
        self.moderator = add_member(group, role=Membership.Role.FACILITATOR).user
        self.author = add_member(group, display_name="Ada Author").user
        self.member = add_member(group, display_name="Mo Member").user
        self.newcomer = add_member(group, display_name="Nell Newcomer").user
        self.outsider = verified_user()
        self.question = make_question(group, document, text="What is claimed?", gated=True)
        self.answer = post(group, document, self.author, "An answer", question=self.question)
        self.root = post(group, document, self.author, "The author's thread")
        self.reply = reply(self.root, self.member, "The member's reply")
        self.other = post(group, document, self.member, "The member's thread")
        self.anchor = first_anchor(document)
        self.on_paragraph = post(group, document, self.author, "On a paragraph", anchor=self.anchor)
        self.held = post(group, document, self.newcomer, "Held back")
        Post.objects.filter(pk=self.held.pk).update(
            awaiting_approval=True, hidden_at=self.held.created_at, hidden_category="x"
        )
        self.held.refresh_from_db()
        self.discussion = Discussion.objects.get()
        viewers = [self.moderator, self.author, self.member, self.newcomer, self.outsider, None]
        self.clients = []
        for user in viewers:
            client = Client()
            if user is not None:
                client.force_login(user)
            self.clients.append((user, client))

    def get(self, client, query="") -> str:
        response = client.get(url(self.group, self.document, query))
        assert response.status_code == 200
        return response.content.decode()


@pytest.fixture
def scene(db):
    return Scene()


_VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrfmiddlewaretoken"'),
    (re.compile(r'"X-CSRFToken": "[^"]+"'), '"X-CSRFToken"'),
    (re.compile(r'name="key" value="[^"]+"'), 'name="key"'),
]


def normal(html: str) -> str:
    """The page without what every request has of its own (its CSRF token, the
    composer's one-time key)."""
    for pattern, stand_in in _VOLATILE:
        html = pattern.sub(stand_in, html)
    return html


def visit_state(user, client, discussion):
    """What a visit reads and writes: the read state and the session's previous visit."""
    if user is None:
        return None
    row = ReadState.objects.filter(user=user, discussion=discussion).first()
    key = f"discussion-seen-before-{discussion.pk}"
    return (row.last_seen_at if row else None), client.session.get(key, None)


def put_back(user, client, discussion, state) -> None:
    if user is None:
        return
    seen, stored = state
    rows = ReadState.objects.filter(user=user, discussion=discussion)
    if seen is None:
        rows.delete()
    else:
        rows.update(last_seen_at=seen)
    session = client.session
    key = f"discussion-seen-before-{discussion.pk}"
    if stored is None:
        session.pop(key, None)
    else:
        session[key] = stored
    session.save()


def assert_every_viewer_sees_the_fresh_page(scene, query=""):
    """Each viewer's page, served with the cache holding every viewer's renderings, is
    the page rendered with an empty cache for the same request (the same visit)."""
    served = []
    for user, client in scene.clients:
        state = visit_state(user, client, scene.discussion)
        served.append((user, client, state, scene.get(client, query)))
    for user, client, state, html in served:
        put_back(user, client, scene.discussion, state)
        fragments.cache().clear()
        fresh = scene.get(client, query)
        assert normal(html) == normal(fresh), f"{user} got a stale or another's page"


def _restore(scene):
    moderation.post_unhide(actor=scene.moderator, post=scene.other)


def _group_renamed(scene):
    scene.group.name, scene.group.slug = "Evening readers", "evening-readers"
    scene.group.save()


def _rename(scene):
    scene.author.display_name = "Ada Renamed"
    scene.author.save()


WRITES = {
    "post": lambda s: post(s.group, s.document, s.member, "A new thread"),
    "post on a paragraph": lambda s: post(s.group, s.document, s.member, "Here", anchor=s.anchor),
    "reply": lambda s: reply(s.root, s.member, "Another reply"),
    "reply on a paragraph": lambda s: reply(s.on_paragraph, s.member, "On it too"),
    "edit": lambda s: posting.post_edit(editor=s.author, post=s.root, body="Corrected"),
    "delete": lambda s: posting.post_delete(actor=s.author, post=s.root),
    "delete a reply": lambda s: posting.post_delete(actor=s.member, post=s.reply),
    "delete on a paragraph": lambda s: posting.post_delete(actor=s.author, post=s.on_paragraph),
    "hide": lambda s: moderation.post_hide(actor=s.moderator, post=s.other, reason="Rude"),
    "restore": _restore,
    "approve": lambda s: moderation.post_approve(actor=s.moderator, post=s.held),
    "pin": lambda s: moderation.post_pin(actor=s.moderator, post=s.other, pinned=True),
    "re-anchor": lambda s: anchoring.post_reattach(post=s.other, anchor=s.anchor),
    "author rename": _rename,
    "group renamed": _group_renamed,
    "question edit": lambda s: question_update(
        question=s.question, text="What is claimed, really?", answer_before_seeing=True
    ),
    "question ungated": lambda s: question_update(question=s.question, text="What is claimed?"),
    "answer opens the gate": lambda s: post(
        s.group, s.document, s.member, "My answer", question=s.question
    ),
    "lock": lambda s: moderation.discussion_lock(actor=s.moderator, discussion=s.discussion),
    "reply beyond the first five": lambda s: reply(s.root, s.author, "One more, not shown"),
    # A moderator sees that a removed post had been hidden; its flags (none: it is
    # deleted) are the same for every viewer, the page's standing is not.
    "delete a hidden post": lambda s: posting.post_delete(actor=s.member, post=s.other),
}


def _hide_the_members_thread(scene):
    moderation.post_hide(actor=scene.moderator, post=scene.other, reason="Rude")


def _five_more_replies(scene):
    for i in range(5):
        reply(scene.root, scene.member, f"Reply {i}")


PREPARE = {
    "restore": _hide_the_members_thread,
    "reply beyond the first five": _five_more_replies,
    "delete a hidden post": _hide_the_members_thread,
}


@pytest.mark.parametrize("query", ["", "?sort=newest"])
@pytest.mark.parametrize("write", list(WRITES))
def test_after_every_kind_of_write_every_viewer_sees_the_fresh_page(scene, write, query):
    if write in PREPARE:
        PREPARE[write](scene)
    for _user, client in scene.clients:
        scene.get(client, query)  # every part of every viewer's page in the cache
    assert_every_viewer_sees_the_fresh_page(scene, query)  # nothing written yet
    WRITES[write](scene)
    assert_every_viewer_sees_the_fresh_page(scene, query)


def test_the_focused_post_and_other_pages_of_threads_are_fresh_too(scene):
    for i in range(27):
        post(scene.group, scene.document, scene.author if i % 2 else scene.member, f"Thread {i}")
    last = post(scene.group, scene.document, scene.author, "The last thread")
    for query in ("", f"?post={scene.root.pk}", f"?post={last.pk}", "?page=2", "?show=unread"):
        for _user, client in scene.clients:
            scene.get(client, query)
        reply(last, scene.member, "A reply to the last thread")
        assert_every_viewer_sees_the_fresh_page(scene, query)


def test_new_markers_are_the_viewers_own(scene):
    client = {u: c for u, c in scene.clients if u is not None}
    scene.get(client[scene.member])  # the member's visit: nothing after it is new
    scene.get(client[scene.moderator])
    fresh = post(scene.group, scene.document, scene.author, "Written after their visits")
    member_page = scene.get(client[scene.member])
    author_page = scene.get(client[scene.author])
    item = f'id="post-{fresh.pk}"'
    assert "post--new" in member_page.split(item)[0].rsplit("<article", 1)[1]
    assert "post--new" not in author_page.split(item)[0].rsplit("<article", 1)[1]
    # The member's next visit: nothing is new any more (the rendering with the marker,
    # in the cache, is not served to them).
    again = scene.get(client[scene.member])
    assert "post--new" not in again.split(item)[0].rsplit("<article", 1)[1]


def test_replies_not_shown_count_what_is_new_to_the_viewer(scene):
    _five_more_replies(scene)  # the thread shows its first five replies
    lurker = add_member(scene.group).user
    client = Client()
    client.force_login(lurker)
    scene.get(client)
    reply(scene.root, scene.author, "Sixth")
    reply(scene.root, scene.author, "Seventh")
    assert "Show 3 more replies (2 new)" in scene.get(client)
    again = scene.get(client)  # nothing written since: nothing is new any more
    assert "Show 3 more replies" in again and "(2 new)" not in again


def test_margin_counts_of_two_viewers_who_came_at_the_same_moment_are_their_own(scene):
    from django.utils import timezone

    clients = {u: c for u, c in scene.clients if u is not None}
    for user in (scene.author, scene.member):
        scene.get(clients[user])
    moment = timezone.now()
    for body in ("Mine", "Mine again"):
        post(scene.group, scene.document, scene.author, body, anchor=scene.anchor)
    # Both last came at the same moment, before the author's posts (posting records the
    # author's visit; a post written another way, an import, would not).
    ReadState.objects.filter(discussion=scene.discussion).update(last_seen_at=moment)

    def count(html):
        return re.search(rf'<a id="count-{scene.anchor}"[^>]*>', html).group(0)

    assert "para-count--new" not in count(scene.get(clients[scene.author]))  # their own
    assert "para-count--new" in count(scene.get(clients[scene.member]))


# ------------------------------------------------------- only what changed renders


@pytest.fixture
def rendered(monkeypatch):
    """The thread items rendered anew (not taken from the cache), by root post id."""
    items: list[int] = []
    real = page_cache.get_template

    class Spy:
        def __init__(self, template):
            self.template = template

        def render(self, context):
            items.append(context["node"].post.pk)
            return self.template.render(context)

    monkeypatch.setattr(page_cache, "get_template", lambda name: Spy(real(name)))
    return items


def test_a_post_renders_only_its_own_thread(scene, rendered):
    lurker = add_member(scene.group).user
    client = Client()
    client.force_login(lurker)
    scene.get(client)
    scene.get(client)  # a second visit: nothing new since the first
    rendered.clear()
    new = post(scene.group, scene.document, scene.member, "A new thread")
    assert "A new thread" in scene.get(client)
    assert rendered == [new.pk]  # new to the lurker: marked so
    scene.get(client)  # their next visit: no longer new, rendered without the marker
    assert rendered == [new.pk, new.pk]
    rendered.clear()
    reply(scene.root, scene.member, "Another reply")
    assert "Another reply" in scene.get(client)
    assert rendered == [scene.root.pk]


def test_the_text_is_not_read_again_after_a_post_and_its_counts_follow(
    scene, django_assert_max_num_queries
):
    _user, client = scene.clients[2]
    scene.get(client)
    post(scene.group, scene.document, scene.author, "One more here", anchor=scene.anchor)
    with django_assert_max_num_queries(20) as queries:
        html = scene.get(client)
    statements = [q["sql"].upper() for q in queries.captured_queries]
    assert not [sql for sql in statements if 'FROM "LIBRARY_BLOCK"' in sql]  # text cached
    count = re.search(rf'<a id="count-{scene.anchor}"[^>]*>.*?</a>', html).group(0)
    assert '<span aria-hidden="true">2</span>' in count and "para-count--new" in count
    assert page_cache.MARGIN_SLOT not in html


@pytest.mark.parametrize("size", [5, 60])
def test_the_page_after_a_post_runs_the_same_few_queries_at_any_size(
    scene, size, django_assert_max_num_queries
):
    for i in range(size):
        if i % 3:
            reply(scene.root, scene.member, f"r{i}")
        else:
            post(scene.group, scene.document, scene.author, f"p{i}", anchor=scene.anchor * (i % 2))
    _user, client = scene.clients[2]
    scene.get(client)
    post(scene.group, scene.document, scene.author, "After the page was cached")
    # Session, user, group, discussion, read state (+ its write, the session's), the
    # frame with the margin counts, questions, the document's stamp, minutes, the unread
    # count, and the threads: roots, replies, the question's answers, the focus.
    with django_assert_max_num_queries(20):
        assert "After the page was cached" in scene.get(client)


# ------------------------------------------------------------- leaks and languages


def test_a_thread_is_never_served_in_another_language(scene):
    _user, client = scene.clients[2]
    assert ">Reply</a>" in scene.get(client)
    post(scene.group, scene.document, scene.author, "A new thread, so the page renders anew")
    scene.member.language = "es"
    scene.member.save()
    html = scene.get(client)
    assert ">Responder</a>" in html and ">Reply</a>" not in html


def test_an_authors_controls_never_reach_another_member_through_a_thread(scene):
    clients = {u: c for u, c in scene.clients if u is not None}
    edit = f"/posts/{scene.root.pk}/edit/"
    assert edit in scene.get(clients[scene.author])
    post(scene.group, scene.document, scene.author, "A new thread, so the page renders anew")
    assert edit not in scene.get(clients[scene.member])
    assert edit not in scene.get(clients[scene.moderator])


def test_a_held_post_reaches_only_its_author_and_the_moderators(scene):
    clients = dict(scene.clients)
    for user in (scene.newcomer, scene.moderator):
        scene.get(clients[user])
    post(scene.group, scene.document, scene.author, "A new thread, so the page renders anew")
    assert "Held back" in scene.get(clients[scene.newcomer])
    for user in (scene.member, scene.author, scene.outsider, None):
        assert "Held back" not in scene.get(clients[user])


# -------------------------------------------------------------------- the margin


@pytest.mark.parametrize("total,new", [(0, 0), (1, 0), (3, 2), (1200, 1)])
@pytest.mark.parametrize("oob", [False, True])
def test_a_margin_count_is_written_as_its_template_writes_it(total, new, oob):
    count = margin("/discussions/g/d/paragraphs/p-1/", 7, {"total": total, "new": new})
    entry = {"anchor": "p-1&x", "number": 7, "discussion": count}
    template = render_to_string("discussions/_para_count.html", {"entry": entry, "oob": oob})
    assert page_cache.margin_html("p-1&x", count, oob=oob) + "\n" == template


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_filled_slots_are_what_the_template_writes(scene, language):
    from types import SimpleNamespace

    from django.utils import translation

    frame = SimpleNamespace(group=scene.group, document=scene.document)
    entries = [("a", 1, {}), ("b", 2, {"total": 2, "new": 1}), ("c&d<e>", 3, {})]
    slot = page_cache.MARGIN_SLOT
    with translation.override(language):
        slots = "|".join(f"{slot}{n}:{escape(anchor)}{slot}" for anchor, n, _ in entries)
        counts = {"b": {"total": 2, "new": 1}}
        filled = page_cache.MarginCounts(frame, counts)(slots)
        url = page_cache.paragraph_url(scene.group.slug, scene.document.slug)
        expected = "|".join(
            render_to_string(
                "discussions/_para_count.html",
                {"entry": {"anchor": a, "number": n, "discussion": margin(url(a), n, c)}},
            ).rstrip("\n")
            for a, n, c in entries
        )
    assert filled == expected


def test_every_margin_slot_is_filled(scene):
    other = make_document(title="Long", sections=3, paragraphs=30)
    post(scene.group, other, scene.author, "On the last", anchor=first_anchor(other, 80))
    _user, client = scene.clients[2]
    html = client.get(url(scene.group, other)).content.decode()
    assert page_cache.MARGIN_SLOT not in html
    assert html.count("data-para-count") == 90
