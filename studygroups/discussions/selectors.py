"""The discussion pages as ready data: what each page shows, with the viewer's flags.

Selectors read; they never write (the visit that marks posts "new" is recorded by
`posting.discussion_mark_seen` before a selector is asked, and handed in as `seen_at`).
Every post they return carries `node.can`, the viewer's `PostActions`, computed from
`rules.py`, so templates only read flags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection, connections
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Max,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from studygroups.core import prepared
from studygroups.core.markdown import markdown_to_plain
from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.models import Group, Membership
from studygroups.groups.rules import can_view_group, is_facilitator
from studygroups.library.models import Block, Document
from studygroups.library.reading import document_parts
from studygroups.library.selectors import PageData, Reader, reader

from .access import DiscussionContext
from .anchoring import block_for_anchor
from .models import PATH_SEGMENT, Discussion, Follow, Notification, Post
from .questions import AnswerGate, answer_gate, questions_for
from .rules import DiscussionActions, can_see_member, discussion_actions, post_actions
from .threads import (
    DISPLAY_DEPTH,
    PATH_ORDER,
    Node,
    build_threads,
    ordered_roots,
    post_from_row,
    post_reader,
    readable,
    subtree,
    thread_nodes,
    ungated,
)

THREADS_PER_PAGE = 25
ANSWERS_SHOWN = 10  # answers shown under each question; "Show all N answers" for the rest
DETACHED_SHOWN = 25  # threads on passages no longer in the text, oldest first


def post_url(post: Post) -> str:
    """Where a link to a post leads: its paragraph's threads, or the page of the general
    discussion that holds it; either way scrolled to the post."""
    group, document = post.discussion.group, post.discussion.document
    if post.anchor:
        url = reverse(
            "discussions:paragraph",
            kwargs={
                "group_slug": group.slug,
                "document_slug": document.slug,
                "anchor": post.anchor,
            },
        )
        url += f"?post={post.pk}"  # its thread shown whole, on the page that holds it
    else:
        url = reverse(
            "discussions:document",
            kwargs={"group_slug": group.slug, "document_slug": document.slug},
        )
        url += f"?post={post.pk}"  # the page of threads that holds it
    return f"{url}#post-{post.pk}"


def _with_actions(user, nodes: list[Node], discussion: Discussion) -> list[Node]:
    """Give every node (replies included) the viewer's flags. The posts share the one
    `discussion` (carrying the group and the viewer's membership): no query per post."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        node.post.discussion = discussion
        node.can = post_actions(user, node.post)
        stack.extend(node.children)
    return nodes


def _share(ctx: DiscussionContext) -> None:
    if ctx.discussion is not None:
        ctx.discussion.group = ctx.group
        ctx.discussion.document = ctx.document


# ------------------------------------------------------------------- the discussion


@dataclass
class QuestionBlock:
    question: DiscussionQuestion
    answers: list[Node]
    locked: bool  # the viewer must answer before seeing the others' answers
    more: int = 0  # answers not shown (the page shows the first ANSWERS_SHOWN)


@dataclass
class DiscussionPage(PageData):
    """The general discussion after the text: the curriculum's questions with their
    answers, and a page of the threads not tied to a paragraph."""

    group: Group
    document: Document
    discussion: Discussion | None
    locked: bool
    can: DiscussionActions
    questions: list[DiscussionQuestion]
    question_blocks: list[QuestionBlock]
    threads: list[Node]
    page_obj: Page
    following: bool
    # Threads whose passage left the text ("On passages no longer in the text").
    detached_threads: list[Node] = field(default_factory=list)
    detached_more: int = 0
    display_depth: int = DISPLAY_DEPTH


def _roots(discussion: Discussion, user, gate):
    """The discussion's readable top-level posts that are not on a paragraph (general
    threads, answers, and threads whose passage left the text)."""
    roots = Post.objects.filter(discussion=discussion, anchor="", parent__isnull=True)
    return ungated(readable(roots, user), gate).select_related("author", "question")


def _focus_root(discussion: Discussion, post_id: int | None) -> str | None:
    """The thread key (its root's path) of post `post_id` in this discussion, if any."""
    if post_id is None:
        return None
    path = Post.objects.filter(pk=post_id, discussion=discussion).values_list("path", flat=True)
    path = path.first()
    return path[:PATH_SEGMENT] if path else None


def _expression(key):
    """An `order_by()` key ("-name", "name" or an expression) as an expression."""
    if not isinstance(key, str):
        return key
    return F(key[1:]).desc() if key.startswith("-") else F(key).asc()


DETACHED = -1  # the partition of threads on passages no longer in the text


def _side_threads(discussion, user, gate, questions, *, sort, unread_only, seen_at, all_of):
    """The roots shown beside the general threads, in ONE query: the first
    ANSWERS_SHOWN answers to each question (all of question `all_of`) and the first
    DETACHED_SHOWN threads whose passage left the text, ordered as the threads are.
    Returns ({question id or DETACHED: roots}, {same key: how many more})."""
    ids = [q.pk for q in questions]
    side = _roots(discussion, user, gate).filter(
        Q(question_id__in=ids, detached_at__isnull=True) | Q(detached_at__isnull=False)
    )
    side = ordered_roots(
        side, discussion=discussion, user=user, sort=sort, unread_only=unread_only, seen_at=seen_at
    )
    ordering = [_expression(key) for key in side.query.order_by]
    part = Case(
        When(detached_at__isnull=False, then=Value(DETACHED)),
        default=F("question_id"),
        output_field=IntegerField(),
    )
    side = side.annotate(
        part=part,
        rank=Window(RowNumber(), partition_by=[part], order_by=ordering),
        total=Window(Count("pk"), partition_by=[part]),
        cap=Case(
            When(detached_at__isnull=False, then=Value(DETACHED_SHOWN)),
            When(question_id=all_of, then=Value(10**9)),
            default=Value(ANSWERS_SHOWN),
            output_field=IntegerField(),
        ),
    )
    roots: dict[int, list[Post]] = {}
    more: dict[int, int] = {}
    for row in side.filter(rank__lte=F("cap")).order_by("part", "rank"):
        roots.setdefault(row.part, []).append(row)
        more[row.part] = max(0, row.total - row.cap)
    return roots, more


def _thread_page(
    roots, number, focus: int | None, *, discussion: Discussion
) -> tuple[Page, str | None]:
    """The page of ordered `roots` numbered `number` (the one holding post `focus`'s
    thread when given, `_focus_page`; anything invalid: the first; past the end: the
    last), with that thread's key (`_focus_root`; None without `focus`).

    In the default order (`PATH_ORDER`), `_path_order_page`. In the others (newest
    reply, most replies: keys computed per thread), two queries, the usual case: the
    page's ids with the total (a window count over narrow rows), then those rows whole.
    In one query the window made the database carry every root's whole row (with its
    author and question) through the count and the sort: 18 ms at 5,000 posts, against a
    few for the two."""
    if tuple(roots.query.order_by) == PATH_ORDER:
        return _path_order_page(roots, number, focus, discussion=discussion)
    focus_key = _focus_root(discussion, focus)
    head = _focus_page(roots, focus_key) if focus_key is not None else None
    if head:  # the page holding the focused thread, numbered and counted in one statement
        number, total = head[0][2], head[0][1]
    else:
        try:
            number = max(1, int(number))
        except (TypeError, ValueError):
            number = 1
        counted = roots.annotate(total=Window(Count("pk"))).values_list("pk", "total")
        offset = (number - 1) * THREADS_PER_PAGE
        head = list(counted[offset : offset + THREADS_PER_PAGE])
        if head or number == 1:
            total = head[0][1] if head else 0
        else:  # past the end: the last page
            total = roots.count()
            number = max(1, -(-total // THREADS_PER_PAGE))
            offset = (number - 1) * THREADS_PER_PAGE
            head = list(counted[offset : offset + THREADS_PER_PAGE])
    # The page's rows whole, by id. The ids were chosen under every filter of `roots`
    # (readable, the answer gate, unread only) and its order: reading the rows through
    # `roots` again compiled all of it (the sort's per-thread subqueries included), which
    # cost more than reading them. Only the discussion is asked again.
    rows_by_id = Post.objects.filter(discussion=discussion).select_related("author", "question")
    by_pk = rows_by_id.in_bulk([row[0] for row in head]) if head else {}
    rows = [by_pk[row[0]] for row in head if row[0] in by_pk]  # gone since: left out
    return Paginator(_Counted(rows, total), THREADS_PER_PAGE).page(number), focus_key


# The roots in scope (`{sql}`, their id, path and pin) counted in one pass, with how
# many are pinned; the focused thread's key (`k`: the path of the root of the post asked
# for, in this discussion), its pin (NULL when it is not among them), and how many
# threads, and how many pinned ones, come after it in path order: a range of the roots'
# index (`post_roots`) from the focused thread on, a few steps for a new thread (counting
# those before it made every row's path be compared, three times).
_PLACES_SQL = """
WITH k AS (
    SELECT substr(path, 1, {segment}) AS key FROM {post} WHERE id = %s AND discussion_id = %s
)
SELECT count(*), count(CASE WHEN r.pin = 0 THEN 1 END),
    (SELECT f.pin FROM ({sql}) f WHERE f.path = (SELECT key FROM k)),
    (SELECT count(*) FROM ({sql}) a WHERE a.path > (SELECT key FROM k)),
    (SELECT count(CASE WHEN a.pin = 0 THEN 1 END) FROM ({sql}) a
        WHERE a.path > (SELECT key FROM k)),
    (SELECT key FROM k)
FROM ({sql}) r
"""

# One run of the page: `limit` of the roots in scope with that pin (values, after
# `{sql}`'s and the bound's), in path order from `offset` places after the run's start,
# or from the focused thread (`{bound}`: the roots from its path on, or those before it,
# walked back).
_RUN_SQL = """
SELECT * FROM (
    SELECT {part} AS part, r.id, r.path FROM ({sql}) r
    WHERE r.pin = {part}{bound} ORDER BY r.path {direction} LIMIT %s OFFSET %s
) run{n}
"""

# The page's rows whole (post, author, question), its runs in page order.
_PAGE_ROWS_SQL = """
SELECT {columns} FROM ({runs}) w
JOIN {post} p ON p.id = w.id
LEFT JOIN {user} u ON u.id = p.author_id
LEFT JOIN {question} q ON q.id = p.question_id
ORDER BY w.part, w.path
"""


def _path_order_page(
    roots, number, focus: int | None, *, discussion: Discussion
) -> tuple[Page, str | None]:
    """`_thread_page` in the default order, pinned threads first, then by path: the
    page found by its threads' places, not by numbering every thread. Two statements
    however long the discussion: the counts with the focused thread's key
    (`_PLACES_SQL`, one pass over the roots' index), then the page's rows, walked in
    path order from the focused thread, or from the first.

    Numbering every root (a window over the sort, as `_focus_page` does) cost 8.8 ms at
    5,000 threads on SQLite, and every post leads to the page that holds it; the count
    costs 0.9 ms and the page's rows 0.5 (`tests/discussions/measure_posting.py`)."""
    try:
        sql, params = roots.order_by().values("id", "path", "pin").query.sql_with_params()
    except EmptyResultSet:
        return Paginator([], THREADS_PER_PAGE).page(1), _focus_root(discussion, focus)
    using = roots.db
    connection = connections[using]
    places = _PLACES_SQL.format(
        sql=sql, segment=PATH_SEGMENT, post=connection.ops.quote_name(Post._meta.db_table)
    )
    found = prepared.fetch(
        connection, places, [focus, discussion.pk, *params, *params, *params, *params], one=True
    )
    total, pinned, focus_pin, after, pinned_after, focus_key = found
    pages = max(1, -(-total // THREADS_PER_PAGE))
    if focus_pin is not None:  # the focused thread's place: those before it in page order
        # Among the pinned, who come first; or after all of them and the unpinned before.
        place = pinned - 1 - pinned_after if focus_pin == 0 else total - 1 - (after - pinned_after)
        number = place // THREADS_PER_PAGE + 1
    else:
        try:
            number = min(max(1, int(number)), pages)
        except (TypeError, ValueError):
            number = 1
    start = (number - 1) * THREADS_PER_PAGE
    end = min(start + THREADS_PER_PAGE, total)
    runs, run_params = [], []

    def run(part, limit, *, offset=0, direction="ASC", bound=""):
        runs.append(
            _RUN_SQL.format(
                part=part,
                sql=sql,
                bound=bound,
                direction=direction,
                n=len(runs),
            )
        )
        # The sizes as values: the statement's text, prepared once, is one of a few.
        run_params.extend(
            [*params, focus_key, limit, offset] if bound else [*params, limit, offset]
        )

    for part, first, last in ((0, 0, pinned), (1, pinned, total)):
        low, high = max(start, first), min(end, last)
        if low >= high:  # none of the page's places in this run
            continue
        if focus_pin == part:
            # Walked from the focused thread's path, both ways: new threads added since
            # the count (after it in path order) move nothing, and a new thread's page,
            # the last, costs 25 steps, not a walk from the first thread.
            if place > low:
                run(part, place - low, direction="DESC", bound=" AND r.path < %s")
            run(part, high - place, bound=" AND r.path >= %s")
        else:
            run(part, high - low, offset=low - first)
    rows = []
    if runs:
        reader = post_reader(using)
        qn = connection.ops.quote_name
        statement = _PAGE_ROWS_SQL.format(
            columns=reader.columns,
            runs=" UNION ALL ".join(runs),
            post=qn(Post._meta.db_table),
            user=qn(get_user_model()._meta.db_table),
            question=qn(DiscussionQuestion._meta.db_table),
        )
        found = prepared.fetch(connection, statement, run_params)
        rows = [post_from_row(reader, row) for row in found]
    return Paginator(_Counted(rows, total), THREADS_PER_PAGE).page(number), focus_key


# The ordered roots numbered by the database; the rows of the page that holds the root
# whose path is given, with the total and that page's number. The filter on the path
# must come after the numbering, hence the ORM's statement as a subquery.
_FOCUS_PAGE_SQL = """
WITH numbered AS ({sql})
SELECT n.id, n.total, (n.place - 1) / {size} + 1 FROM numbered n
WHERE (n.place - 1) / {size} = (SELECT (f.place - 1) / {size} FROM numbered f WHERE f.path = %s)
ORDER BY n.place
"""


def _focus_page(roots, focus_key: str) -> list[tuple[int, int, int]]:
    """[(id, total, page number)] of the page of ordered `roots` that holds the thread
    `focus_key`, in ONE statement whatever the number of threads; empty when no root
    has that path (the caller then shows the page asked for)."""
    ordering = [_expression(key) for key in roots.query.order_by]
    numbered = roots.annotate(
        place=Window(RowNumber(), order_by=ordering), total=Window(Count("pk"))
    ).values("id", "path", "place", "total")
    sql, params = numbered.query.sql_with_params()
    statement = _FOCUS_PAGE_SQL.format(sql=sql, size=THREADS_PER_PAGE)
    with connections[roots.db].cursor() as cursor:
        cursor.execute(statement, [*params, focus_key])
        return [(pk, int(total), int(number)) for pk, total, number in cursor.fetchall()]


class _Counted:
    """One page's rows standing for the whole list (the paginator slices only them)."""

    def __init__(self, rows: list, total: int):
        self.rows, self.total = rows, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, index):
        return self.rows


@dataclass
class DiscussionFrame(PageData):
    """What the discussion page needs whether or not its threads are rendered anew: the
    viewer's flags, the curriculum's questions (the composer offers them), and what the
    cached threads are keyed by (`page_cache.threads_key`), read fresh from the database:
    the discussion's `version`, whether a post came after the viewer's previous visit,
    and whether the viewer wrote in it."""

    group: Group
    document: Document
    discussion: Discussion | None
    locked: bool
    can: DiscussionActions
    questions: list[DiscussionQuestion]
    gate: AnswerGate
    following: bool = False
    version: int | None = None
    posted_since_seen: bool = False
    viewer_posted: bool = False


# Part 0: the discussion's row (version, anything newer than the viewer's previous visit,
# did they write here, do they follow). Part 1: the questions they answered here, as
# `questions.answered_question_ids` reads them (the answer gate).
_FRAME_SQL = """
SELECT 0, d.version,
    EXISTS (SELECT 1 FROM {post} p WHERE p.discussion_id = d.id AND p.created_at > %s),
    EXISTS (SELECT 1 FROM {post} p WHERE p.discussion_id = d.id AND p.author_id = %s),
    EXISTS (
        SELECT 1 FROM {follow} f
        WHERE f.discussion_id = d.id AND f.user_id = %s AND f.following
    )
FROM {discussion} d WHERE d.id = %s
UNION ALL
SELECT DISTINCT 1, p.question_id, FALSE, FALSE, FALSE FROM {post} p
WHERE p.discussion_id = %s AND p.author_id = %s
    AND p.question_id IS NOT NULL AND p.deleted_at IS NULL
"""


def discussion_frame(user, ctx: DiscussionContext, *, seen_at: datetime | None) -> DiscussionFrame:
    """The page's frame in at most two queries, whoever the viewer and however long the
    discussion: the questions (when the group follows a reading series), and ONE
    statement for the version, whether a post came after `seen_at` (the viewer's
    previous visit), authorship, following and the questions the viewer answered.

    That statement is written as SQL (EXISTS on the indexes `post_discussion_created`,
    `post_discussion_author` and the follow's unique pair): built with the ORM (a
    Subquery, two Exists and the answer gate's own query) it cost about 2 ms of CPU to
    compile on every visit, the SQL itself a twentieth of that."""
    _share(ctx)
    group, document, discussion = ctx.group, ctx.document, ctx.discussion
    sees_all = bool(user.is_authenticated and is_facilitator(user, group))
    user_id = user.pk if user.is_authenticated else None
    frame = DiscussionFrame(
        group=group,
        document=document,
        discussion=discussion,
        locked=ctx.locked,
        can=discussion_actions(user, group, locked=ctx.locked),
        questions=questions_for(group, document),
        gate=AnswerGate(user_id=user_id, answered=set(), sees_all=sees_all),
    )
    if discussion is None:
        return frame
    sql = _FRAME_SQL.format(
        post=Post._meta.db_table,
        follow=Follow._meta.db_table,
        discussion=Discussion._meta.db_table,
    )
    since = connection.ops.adapt_datetimefield_value(seen_at)  # NULL: nothing is newer
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, user_id, user_id, discussion.pk, discussion.pk, user_id])
        rows = cursor.fetchall()
    answered = {row[1] for row in rows if row[0] == 1}
    row = next((row for row in rows if row[0] == 0), None)
    if row is None:  # deleted since the access check: nothing is cached for it
        return frame
    frame.version = row[1]
    frame.posted_since_seen, frame.viewer_posted, frame.following = map(bool, row[2:])
    if not sees_all:
        frame.gate.answered = answered
    return frame


# The margin's counts: the live posts on each paragraph and how many are new to the
# viewer (written after their previous visit, not by them), as one plain statement (the
# page asks for them after every write; the ORM's aggregate cost more to build than run).
# `anchor > ''` (every anchor but none) is a range of the index `post_discussion_anchor`:
# `<> ''` made both databases read every general post too (1.0 ms at 5,000 on
# PostgreSQL).
_COUNTS_SQL = """
SELECT p.anchor, COUNT(*),
    SUM(CASE WHEN p.created_at > %s AND (p.author_id IS NULL OR p.author_id <> %s)
        THEN 1 ELSE 0 END)
FROM {post} p
WHERE p.discussion_id = %s AND p.anchor > '' AND p.deleted_at IS NULL AND p.hidden_at IS NULL
GROUP BY p.anchor
"""


def margin_counts(user, discussion: Discussion | None, *, seen_at) -> dict[str, dict]:
    """{anchor: {"total", "new"}}: the live posts on each paragraph and how many are new
    to `user` (after `seen_at`, not theirs), in one statement."""
    if discussion is None:
        return {}
    user_id = user.pk if user.is_authenticated else None
    since = connection.ops.adapt_datetimefield_value(seen_at if user_id is not None else None)
    with connection.cursor() as cursor:
        cursor.execute(
            _COUNTS_SQL.format(post=Post._meta.db_table), [since, user_id, discussion.pk]
        )
        rows = cursor.fetchall()
    return {anchor: {"total": int(total), "new": int(new or 0)} for anchor, total, new in rows}


def discussion_page(
    user,
    ctx: DiscussionContext,
    *,
    sort: str = "oldest",
    unread_only: bool = False,
    seen_at: datetime | None = None,
    focus: int | None = None,
    page_number=None,
    all_answers: int | None = None,
    frame: DiscussionFrame | None = None,
) -> DiscussionPage:
    """What the page sends first: a page of THREADS_PER_PAGE threads and the first
    ANSWERS_SHOWN answers to each question (all to question `all_answers`), each thread
    with its first REPLIES_SHOWN replies (the thread holding post `focus` whole). A
    bounded number of rows from a constant number of queries, however long the
    discussion. `frame` is the page's `discussion_frame` when the view has it already."""
    frame = frame or discussion_frame(user, ctx, seen_at=seen_at)
    group, document, discussion = frame.group, frame.document, frame.discussion
    questions, gate = frame.questions, frame.gate
    known = [q.pk for q in questions]
    ordering = {"sort": sort, "unread_only": unread_only, "seen_at": seen_at}
    side: dict[int, list[Post]] = {}
    side_more: dict[int, int] = {}
    if discussion is None:
        page = Paginator([], THREADS_PER_PAGE).get_page(1)
        focus_key = None
    else:
        general = ordered_roots(
            _roots(discussion, user, gate)
            .filter(detached_at__isnull=True)
            .exclude(question_id__in=known),  # answers to questions no longer asked stay
            discussion=discussion,
            user=user,
            **ordering,
        )
        page, focus_key = _thread_page(general, page_number, focus, discussion=discussion)
        # Threads leave the text only when it is corrected (a revision after the first):
        # with no questions either, there is nothing beside the general threads to read.
        if questions or document.text_revision > 1:
            side, side_more = _side_threads(
                discussion, user, gate, questions, all_of=all_answers, **ordering
            )
    page_roots = list(page.object_list)
    detached_roots = side.pop(DETACHED, [])
    all_roots = page_roots + [p for posts in side.values() for p in posts] + detached_roots
    nodes = thread_nodes(
        all_roots,
        discussion=discussion,
        user=user,
        seen_at=seen_at,
        whole={r.pk for r in all_roots if r.path == focus_key},
    )
    if discussion is not None:
        _with_actions(user, nodes, discussion)
    by_pk = {node.post.pk: node for node in nodes}
    question_blocks = [
        QuestionBlock(
            question=q,
            answers=[by_pk[p.pk] for p in side.get(q.pk, [])],
            locked=q.answer_before_seeing and not gate.sees_all and q.pk not in gate.answered,
            more=side_more.get(q.pk, 0),
        )
        for q in questions
    ]
    page.object_list = [by_pk[p.pk] for p in page_roots]
    return DiscussionPage(
        group=group,
        document=document,
        discussion=discussion,
        locked=frame.locked,
        can=frame.can,
        questions=questions,
        question_blocks=question_blocks,
        threads=page.object_list,
        page_obj=page,
        following=frame.following,
        detached_threads=[by_pk[p.pk] for p in detached_roots],
        detached_more=side_more.get(DETACHED, 0),
    )


_PLAIN_ANCHOR = re.compile(r"[A-Za-z0-9_-]+")


def paragraph_url(group_slug: str, document_slug: str):
    """The paragraph-threads URL of any anchor of one document: reversed once, the anchor
    put in its place (an anchor a URL writes as it is; anything else reversed on its
    own), as the page has one per paragraph."""
    kwargs = {"group_slug": group_slug, "document_slug": document_slug}
    pattern = reverse("discussions:paragraph", kwargs=kwargs | {"anchor": "__anchor__"})

    def url(anchor: str) -> str:
        if _PLAIN_ANCHOR.fullmatch(anchor):
            return pattern.replace("__anchor__", anchor)
        return reverse("discussions:paragraph", kwargs=kwargs | {"anchor": anchor})

    return url


def margin(url: str, number, counts: dict) -> dict:
    """A paragraph's margin count as `_para_count.html` shows it: the count, how many
    are new, the link to the paragraph's threads and the words a screen reader says.
    Written here rather than in the template: the page has one per paragraph, and the
    template's translation tags cost about ten times as much."""
    total, new = counts.get("total", 0), counts.get("new", 0)
    values = {"n": total, "number": number, "new": new}
    if total and new:
        label = ngettext(
            "%(n)s post on paragraph %(number)s, %(new)s new",
            "%(n)s posts on paragraph %(number)s, %(new)s new",
            total,
        )
    elif total:
        label = ngettext(
            "%(n)s post on paragraph %(number)s", "%(n)s posts on paragraph %(number)s", total
        )
    else:
        label = gettext("Discuss paragraph %(number)s")
    return {"total": total, "new": new, "url": url, "label": label % values}


def discussion_reader(ctx: DiscussionContext) -> Reader:
    """The text of the discussion page. Its margin counts are not part of it: the page
    caches the text with a slot per paragraph (`discussions/_para_count_slot.html`) and
    fills the slots with each request's own counts (`page_cache.MarginCounts`)."""
    return reader(ctx.document)


def margin_count(user, post: Post, *, number: int, seen_at: datetime | None) -> dict:
    """The margin count of the paragraph `post` is on (numbered `number`)."""
    counts = margin_counts(user, post.discussion, seen_at=seen_at)
    return {
        "anchor": post.anchor,
        "number": number,
        "discussion": margin(
            paragraph_url(post.discussion.group.slug, post.discussion.document.slug)(post.anchor),
            number,
            counts.get(post.anchor, {}),
        ),
    }


# -------------------------------------------------------------------- a paragraph


@dataclass
class ParagraphPage(PageData):
    group: Group
    document: Document
    discussion: Discussion | None
    locked: bool
    can: DiscussionActions
    paragraph_block: Block
    anchor: str
    number: int | None
    threads: list[Node]
    page_obj: Page | None = None
    display_depth: int = DISPLAY_DEPTH


def paragraph_page(
    user,
    ctx: DiscussionContext,
    anchor: str,
    *,
    seen_at: datetime | None,
    focus: int | None = None,
    page_number=None,
) -> ParagraphPage:
    """A page of the threads on one paragraph, each with its first replies (the thread
    holding post `focus` whole), as the general page reads them. Http404 when the anchor
    names no paragraph."""
    _share(ctx)
    try:
        block = block_for_anchor(ctx.document, anchor)
    except ValidationError:
        raise Http404("That paragraph is not part of this document.") from None
    number = None
    for part in document_parts(ctx.document):
        for item in part.numbered():
            if item.anchor == anchor:
                number = item.number
    gate = answer_gate(user, ctx.discussion, ctx.group)
    threads: list[Node] = []
    page = Paginator([], THREADS_PER_PAGE).get_page(1)
    if ctx.discussion is not None:
        roots = Post.objects.filter(discussion=ctx.discussion, anchor=anchor, parent__isnull=True)
        roots = ordered_roots(
            ungated(readable(roots, user), gate).select_related("author", "question"),
            discussion=ctx.discussion,
            user=user,
        )
        page, focus_key = _thread_page(roots, page_number, focus, discussion=ctx.discussion)
        page_roots = list(page.object_list)
        threads = thread_nodes(
            page_roots,
            discussion=ctx.discussion,
            user=user,
            seen_at=seen_at,
            whole={r.pk for r in page_roots if r.path == focus_key},
        )
        _with_actions(user, threads, ctx.discussion)
        page.object_list = threads
    return ParagraphPage(
        group=ctx.group,
        document=ctx.document,
        discussion=ctx.discussion,
        locked=ctx.locked,
        can=discussion_actions(user, ctx.group, locked=ctx.locked),
        paragraph_block=block,
        anchor=anchor,
        number=number,
        threads=threads,
        page_obj=page,
    )


# ------------------------------------------------------------------------- one post


@dataclass
class PostCard(PageData):
    """One post with what surrounds it on its pages: the fragment htmx swaps in after a
    reply, an edit, a deletion or a moderator's action, and the post pages' header."""

    group: Group
    document: Document
    discussion: Discussion
    post: Post
    node: Node
    can: DiscussionActions
    locked: bool
    display_depth: int = DISPLAY_DEPTH


def post_card(user, post: Post, *, shown: Post | None = None) -> PostCard:
    """`post` as obtained through `access.py` (its discussion carries the group). The
    node shown is `shown` (a fresh reply under `post`) or the post itself."""
    discussion = post.discussion
    node = Node(post=shown or post)
    _with_actions(user, [node], discussion)
    return PostCard(
        group=discussion.group,
        document=discussion.document,
        discussion=discussion,
        post=post,
        node=node,
        can=discussion_actions(user, discussion.group, locked=discussion.is_locked),
        locked=discussion.is_locked,
    )


def post_thread(user, post: Post, *, seen_at: datetime | None) -> list[Node]:
    """A post with all its replies, as threads (the permalink page)."""
    threads = build_threads(subtree(post), seen_at=seen_at, user_id=user.pk)
    return _with_actions(user, threads, post.discussion)


# ------------------------------------------------------------------ group-level pages


def group_discussions(group: Group):
    """The group's discussions, most recently active first, with their post counts."""
    return (
        Discussion.objects.filter(group=group)
        .select_related("document")
        .annotate(
            post_count=Count("posts", filter=Q(posts__deleted_at__isnull=True)),
            last_post_at=Max("posts__created_at"),
        )
        .order_by("-last_post_at")
    )


@dataclass
class MemberPage(PageData):
    group: Group
    member: object
    membership: Membership
    posts: list[Post] = field(default_factory=list)


def member_page(user, group: Group, member_id: int) -> MemberPage:
    """A member's recent threads in the group (where an @mention leads). Http404 when
    there is no such active member or `user` may not see them (`rules.can_see_member`)."""
    membership = (
        Membership.objects.active()
        .filter(group=group, user_id=member_id)
        .select_related("user")
        .first()
    )
    if membership is not None:
        membership.group = group
    if membership is None or not can_see_member(user, membership):
        raise Http404("No such member.")
    posts = list(
        Post.objects.filter(
            discussion__group=group,
            author_id=member_id,
            deleted_at__isnull=True,
            hidden_at__isnull=True,
            parent__isnull=True,
            question__isnull=True,
        )
        .select_related("discussion__document")
        .order_by("-created_at")[:20]
    )
    return MemberPage(group=group, member=membership.user, membership=membership, posts=posts)


# ---------------------------------------------------------------------- notifications


EXCERPT_LENGTH = 200


def post_excerpt(post: Post) -> str:
    """The opening of a post as plain text (about 200 characters, cut at a word), for a
    notification: Markdown rendered, tags dropped; templates escape it like any text."""
    return markdown_to_plain(post.body, limit=EXCERPT_LENGTH)


def readable_post_ids(user, posts: list[Post]) -> set[int]:
    """Which of these posts `user` may read now: live (neither deleted nor hidden), in a
    group they may see, and not an answer to a question that asks for theirs first (see
    `questions.AnswerGate`). Each post's group must carry the viewer's membership
    (`Group.objects.with_viewer`). At most two queries for any number of posts."""
    roots = {p.pk: p for p in posts if p.parent_id is None}
    missing = {p.root_id for p in posts if p.parent_id is not None} - roots.keys()
    if missing:
        roots.update(
            (r.pk, r) for r in Post.objects.filter(pk__in=missing).select_related("question")
        )
    gated = {
        r.question_id for r in roots.values() if r.question_id and r.question.answer_before_seeing
    }
    answered: set[tuple[int, int]] = set()  # (discussion, question) the user answered
    if gated and user.is_authenticated:
        answered = set(
            Post.objects.filter(
                question_id__in=gated, author=user, deleted_at__isnull=True
            ).values_list("discussion_id", "question_id")
        )
    readable = set()
    for post in posts:
        group = post.discussion.group
        root = roots.get(post.root_id)
        if post.is_deleted or post.is_hidden or root is None or not can_view_group(user, group):
            continue
        if (
            root.question_id in gated
            and root.author_id != user.pk
            and (post.discussion_id, root.question_id) not in answered
            and not is_facilitator(user, group)
        ):
            continue
        readable.add(post.pk)
    return readable


def notification_list(user) -> dict:
    """The inbox: the latest 100 notifications, each with `url` and `excerpt`, the
    opening of its post, empty when the recipient may no longer read that post (removed,
    hidden, out of the group, or an answer gated behind their own). Five queries."""
    items = list(
        Notification.objects.filter(recipient=user)
        .select_related("post__author", "post__question", "post__discussion__document")
        .order_by("-created_at", "-pk")[:100]
    )
    group_ids = {item.post.discussion.group_id for item in items}
    groups = Group.objects.with_viewer(user).in_bulk(group_ids) if group_ids else {}
    for item in items:
        item.post.discussion.group = groups[item.post.discussion.group_id]
    readable = readable_post_ids(user, [item.post for item in items])
    for item in items:
        item.url = post_url(item.post)
        item.excerpt = post_excerpt(item.post) if item.post_id in readable else ""
    return {"items": items, "unread": sum(1 for i in items if i.read_at is None)}


# ------------------------------------------------------------------ re-attaching


@dataclass(frozen=True)
class ParagraphChoice:
    anchor: str
    number: int
    text: str


def reattach_choices(document: Document) -> list[ParagraphChoice]:
    """The document's numbered paragraphs, as the re-attach form lists them (2 queries)."""
    return [
        ParagraphChoice(item.anchor, item.number, item.block.text)
        for part in document_parts(document)
        for item in part.numbered()
    ]
