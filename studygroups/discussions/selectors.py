"""The discussion pages as ready data: what each page shows, with the viewer's flags.

Selectors read; they never write (the visit that marks posts "new" is recorded by
`posting.discussion_mark_seen` before a selector is asked, and handed in as `seen_at`).
Every post they return carries `node.can`, the viewer's `PostActions`, computed from
`rules.py`, so templates only read flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Q
from django.http import Http404
from django.urls import reverse

from studygroups.core.markdown import markdown_to_plain
from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.models import Group, Membership
from studygroups.groups.rules import can_view_group, is_facilitator
from studygroups.library.models import Block, Document
from studygroups.library.reading import document_parts
from studygroups.library.selectors import PageData, Reader, reader

from .access import DiscussionContext
from .anchoring import block_for_anchor
from .models import Discussion, Follow, Notification, Post
from .questions import answer_gate, questions_for
from .rules import DiscussionActions, can_see_member, discussion_actions, post_actions
from .threads import DISPLAY_DEPTH, Node, anchor_counts, build_threads, subtree

THREADS_PER_PAGE = 25


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
    display_depth: int = DISPLAY_DEPTH


def _contains(node: Node, post_id: int) -> bool:
    stack = [node]
    while stack:
        current = stack.pop()
        if current.post.pk == post_id:
            return True
        stack.extend(current.children)
    return False


def _thread_page(threads: list[Node], *, focus: int | None, number) -> Page:
    """The page of top-level threads holding post `focus`, else page `number` (anything
    invalid: the first page; past the end: the last)."""
    if focus is not None:
        index = next((i for i, node in enumerate(threads) if _contains(node, focus)), None)
        if index is not None:
            number = index // THREADS_PER_PAGE + 1
    return Paginator(threads, THREADS_PER_PAGE).get_page(number)


def discussion_page(
    user,
    ctx: DiscussionContext,
    *,
    sort: str = "oldest",
    unread_only: bool = False,
    seen_at: datetime | None = None,
    focus: int | None = None,
    page_number=None,
) -> DiscussionPage:
    _share(ctx)
    group, document, discussion = ctx.group, ctx.document, ctx.discussion
    questions = questions_for(group, document)
    gate = answer_gate(user, discussion, group)
    posts = []
    if discussion is not None:
        # One query: the general threads and the threads detached from a removed passage
        # (both have no anchor); the detached ones go to their own section.
        posts = list(Post.objects.filter(discussion=discussion, anchor="").for_display())
    roots = build_threads(
        [p for p in posts if p.detached_at is None],
        gate=gate,
        seen_at=seen_at,
        user_id=user.pk,
        sort=sort,
        unread_only=unread_only,
    )
    detached = build_threads(
        [p for p in posts if p.detached_at is not None], gate=gate, seen_at=seen_at, user_id=user.pk
    )
    if discussion is not None:
        _with_actions(user, roots, discussion)
        _with_actions(user, detached, discussion)
    by_question: dict[int, list[Node]] = {}
    general = []
    for node in roots:
        if node.post.question_id:
            by_question.setdefault(node.post.question_id, []).append(node)
        else:
            general.append(node)
    question_blocks = [
        QuestionBlock(
            question=q,
            answers=by_question.get(q.pk, []),
            locked=q.answer_before_seeing and not gate.sees_all and q.pk not in gate.answered,
        )
        for q in questions
    ]
    # Answers to questions no longer in the series still belong to the discussion.
    known = {q.pk for q in questions}
    for qid, nodes in by_question.items():
        if qid not in known:
            general.extend(nodes)
    following = False
    if discussion is not None and user.is_authenticated:
        following = Follow.objects.filter(user=user, discussion=discussion, following=True).exists()
    page = _thread_page(general, focus=focus, number=page_number)
    return DiscussionPage(
        group=group,
        document=document,
        discussion=discussion,
        locked=ctx.locked,
        can=discussion_actions(user, group, locked=ctx.locked),
        questions=questions,
        question_blocks=question_blocks,
        threads=page.object_list,
        page_obj=page,
        following=following,
        detached_threads=detached,
    )


def discussion_reader(user, ctx: DiscussionContext, *, seen_at: datetime | None) -> Reader:
    """The text of the discussion page, each numbered paragraph carrying its margin count
    (`item.discussion` = {total, new})."""
    text = reader(ctx.document)
    counts = anchor_counts(ctx.discussion, user=user, seen_at=seen_at)
    for part in text.parts:
        for item in part.numbered():
            item.discussion = counts.get(item.anchor, {"total": 0, "new": 0})
    return text


def margin_count(user, post: Post, *, number: int, seen_at: datetime | None) -> dict:
    """The margin count of the paragraph `post` is on (numbered `number`)."""
    counts = anchor_counts(post.discussion, user=user, seen_at=seen_at)
    return {
        "anchor": post.anchor,
        "number": number,
        "discussion": counts.get(post.anchor, {"total": 0, "new": 0}),
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
    display_depth: int = DISPLAY_DEPTH


def paragraph_page(
    user, ctx: DiscussionContext, anchor: str, *, seen_at: datetime | None
) -> ParagraphPage:
    """The threads on one paragraph. Http404 when the anchor names no paragraph."""
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
    posts = []
    if ctx.discussion is not None:
        posts = Post.objects.filter(discussion=ctx.discussion, anchor=anchor).for_display()
    gate = answer_gate(user, ctx.discussion, ctx.group)
    threads = build_threads(posts, gate=gate, seen_at=seen_at, user_id=user.pk)
    if ctx.discussion is not None:
        _with_actions(user, threads, ctx.discussion)
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
