"""Every write in discussions, and the reads that carry a rule (who sees which answers).

Writes are keyword-only, validated with `full_clean()` and atomic. Notifications and
e-mails are side effects of posting, so they are created here, never in signals.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from studygroups.core.markdown import render_markdown
from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.models import Group, Membership
from studygroups.groups.rules import is_facilitator
from studygroups.library.models import Block, Document

from .models import (
    BODY_MAX,
    CONTEXT_CHARS,
    MAX_DEPTH,
    PATH_SEGMENT,
    QUOTE_MAX,
    Discussion,
    Follow,
    Notification,
    NotificationSetting,
    Post,
    PostRevision,
    ReadState,
)

DISPLAY_DEPTH = 5  # levels shown inline; deeper replies behind "continue this thread"


# ---------------------------------------------------------------------------- questions


def questions_for(group: Group, document: Document) -> list[DiscussionQuestion]:
    """The curriculum's questions for this document: questions of the group's series whose
    unit has a reading of the document (and, if tied to a reading, to this document's)."""
    if not group.curriculum_id:
        return []
    return list(
        DiscussionQuestion.objects.filter(
            unit__curriculum_id=group.curriculum_id, unit__readings__document=document
        )
        .filter(Q(reading__isnull=True) | Q(reading__document=document))
        .select_related("unit")
        .distinct()
        .order_by("unit__order", "unit_id", "order", "pk")
    )


def answered_question_ids(user, discussion: Discussion | None) -> set[int]:
    if discussion is None or not user.is_authenticated:
        return set()
    return set(
        Post.objects.filter(
            discussion=discussion, author=user, question__isnull=False, deleted_at__isnull=True
        ).values_list("question_id", flat=True)
    )


@dataclass
class AnswerGate:
    """Which gated questions' answers `user` may not see yet in one discussion."""

    user_id: int | None
    answered: set[int]
    sees_all: bool

    def hides(self, root: Post) -> bool:
        question = root.question
        if question is None or not question.answer_before_seeing or self.sees_all:
            return False
        if self.user_id is not None and root.author_id == self.user_id:
            return False
        return root.question_id not in self.answered


def answer_gate(user, discussion: Discussion | None, group: Group) -> AnswerGate:
    """One query (the user's own answers); moderators see every answer."""
    sees_all = bool(user.is_authenticated and is_facilitator(user, group))
    answered = set() if sees_all else answered_question_ids(user, discussion)
    return AnswerGate(
        user_id=user.pk if user.is_authenticated else None, answered=answered, sees_all=sees_all
    )


def post_visible_to(*, user, post: Post) -> bool:
    """False when `post` is in the thread of an answer `user` may not see yet."""
    root = post
    if post.parent_id is not None:
        root = Post.objects.select_related("question").get(pk=post.root_id)
    if root.question_id is None or not root.question.answer_before_seeing:
        return True
    return not answer_gate(user, post.discussion, post.discussion.group).hides(root)


# ------------------------------------------------------------------------- thread trees


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


# -------------------------------------------------------------------------- anchoring


def block_for_anchor(document: Document, anchor: str) -> Block:
    block = (
        Block.objects.filter(document=document, anchor=anchor)
        .exclude(kind=Block.Kind.HEADING)
        .first()
    )
    if block is None:
        raise ValidationError({"anchor": "That paragraph is not part of this document."})
    return block


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def locate_quote(block_text: str, quote: str, prefix_hint: str = "") -> tuple[str, str, str]:
    """Find `quote` in the paragraph; return (quote, prefix, suffix) with up to
    CONTEXT_CHARS of context either side, so it can be found again after a correction.
    When the quote occurs more than once, the occurrence preceded by `prefix_hint` wins."""
    text, quote = _squash(block_text), _squash(quote)
    if not quote:
        return "", "", ""
    if len(quote) > QUOTE_MAX:
        raise ValidationError(
            {
                "quote": f"A quotation can be at most {QUOTE_MAX} characters; "
                "choose a shorter passage."
            }
        )
    positions = [m.start() for m in re.finditer(re.escape(quote), text)]
    if not positions:
        raise ValidationError(
            {"quote": "The quoted passage is not in that paragraph (it may have been corrected)."}
        )
    hint = _squash(prefix_hint)[-CONTEXT_CHARS:]
    start = positions[0]
    if hint:
        for pos in positions:
            if text[:pos].rstrip().endswith(hint.rstrip()):
                start = pos
                break
    end = start + len(quote)
    return quote, text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


# ------------------------------------------------------------------------- rendering

MENTION_RE = re.compile(r"(?<![\w@./\\\[])@([^\W_][\w.\-]*)", re.UNICODE)
CODE_RE = re.compile(r"(```[\s\S]*?```|`[^`\n]*`)")
MD_SPECIAL_RE = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~])")


