"""Thread trees: posts in path order turned into nested nodes, and the per-paragraph
post counts of the reader's margin."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q

from .models import Discussion, Post
from .questions import AnswerGate
from .rules import PostActions

DISPLAY_DEPTH = 5  # levels shown inline; deeper replies behind "continue this thread"


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


SORTS = {
    "oldest": "Oldest first",
    "newest": "Newest first",
    "replies": "Most replies",
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


def anchor_counts(discussion: Discussion | None, *, user=None, seen_at=None) -> dict[str, dict]:
    """Posts per paragraph (and how many are new to `user`), in ONE aggregate query."""
    if discussion is None:
        return {}
    new_filter = Q(pk__in=[])
    if seen_at is not None and user is not None and user.is_authenticated:
        new_filter = Q(created_at__gt=seen_at) & ~Q(author=user)
    rows = (
        Post.objects.filter(discussion=discussion)
        .live()
        .exclude(anchor="")
        .values("anchor")
        .annotate(total=Count("pk"), new=Count("pk", filter=new_filter))
        .order_by()
    )
    return {row["anchor"]: {"total": row["total"], "new": row["new"]} for row in rows}
