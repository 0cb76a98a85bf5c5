"""Pages of threads in the default order (pinned first, then oldest), found by their
places (`selectors._path_order_page`): the same pages, page numbers and totals as
numbering the whole ordered list, for every viewer's filters, pinned threads on either
side of a page's edge, any focused thread and any page number asked for; and a page
that stays put when others post between its two statements."""

import random

import pytest
from django.db import connection
from django.utils import timezone

from studygroups.discussions import selectors, threads
from studygroups.discussions.models import Discussion, Post
from studygroups.groups.models import Group, Membership
from tests.factories import add_member, first_anchor, make_document, make_group, post, reply

pytestmark = pytest.mark.django_db

PER_PAGE = selectors.THREADS_PER_PAGE


class Threads:
    """A public group's discussion with `count` general threads (some with replies, a
    few on a paragraph), some pinned, one pinned but hidden (not first), some held for
    approval, by the author and by someone else."""

    def __init__(self, count, *, pinned=(), seed=7):
        rng = random.Random(seed)
        self.group = make_group(organizer=None, visibility=Group.Visibility.PUBLIC, name="Pages")
        self.document = make_document(title="A long text", sections=1, paragraphs=3)
        self.viewer = add_member(self.group, display_name="Viewer").user
        self.other = add_member(self.group, display_name="Other").user
        self.moderator = add_member(self.group, role=Membership.Role.FACILITATOR).user
        anchor = first_anchor(self.document)
        self.roots = []
        for n in range(count):
            author = self.viewer if n % 3 == 0 else self.other
            root = post(self.group, self.document, author, body=f"Thread {n}.")
            self.roots.append(root)
            if rng.random() < 0.2:
                reply(root, self.other)
            if rng.random() < 0.1:
                post(self.group, self.document, author, body="On a paragraph.", anchor=anchor)
        self.discussion = Discussion.objects.get(group=self.group, document=self.document)
        now = timezone.now()
        for n in pinned:
            Post.objects.filter(pk=self.roots[n].pk).update(pinned_at=now)
        if count > 5:  # pinned, then hidden: listed in its place, not first
            Post.objects.filter(pk=self.roots[5].pk).update(pinned_at=now, hidden_at=now)
        held = [r.pk for r in self.roots[7::11]]  # the viewer's (n % 3 == 0) and others'
        Post.objects.filter(pk__in=held).update(awaiting_approval=True, hidden_at=now)

    def ordered(self, user):
        roots = selectors._roots(self.discussion, user, None).filter(detached_at__isnull=True)
        return threads.ordered_roots(roots, discussion=self.discussion, user=user)

    def reference(self, user) -> list[int]:
        """Every root the viewer sees, in page order, from the ORM (the whole list)."""
        return list(self.ordered(user).values_list("pk", flat=True))

    def page(self, user, number=None, focus=None):
        page, key = selectors._thread_page(
            self.ordered(user), number, focus, discussion=self.discussion
        )
        assert key == selectors._focus_root(self.discussion, focus)
        return page


def ids(page) -> list[int]:
    return [p.pk for p in page.object_list]


def expected(order, number):
    return order[(number - 1) * PER_PAGE : number * PER_PAGE]