def mention_handle(name: str) -> str:
    return re.sub(r"[\W_]+", "", name, flags=re.UNICODE).lower()


def member_url(group: Group, user_id: int) -> str:
    return reverse("discussions:member", kwargs={"group_slug": group.slug, "user_id": user_id})


def render_body(body: str, *, group: Group) -> tuple[str, list]:
    """Markdown to stored HTML, with @mentions of the group's active members linked.
    Returns (html, mentioned users). Mentions are written as Markdown links before
    rendering, so the sanitizer sees them like any other link."""
    members: dict[str, object] = {}
    if "@" in body:
        first_names: dict[str, list] = {}
        for membership in Membership.objects.active().filter(group=group).select_related("user"):
            user = membership.user
            members.setdefault(mention_handle(user.public_name), user)
            first = mention_handle(user.public_name.split()[0]) if user.public_name.split() else ""
            first_names.setdefault(first, []).append(user)
        # "@Ada" finds "Ada Lovelace" when no other member is called Ada.
        for handle, users in first_names.items():
            if handle and len(users) == 1:
                members.setdefault(handle, users[0])
    mentioned: dict[int, object] = {}

    def link(match: re.Match) -> str:
        handle = match.group(1).rstrip(".-")
        rest = match.group(1)[len(handle) :]
        user = members.get(mention_handle(handle))
        if user is None:
            return match.group(0)
        mentioned[user.pk] = user
        label = MD_SPECIAL_RE.sub(r"\\\1", "@" + user.public_name)
        return f"[{label}]({member_url(group, user.pk)}){rest}"

    pieces = CODE_RE.split(body)
    for i in range(0, len(pieces), 2):  # even pieces are outside code
        pieces[i] = MENTION_RE.sub(link, pieces[i])
    return render_markdown("".join(pieces)), list(mentioned.values())


def preview_html(*, body: str, group: Group) -> str:
    return render_body(body, group=group)[0]


# ----------------------------------------------------------------------------- writes


def discussion_get_or_create(*, group: Group, document: Document) -> Discussion:
    discussion, _ = Discussion.objects.get_or_create(group=group, document=document)
    return discussion


def _validate_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {"body": f"A post can be at most {BODY_MAX:,} characters; this one has {len(body):,}."}
        )
    return body


def _insert(post: Post, *, parent: Post | None) -> Post:
    """Save a new post and give it its path (its id appended to its parent's path)."""
    post.depth = parent.depth + 1 if parent else 0
    post.path = ""
    post.save()
    segment = f"{post.pk:0{PATH_SEGMENT}d}"
    post.path = (parent.path if parent else "") + segment
    Post.objects.filter(pk=post.pk).update(path=post.path)
    return post


def _existing(author, key: uuid.UUID | None) -> Post | None:
    if key is None:
        return None
    return Post.objects.filter(author=author, idempotency_key=key).first()


