"""Thread trees: posts in path order turned into nested nodes, and reading only the
threads and replies a page shows. (The reader's margin counts: `selectors.margin_counts`.)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from studygroups.core import prepared
from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.access import RowReader

from .models import PATH_SEGMENT, Post, ThreadKey
from .questions import AnswerGate
from .rules import PostActions

DISPLAY_DEPTH = 5  # levels shown inline; deeper replies behind "continue this thread"
# What a page sends first: this many replies of each thread (the first ones in display
# order, so they always hang together under the root); "Show N more replies" loads the
# rest of that thread.
REPLIES_SHOWN = 5


@dataclass
class Node:
    post: Post
    children: list[Node] = field(default_factory=list)
    reply_count: int = 0
    is_new: bool = False
    has_new: bool = False
    newest_at: datetime | None = None
    level: int = 0  # depth relative to the shown root
    continue_here: bool = False  # deeper replies are behind "continue this thread"
    can: PostActions | None = None  # what the viewer may do with it (selectors set it)
    # On a thread's root when only its first replies were read: how many are not shown
    # (and how many of those are new to the viewer).
    more: int = 0
    more_new: int = 0
    partial: bool = False  # in a thread shown in part: its reply_count may be short
    # A thread's root whose item the page took from the cache (`page_cache.thread_items`):
    # `_thread.html` shows it as it is.
    html: str = ""


SORTS = {
    "oldest": gettext_lazy("Oldest first"),
    "newest": gettext_lazy("Newest first"),
    "replies": gettext_lazy("Most replies"),
}


def build_threads(
    posts: Iterable[Post],
    *,
    gate: AnswerGate | None = None,
    seen_at: datetime | None = None,
    user_id: int | None = None,
    sort: str = "oldest",
    unread_only: bool = False,
    display_depth: int = DISPLAY_DEPTH,
) -> list[Node]:
    """Turn posts in path order (one query) into nested nodes.

    Threads whose root is a gated answer are dropped whole. `seen_at` marks posts by
    others created after it as new. Sorting applies to the top level; replies are always
    oldest first under their parent.
    """
    nodes: dict[int, Node] = {}
    roots: list[Node] = []
    hidden_paths: list[str] = []
    for post in posts:
        if any(post.path.startswith(p) for p in hidden_paths):
            continue
        if post.awaiting_approval and post.author_id != user_id:
            # Held for approval: its author sees it here; moderators in their queue.
            continue
        parent = nodes.get(post.parent_id) if post.parent_id else None
        if parent is None:
            if gate is not None and gate.hides(post):
                hidden_paths.append(post.path)
                continue
            node = Node(post=post, level=0)
            roots.append(node)
        else:
            node = Node(post=post, level=parent.level + 1)
            parent.children.append(node)
        node.is_new = bool(
            seen_at is not None
            and post.created_at > seen_at
            and post.author_id != user_id
            and not post.is_deleted
        )
        nodes[post.pk] = node
    # Subtree counts and "has new", leaves first (reverse path order).
    for node in reversed(list(nodes.values())):
        node.newest_at = max(
            [node.post.created_at] + [c.newest_at for c in node.children if c.newest_at]
        )
        node.reply_count = sum(1 + c.reply_count for c in node.children)
        node.has_new = node.is_new or any(c.has_new for c in node.children)
        if node.level == display_depth - 1 and node.children:
            node.continue_here = True
    if unread_only:
        roots = [r for r in roots if r.has_new]
    if sort == "newest":
        roots.sort(key=lambda n: n.newest_at, reverse=True)
    elif sort == "replies":
        roots.sort(key=lambda n: (-n.reply_count, n.post.path))
    # Pinned threads first (stable: each keeps its place among its kind).
    roots.sort(key=lambda n: n.post.pinned_at is None or n.post.is_hidden)
    return roots


def subtree(root: Post) -> list[Post]:
    """A post and all its replies in display order (one query)."""
    return list(
        Post.objects.filter(discussion_id=root.discussion_id, path__startswith=root.path)
        .select_related("author", "question")
        .order_by("path")
    )


# ------------------------------------------------------- reading only what is shown
#
# A thread is the root and every post whose path starts with the root's path: its
# "thread key", the first segment of a path, is the root's path (the expression index
# `post_thread` serves lookups by it). The functions below read a page's roots and the
# first replies of each in a bounded number of queries, whatever the discussion's size.


def thread_key():
    return ThreadKey()


def readable(queryset, user):
    """Without posts held for approval, except the viewer's own (moderators see those in
    their queue, not in the thread)."""
    held = Q(awaiting_approval=True)
    if user is not None and user.is_authenticated:
        held &= ~Q(author_id=user.pk)
    return queryset.exclude(held)


def ungated(queryset, gate: AnswerGate | None):
    """Without the roots `gate` hides: answers to a question that asks for the viewer's
    answer first (`AnswerGate.hides`, as a filter)."""
    if gate is None or gate.sees_all:
        return queryset
    # The gated questions as a subquery the database reads once, not a join per post:
    # with the join, counting the threads and walking to a page joined every thread to
    # its question (PostgreSQL, 5,000 threads: 3.5 and 5.8 ms per post; 2.2 and 2.0
    # with the subquery; `tests/discussions/measure_posting.py`).
    gated = DiscussionQuestion.objects.filter(answer_before_seeing=True)
    if gate.answered:
        gated = gated.exclude(pk__in=gate.answered)
    hidden = Q(question_id__in=gated.values("pk"))
    if gate.user_id is not None:
        hidden &= ~Q(author_id=gate.user_id)
    return queryset.exclude(hidden)


def _thread_posts(discussion, user):
    return readable(Post.objects.filter(discussion=discussion), user).annotate(thread=thread_key())


def _new_q(user, seen_at) -> Q | None:
    """Posts that are new to `user` (as `build_threads` marks them)."""
    if seen_at is None or user is None or not user.is_authenticated:
        return None
    return Q(created_at__gt=seen_at, deleted_at__isnull=True) & ~Q(author_id=user.pk)


def pinned_first():
    """0 for a live pinned post, else 1: pinned threads lead, each keeps its place."""
    return Case(
        When(Q(pinned_at__isnull=False, hidden_at__isnull=True), then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


# The default order of threads: pinned first, then by path (oldest first). A page in this
# order is found by walking the roots' index (`selectors._path_order_page`).
PATH_ORDER = ("pin", "path")


def ordered_roots(roots, *, discussion, user, sort="oldest", unread_only=False, seen_at=None):
    """Order root posts as the page lists them (pinned first, then `sort`; siblings by
    path), keeping only threads with something new when `unread_only`. The sort keys are
    per-thread subqueries, so the database orders them and Python sees only a page."""
    roots = roots.annotate(pin=pinned_first())
    same_thread = _thread_posts(discussion, user).filter(thread=OuterRef("path"))
    if unread_only:
        new = _new_q(user, seen_at)
        if new is None:
            return roots.none()
        roots = roots.filter(Exists(same_thread.filter(new)))
    if sort == "newest":
        newest = same_thread.order_by("-created_at").values("created_at")[:1]
        roots = roots.annotate(newest=Subquery(newest))
        return roots.order_by("pin", F("newest").desc(), "path")
    if sort == "replies":
        count = (
            same_thread.filter(parent__isnull=False)
            .order_by()
            .values("thread")
            .annotate(n=Count("pk"))
            .values("n")
        )
        roots = roots.annotate(reply_total=Coalesce(Subquery(count), 0))
        return roots.order_by("pin", "-reply_total", "path")
    return roots.order_by(*PATH_ORDER)


# The replies of a page's threads: every column of the reply, its author and its
# question (as `select_related` reads them), the thread it is in, its rank in the thread
# and the thread's count of replies and of new ones. Written as SQL: built with the ORM
# (three windows over an expression, two joins, a wrapping query to filter on the rank)
# it cost more CPU to compile on every page than the database took to run it.
_REPLIES_SQL = """
SELECT * FROM (
    SELECT {columns}, {thread} AS thread,
        ROW_NUMBER() OVER (PARTITION BY {thread} ORDER BY p.path) AS shown_rank,
        COUNT(*) OVER (PARTITION BY {thread}) AS thread_total,
        SUM(CASE WHEN p.created_at > %s AND p.deleted_at IS NULL
            AND (p.author_id IS NULL OR p.author_id <> %s) THEN 1 ELSE 0 END)
            OVER (PARTITION BY {thread}) AS thread_new
    FROM {post} p
    LEFT JOIN {user} u ON u.id = p.author_id
    LEFT JOIN {question} q ON q.id = p.question_id
    WHERE p.discussion_id = %s AND p.parent_id IS NOT NULL AND {thread} IN ({keys})
        AND (NOT p.awaiting_approval OR p.author_id = %s)
) w
WHERE w.shown_rank <= %s OR w.thread IN ({whole})
"""


@cache
def post_reader(using: str) -> RowReader:
    """Posts with their author and question (as `select_related` reads them) from plain
    SQL rows: `p`, `u` and `q`'s columns, in `reader.columns`' order (`post_from_row`)."""
    return RowReader(using, (Post, "p"), (get_user_model(), "u"), (DiscussionQuestion, "q"))


def post_from_row(reader: RowReader, row) -> Post:
    """The post of a `post_reader` row, its author and question attached."""
    post, author, question = reader.instances(row)
    Post.author.field.set_cached_value(post, author)
    Post.question.field.set_cached_value(post, question)
    return post


def _replies(discussion, user, seen_at, keys: list[str], whole_keys: list[str], shown: int):
    """The first `shown` replies of each thread of `keys` (all of those in `whole_keys`)
    that `user` may read (`readable`), each with `thread`, and, but in whole threads,
    `total` and `new_total` (replies new to `user`, as `_new_q` says), in ONE statement."""
    using = router.db_for_read(Post)
    connection = connections[using]
    reader = post_reader(using)
    qn = connection.ops.quote_name
    function = "SUBSTRING" if connection.vendor == "postgresql" else "SUBSTR"
    sql = _REPLIES_SQL.format(
        columns=reader.columns,
        thread=f"{function}(p.path, 1, {PATH_SEGMENT})",
        post=qn(Post._meta.db_table),
        user=qn(get_user_model()._meta.db_table),
        question=qn(DiscussionQuestion._meta.db_table),
        keys=", ".join(["%s"] * len(keys)),
        whole=", ".join(["%s"] * len(whole_keys)) or "NULL",
    )
    user_id = user.pk if user is not None and user.is_authenticated else None
    since = connection.ops.adapt_datetimefield_value(seen_at if user_id is not None else None)
    params = [since, user_id, discussion.pk, *keys, user_id, shown, *whole_keys]
    rows = prepared.fetch(connection, sql, params)
    width = sum(len(names) for _model, names, _converters in reader.parts)
    posts = []
    for row in rows:
        post = post_from_row(reader, row[:width])
        post.thread = row[width]
        if post.thread not in whole_keys:
            post.total, post.new_total = row[width + 2], row[width + 3] or 0
        posts.append(post)
    return posts


def thread_nodes(
    roots: list[Post],
    *,
    discussion,
    user,
    seen_at=None,
    shown: int = REPLIES_SHOWN,
    whole: set[int] | frozenset = frozenset(),
) -> list[Node]:
    """The threads of `roots` (in that order) with the first `shown` replies of each in
    display order, in ONE query (a window per thread; threads asked `whole`, root ids,
    with every reply). Each root node's `more` counts the rest."""
    if not roots:
        return []
    keys = [root.path for root in roots]
    whole_keys = [root.path for root in roots if root.pk in whole]
    rows = _replies(discussion, user, seen_at, keys, whole_keys, shown)
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        if hasattr(row, "total"):
            totals[row.thread] = (row.total, row.new_total)
    posts = sorted([*roots, *rows], key=lambda p: p.path)
    order = {root.pk: i for i, root in enumerate(roots)}
    nodes = build_threads(posts, seen_at=seen_at, user_id=getattr(user, "pk", None))
    # A reply whose parent was not read (never, as replies come in display order) would
    # stand as a root: keep the roots asked for.
    nodes = sorted((n for n in nodes if n.post.pk in order), key=lambda n: order[n.post.pk])
    for node in nodes:
        total, new_total = totals.get(node.post.path, (0, 0))
        node.more = max(0, total - shown) if total > shown else 0
        if node.more:
            for shown_node in _walk(node):
                shown_node.partial = True
            shown_new = sum(1 for n in _walk(node) if n.is_new and n is not node)
            node.more_new = max(0, new_total - shown_new)
    return nodes


def _walk(node: Node):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)