@pytest.fixture(scope="module")
def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("pinned", [(), (2, 40), tuple(range(20, 50))])
def test_every_focused_thread_and_page_number_matches_the_whole_ordered_list(pinned, anonymous):
    """Pinned threads: none; two (both on page 1); thirty (page 2 starts with five of
    them, then unpinned threads). For the thread's author, another member and a
    visitor, every root's page and every page number give the pages of the whole list."""
    scene = Threads(64, pinned=pinned)
    for user in (scene.viewer, scene.other, anonymous):
        order = scene.reference(user)
        assert len(order) > 2 * PER_PAGE
        pages = -(-len(order) // PER_PAGE)
        for place, pk in enumerate(order):
            page = scene.page(user, focus=pk)
            assert page.number == place // PER_PAGE + 1
            assert ids(page) == expected(order, page.number)
            assert page.paginator.count == len(order)
        for asked, number in [(1, 1), (2, 2), (pages, pages), ("2", 2), (None, 1)] + [
            ("x", 1),
            (0, 1),
            (-3, 1),
            (pages + 5, pages),  # past the end: the last
        ]:
            page = scene.page(user, asked)
            assert (page.number, ids(page)) == (number, expected(order, number))


def test_a_hidden_pinned_thread_keeps_its_place_and_a_held_one_shows_to_its_author_only():
    scene = Threads(30, pinned=(12,))
    viewer_order, other_order = scene.reference(scene.viewer), scene.reference(scene.other)
    assert viewer_order[0] == scene.roots[12].pk
    assert scene.roots[5].pk in viewer_order[1:25]  # pinned but hidden: not first
    held_by_viewer = scene.roots[18].pk  # n=18: the viewer's, held
    assert held_by_viewer in viewer_order and held_by_viewer not in other_order
    page = scene.page(scene.other, focus=held_by_viewer)  # not theirs to see: page asked
    assert page.number == 1 and held_by_viewer not in ids(page)
    page = scene.page(scene.viewer, focus=held_by_viewer)
    assert held_by_viewer in ids(page)


def test_a_reply_focuses_its_thread_and_paragraph_threads_page_apart():
    scene = Threads(40)
    order = scene.reference(scene.viewer)
    root = Post.objects.get(pk=order[30])
    answer = reply(root, scene.other, "Deep in page two.")
    page = scene.page(scene.viewer, focus=answer.pk)
    assert (page.number, root.pk in ids(page)) == (2, True)
    anchor = first_anchor(scene.document)
    on_paragraph = Post.objects.filter(
        discussion=scene.discussion, anchor=anchor, parent__isnull=True
    ).order_by("path")
    roots = threads.ordered_roots(
        threads.readable(on_paragraph, scene.viewer),
        discussion=scene.discussion,
        user=scene.viewer,
    )
    page, _key = selectors._thread_page(roots, 1, None, discussion=scene.discussion)
    assert ids(page) == list(on_paragraph.values_list("pk", flat=True))[:PER_PAGE]


def test_threads_posted_between_the_count_and_the_walk_leave_the_focused_page_as_counted():
    """Other members' new threads committed after the count (they come after every
    thread in page order) do not shift the page: the walk starts at the focused thread.
    Walking back from the end, the page would have slid by the new threads."""
    scene = Threads(60)
    order = scene.reference(scene.viewer)
    focus = order[-1]  # the newest thread: the last page
    state = {"done": False}

    def others_post_after_the_count(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not state["done"] and "SELECT count(*)," in sql:
            state["done"] = True
            for n in range(30):
                post(scene.group, scene.document, scene.other, body=f"Meanwhile {n}.")
        return result

    with connection.execute_wrapper(others_post_after_the_count):
        page = scene.page(scene.viewer, focus=focus)
    assert state["done"]
    assert focus in ids(page)
    assert ids(page) == expected(order, (len(order) - 1) // PER_PAGE + 1)


def test_two_statements_at_any_size(django_assert_num_queries):
    """The count and the page, with or without a focused thread (its key is found by
    the count's statement), 30 threads or 90."""
    for count in (30, 90):
        scene = Threads(count, pinned=(1, 26))
        order = scene.reference(scene.viewer)
        roots = scene.ordered(scene.viewer)
        last = (len(order) - 1) // PER_PAGE + 1
        for number, focus, shown in ((1, None, 1), (2, None, 2), (None, order[-1], last)):
            with django_assert_num_queries(2):
                page, _key = selectors._thread_page(
                    roots, number, focus, discussion=scene.discussion
                )
            assert ids(page) == expected(order, shown)