@transaction.atomic
def post_create(
    *,
    author,
    group: Group,
    document: Document,
    body: str,
    anchor: str = "",
    quote: str = "",
    quote_prefix: str = "",
    question: DiscussionQuestion | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> tuple[Post, bool]:
    """A new top-level post. Returns (post, created); the same idempotency key from the
    same author returns the first post instead of a second one."""
    existing = _existing(author, idempotency_key)
    if existing is not None:
        return existing, False
    body = _validate_body(body)
    anchor = (anchor or "").strip()
    quote_suffix = ""
    if anchor:
        block = block_for_anchor(document, anchor)
        quote, quote_prefix, quote_suffix = locate_quote(block.text, quote, quote_prefix)
    elif quote:
        raise ValidationError({"quote": "A quotation needs the paragraph it comes from."})
    else:
        quote_prefix = ""
    if question is not None and question.pk not in {q.pk for q in questions_for(group, document)}:
        raise ValidationError(
            {"question": "That question is not part of this group's reading of this text."}
        )
    discussion = discussion_get_or_create(group=group, document=document)
    if discussion.is_locked:
        raise ValidationError("This discussion is locked by a moderator.")
    html, mentioned = render_body(body, group=group)
    post = Post(
        discussion=discussion,
        author=author,
        body=body,
        body_html=html,
        anchor=anchor,
        quote=quote,
        quote_prefix=quote_prefix,
        quote_suffix=quote_suffix,
        question=question,
        idempotency_key=idempotency_key or uuid.uuid4(),
    )
    post.full_clean(exclude=["path", "discussion"])
    return _save_new(post, parent=None, mentioned=mentioned)


@transaction.atomic
def post_reply(
    *, author, parent: Post, body: str, idempotency_key: uuid.UUID | None = None
) -> tuple[Post, bool]:
    """A reply under `parent`, in the same discussion and on the same paragraph."""
    existing = _existing(author, idempotency_key)
    if existing is not None:
        return existing, False
    body = _validate_body(body)
    if parent.is_deleted or parent.is_hidden:
        raise ValidationError("That post was removed, so it cannot take new replies.")
    if parent.depth + 1 >= MAX_DEPTH:
        raise ValidationError("This thread is as deep as it can go; reply further up instead.")
    discussion = parent.discussion
    if discussion.is_locked:
        raise ValidationError("This discussion is locked by a moderator.")
    html, mentioned = render_body(body, group=discussion.group)
    post = Post(
        discussion=discussion,
        parent=parent,
        author=author,
        body=body,
        body_html=html,
        anchor=parent.anchor,
        idempotency_key=idempotency_key or uuid.uuid4(),
    )
    post.full_clean(exclude=["path", "discussion", "parent"])
    return _save_new(post, parent=parent, mentioned=mentioned)


def _save_new(post: Post, *, parent: Post | None, mentioned: list) -> tuple[Post, bool]:
    try:
        with transaction.atomic():
            _insert(post, parent=parent)
    except IntegrityError:
        # A double submit raced past the check above: the first one won.
        existing = _existing(post.author, post.idempotency_key)
        if existing is None:
            raise
        return existing, False
    Follow.objects.get_or_create(user=post.author, discussion=post.discussion)
    ReadState.objects.update_or_create(
        user=post.author, discussion=post.discussion, defaults={"last_seen_at": timezone.now()}
    )
    _notify(post, parent=parent, mentioned=mentioned)
    return post, True


@transaction.atomic
def post_edit(*, editor, post: Post, body: str) -> Post:
    """Replace a post's text, keeping the previous version as a revision."""
    body = _validate_body(body)
    if post.discussion.is_locked:
        raise ValidationError("This discussion is locked by a moderator.")
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, body_html=post.body_html, edited_by=editor
    )
    post.body = body
    post.body_html, _ = render_body(body, group=post.discussion.group)
    post.edited_at = timezone.now()
    post.full_clean(exclude=["path", "discussion", "parent"])
    post.save(update_fields=["body", "body_html", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> Post:
    """Soft delete: the post becomes a placeholder so its replies stay readable. Safe to
    repeat. A moderator deleting someone else's post is a moderation action: it is
    logged, and the placeholder says a moderator removed it."""
    by_moderator = post.author_id != actor.pk
    now = timezone.now()
    changed = Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(
        deleted_at=now, deleted_by_moderator=by_moderator
    )
    if changed and by_moderator:
        from studygroups.moderation.models import ModerationAction

        ModerationAction.objects.create(
            actor=actor,
            kind=ModerationAction.Kind.DELETE,
            group_id=post.discussion.group_id,
            discussion=post.discussion,
            post=post,
        )
    post.refresh_from_db(fields=["deleted_at", "deleted_by_moderator"])
    return post


@transaction.atomic
def follow_set(*, user, discussion: Discussion, following: bool) -> Follow:
    follow, _ = Follow.objects.update_or_create(
        user=user, discussion=discussion, defaults={"following": following}
    )
    return follow


def discussion_mark_seen(*, user, discussion: Discussion | None) -> datetime | None:
    """Record this visit; return the previous visit's time (None on the first)."""
    if discussion is None or not user.is_authenticated:
        return None
    state = ReadState.objects.filter(user=user, discussion=discussion).first()
    now = timezone.now()
    if state is None:
        ReadState.objects.create(user=user, discussion=discussion, last_seen_at=now)
        return None
    previous = state.last_seen_at
    ReadState.objects.filter(pk=state.pk).update(last_seen_at=now)
    return previous


# ---------------------------------------------------------------------- notifications


def _notify(post: Post, *, parent: Post | None, mentioned: list) -> list[Notification]:
    """One notification per recipient per post: a reply beats a mention beats a follow.
    Only active members who may see the post are notified."""
    author_id = post.author_id
    wanted: dict[int, str] = {}
    if parent is not None and parent.author_id and parent.author_id != author_id:
        wanted[parent.author_id] = Notification.Kind.REPLY
    for user in mentioned:
        if user.pk != author_id:
            wanted.setdefault(user.pk, Notification.Kind.MENTION)
    for user_id in (
        Follow.objects.filter(discussion=post.discussion, following=True)
        .exclude(user_id=author_id)
        .values_list("user_id", flat=True)
    ):
        wanted.setdefault(user_id, Notification.Kind.FOLLOWED)
    if not wanted:
        return []
    memberships = {
        m.user_id: m
        for m in Membership.objects.active().filter(
            group_id=post.discussion.group_id, user_id__in=wanted
        )
    }
    root = post if parent is None else Post.objects.select_related("question").get(pk=post.root_id)
    gated = root.question_id is not None and root.question.answer_before_seeing
    answered: set[int] = set()
    if gated:
        answered = set(
            Post.objects.filter(
                discussion=post.discussion, question_id=root.question_id, deleted_at__isnull=True
            ).values_list("author_id", flat=True)
        )
    notifications = [
        Notification(recipient_id=user_id, kind=kind, post=post)
        for user_id, kind in wanted.items()
        if user_id in memberships
        and (not gated or user_id in answered or memberships[user_id].can_facilitate)
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    from .emails import send_immediate_emails

    # robust: a mail failure is logged and never undoes or breaks the post.
    transaction.on_commit(lambda: send_immediate_emails(post_id=post.pk), robust=True)
    return notifications


@transaction.atomic
def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one notification (or all, when no id) as read. Returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def notification_setting_for(user) -> NotificationSetting:
    setting = NotificationSetting.objects.filter(user=user).first()
    return setting or NotificationSetting(user=user)


@transaction.atomic
def notification_setting_set(*, user, email: str) -> NotificationSetting:
    setting = notification_setting_for(user)
    setting.email = email
    setting.full_clean()
    setting.save()
    return setting


# ---------------------------------------------------------------------------- export


def export_rows(discussion: Discussion | None, parts) -> list[dict]:
    """Posts in display order as plain data (for JSON and Markdown). Deleted and hidden
    posts keep their place without their text."""
    if discussion is None:
        return []
    numbers = {item.anchor: item.number for part in parts for item in part.numbered()}
    rows = []
    for post in Post.objects.filter(discussion=discussion).for_display():
        removed = post.is_deleted or post.is_hidden
        rows.append(
            {
                "id": post.pk,
                "parent_id": post.parent_id,
                "depth": post.depth,
                "author": None if removed else post.author_name,
                "created_at": post.created_at.isoformat(),
                "edited_at": post.edited_at.isoformat() if post.edited_at else None,
                "anchor": post.anchor or None,
                "paragraph": numbers.get(post.anchor),
                "quote": post.quote or None,
                "question": post.question.text if post.question else None,
                "body": None if removed else post.body,
                "removed": removed,
            }
        )
    return rows


def export_markdown(*, group: Group, document: Document, rows: list[dict]) -> str:
    lines = [f"# {group.name}: discussion of “{document.title}”", ""]
    for row in rows:
        indent = "  " * row["depth"]
        where = f" on ¶{row['paragraph']}" if row["paragraph"] else ""
        who = row["author"] or "(removed)"
        lines.append(f"{indent}- **{who}**, {row['created_at'][:16].replace('T', ' ')} UTC{where}")
        if row["question"]:
            lines.append(f"{indent}  Answering: {row['question']}")
        if row["quote"]:
            lines.append(f"{indent}  > {row['quote']}")
        body = row["body"] if row["body"] is not None else "(This post was removed.)"
        for line in body.splitlines() or [""]:
            lines.append(f"{indent}  {line}".rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
