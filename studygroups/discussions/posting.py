"""Every write of a post or of a member's standing in a discussion (follow, last visit).

Writes are keyword-only, validated with `full_clean()` and atomic. Notifications and
e-mails are side effects of posting, so they are created here, never in signals.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from studygroups.curricula.models import DiscussionQuestion
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Document

from .anchoring import block_for_anchor, locate_quote, quote_position
from .models import (
    BODY_MAX,
    MAX_DEPTH,
    PATH_SEGMENT,
    Discussion,
    Follow,
    Post,
    PostRevision,
    ReadState,
)
from .notifications import notify
from .questions import questions_for
from .rendering import render_body


def discussion_get_or_create(*, group: Group, document: Document) -> Discussion:
    discussion, _created = Discussion.objects.get_or_create(group=group, document=document)
    return discussion


def _validate_body(body: str) -> str:
    body = (body or "").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": _("Write something before posting.")})
    if len(body) > BODY_MAX:
        raise ValidationError(
            {
                "body": _("A post can be at most %(limit)s characters; this one has %(length)s.")
                % {
                    "limit": number_format(BODY_MAX, force_grouping=True),
                    "length": number_format(len(body), force_grouping=True),
                }
            }
        )
    return body


# A new post in one statement: its id drawn first (`{ident}`: the table's sequence on
# PostgreSQL; on SQLite, past both the largest id and the AUTOINCREMENT counter, under
# the write lock every write transaction takes), so that its path, the id appended to its
# parent's path, goes in with it; and a double submit that raced past the check (the
# author's idempotency key taken) inserts nothing instead of failing, so that no
# savepoint is needed around it. It was five statements: a look-up of the key, a
# savepoint, the INSERT, an UPDATE of the path, and the savepoint's release.
_INSERT_SQL = """
WITH n AS (SELECT {ident} AS id)
INSERT INTO {table} ({id}, {columns}, {path})
VALUES ((SELECT id FROM n), {values}, {parent_path} || {segment})
ON CONFLICT ({author}, {key}) DO NOTHING
RETURNING {id}
"""
_INSERT_STATEMENTS: dict[str, tuple[str, list]] = {}


def _insert_statement(connection) -> tuple[str, list]:
    """(`_INSERT_SQL` for this database, the fields its values are), built once."""
    if connection.alias not in _INSERT_STATEMENTS:
        qn = connection.ops.quote_name
        meta = Post._meta
        fields = [f for f in meta.concrete_fields if f.name not in ("id", "path")]
        table = qn(meta.db_table)
        if connection.vendor == "postgresql":
            ident = f"nextval(pg_get_serial_sequence('{table}', 'id'))"
            segment = f"lpad((SELECT id FROM n)::text, {PATH_SEGMENT}, '0')"  # noqa: S608
        else:
            counter = f"SELECT seq FROM sqlite_sequence WHERE name = '{meta.db_table}'"  # noqa: S608
            largest = f"SELECT max(id) FROM {table}"  # noqa: S608 - names from _meta
            ident = f"max(coalesce(({counter}), 0), coalesce(({largest}), 0)) + 1"
            zeros = "0" * PATH_SEGMENT
            segment = f"substr('{zeros}' || (SELECT id FROM n), -{PATH_SEGMENT})"  # noqa: S608
        statement = _INSERT_SQL.format(
            ident=ident,
            table=table,
            id=qn("id"),
            columns=", ".join(qn(f.column) for f in fields),
            path=qn("path"),
            values=", ".join(["%s"] * len(fields)),
            parent_path="%s",
            segment=segment,
            author=qn(meta.get_field("author").column),
            key=qn("idempotency_key"),
        )
        _INSERT_STATEMENTS[connection.alias] = (statement, fields)
    return _INSERT_STATEMENTS[connection.alias]


def _insert(post: Post, *, parent: Post | None) -> bool:
    """Save a new post with its path (its id appended to its parent's path), in one
    statement (`_INSERT_SQL`). False, with nothing written, when the author's
    idempotency key is already taken."""
    post.depth = parent.depth + 1 if parent else 0
    connection = connections[router.db_for_write(Post)]
    statement, fields = _insert_statement(connection)
    values = [field.get_db_prep_save(field.pre_save(post, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, parent.path if parent else ""])
        row = cursor.fetchone()
    if row is None:
        return False
    post.pk = row[0]
    post.path = (parent.path if parent else "") + f"{post.pk:0{PATH_SEGMENT}d}"
    post._state.adding, post._state.db = False, connection.alias
    return True


def _membership(author, group: Group) -> Membership | None:
    """The author's membership: the one `access_group` joined to the group when it is
    the author's (`Group.objects.with_viewer`), else one query."""
    if getattr(group, "viewer_id", None) == author.pk:
        return group.viewer_membership
    return Membership.objects.filter(group=group, user=author).first()


def _check_standing(*, author, group: Group, discussion: Discussion | None) -> bool:
    """Refuse a muted member, or a post too soon in slow mode; return whether the post
    waits for approval (a new member's first posts in a pre-moderated group). The
    group's organizers and facilitators are exempt from slow mode and pre-moderation."""
    membership = _membership(author, group)
    now = timezone.now()
    if membership is not None and membership.is_muted(now):
        until = date_format(timezone.localtime(membership.muted_until), "j M Y, H:i")
        raise ValidationError(
            _("A moderator muted you in this group until %(until)s: you can read, not post.")
            % {"until": until}
        )
    moderator = membership is not None and membership.can_facilitate
    if moderator:
        return False
    if discussion is not None and discussion.slow_mode_seconds:
        last = (
            Post.objects.filter(discussion=discussion, author=author)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        wait = discussion.slow_mode_seconds - (now - last).total_seconds() if last else 0
        if wait > 0:
            raise ValidationError(
                ngettext(
                    "This discussion is in slow mode: one post every %(every)s seconds. "
                    "You can post again in %(wait)s second.",
                    "This discussion is in slow mode: one post every %(every)s seconds. "
                    "You can post again in %(wait)s seconds.",
                    int(wait) + 1,
                )
                % {"every": discussion.slow_mode_seconds, "wait": int(wait) + 1}
            )
    if group.premoderated_posts:
        approved = Post.objects.filter(
            discussion__group=group, author=author, awaiting_approval=False
        ).count()
        return approved < group.premoderated_posts
    return False


def _hold_for_approval(post: Post) -> None:
    post.awaiting_approval = True
    post.hidden_at = timezone.now()
    post.hidden_category = "Waiting for approval"


def _first_try(author, key: uuid.UUID | None, refusal: ValidationError) -> tuple[Post, bool]:
    """The answer to a post refused (`refusal`) whose key an earlier submit of the same
    form saved already: that first post (a double submit), else the refusal."""
    existing = _existing(author, key)
    if existing is None:
        raise refusal
    return existing, False


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
    discussion: Discussion | None = None,
) -> tuple[Post, bool]:
    """A new top-level post. Returns (post, created); the same idempotency key from the
    same author returns the first post instead of a second one. `discussion`, when the
    caller has it already (`access_discussion`), is this group's discussion of this
    document; without it, it is found or created."""
    try:
        post, mentioned = _draft(
            author=author,
            group=group,
            document=document,
            body=body,
            anchor=anchor,
            quote=quote,
            quote_prefix=quote_prefix,
            question=question,
            idempotency_key=idempotency_key,
            discussion=discussion,
        )
    except ValidationError as refusal:
        return _first_try(author, idempotency_key, refusal)
    return _save_new(post, parent=None, mentioned=mentioned)


def _draft(
    *,
    author,
    group: Group,
    document: Document,
    body: str,
    anchor: str,
    quote: str,
    quote_prefix: str,
    question: DiscussionQuestion | None,
    idempotency_key: uuid.UUID | None,
    discussion: Discussion | None,
) -> tuple[Post, list]:
    """`post_create`'s post, checked and rendered but not saved, with who it mentions."""
    body = _validate_body(body)
    anchor = (anchor or "").strip()
    quote_suffix = ""
    quote_start = quote_end = None
    if anchor:
        block = block_for_anchor(document, anchor)
        anchor = block.anchor  # an old (merged) anchor names the paragraph it joined
        quote, quote_prefix, quote_suffix = locate_quote(block.text, quote, quote_prefix)
        quote_start, quote_end = quote_position(block.text, quote, quote_prefix)
    elif quote:
        raise ValidationError({"quote": _("A quotation needs the paragraph it comes from.")})
    else:
        quote_prefix = ""
    if question is not None and question.pk not in {q.pk for q in questions_for(group, document)}:
        raise ValidationError(
            {"question": _("That question is not part of this group’s reading of this text.")}
        )
    if discussion is None:
        discussion = discussion_get_or_create(group=group, document=document)
    elif (discussion.group_id, discussion.document_id) != (group.pk, document.pk):
        raise ValueError("That discussion is not this group's discussion of this document.")
    discussion.group, discussion.document = group, document  # for the post's address
    if discussion.is_locked:
        raise ValidationError(_("This discussion is locked by a moderator."))
    held = _check_standing(author=author, group=group, discussion=discussion)
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
        quote_start=quote_start,
        quote_end=quote_end,
        text_revision=document.text_revision,
        question=question,
        idempotency_key=idempotency_key or uuid.uuid4(),
    )
    if held:
        _hold_for_approval(post)
    _validate(post, exclude=["path", "discussion", "author", "question"])
    return post, mentioned


@transaction.atomic
def post_reply(
    *, author, parent: Post, body: str, idempotency_key: uuid.UUID | None = None
) -> tuple[Post, bool]:
    """A reply under `parent`, in the same discussion and on the same paragraph."""
    try:
        post, mentioned = _draft_reply(
            author=author, parent=parent, body=body, idempotency_key=idempotency_key
        )
    except ValidationError as refusal:
        return _first_try(author, idempotency_key, refusal)
    return _save_new(post, parent=parent, mentioned=mentioned)


def _draft_reply(
    *, author, parent: Post, body: str, idempotency_key: uuid.UUID | None
) -> tuple[Post, list]:
    """`post_reply`'s post, checked and rendered but not saved, with who it mentions."""
    body = _validate_body(body)
    if parent.is_deleted or parent.is_hidden:
        raise ValidationError(_("That post was removed, so it cannot take new replies."))
    if parent.depth + 1 >= MAX_DEPTH:
        raise ValidationError(_("This thread is as deep as it can go; reply further up instead."))
    discussion = parent.discussion
    if discussion.is_locked:
        raise ValidationError(_("This discussion is locked by a moderator."))
    held = _check_standing(author=author, group=discussion.group, discussion=discussion)
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
    if held:
        _hold_for_approval(post)
    _validate(post, exclude=["path", "discussion", "parent", "author"])
    return post, mentioned


def _validate(post: Post, *, exclude: list[str]) -> None:
    """The field checks of `full_clean`, without the three that cost a query each and
    are settled already: the author (the signed-in user), the question (one of
    `questions_for`) and the parent exist; the idempotency key's uniqueness is settled
    by the insert (`_insert`, then `_existing`); and the database itself enforces the
    one check constraint (a question only on a top-level post), which the services
    never break."""
    post.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)


def _save_new(post: Post, *, parent: Post | None, mentioned: list) -> tuple[Post, bool]:
    """Save a drafted post and what comes with it: the author follows the discussion,
    their visit is recorded, and those it concerns are notified. A post is saved without
    looking its idempotency key up first (its insert writes nothing when the key is
    taken, `_insert`): only a double submit pays for the look-up."""
    if not _insert(post, parent=parent):
        existing = _existing(post.author, post.idempotency_key)
        if existing is None:  # not committed by the other request after all: say so
            raise IntegrityError("The post's idempotency key is taken.")
        return existing, False
    # One statement each, safe against a concurrent post by the same author: follow
    # (leaving an unfollow as it is) and record the visit (an upsert).
    Follow.objects.bulk_create(
        [Follow(user=post.author, discussion=post.discussion)], ignore_conflicts=True
    )
    ReadState.objects.bulk_create(
        [ReadState(user=post.author, discussion=post.discussion, last_seen_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["user", "discussion"],
        update_fields=["last_seen_at"],
    )
    if not post.awaiting_approval:  # a held post notifies when it is approved
        notify(post, parent=parent, mentioned=mentioned)
    return post, True


@transaction.atomic
def post_approve(*, post: Post) -> bool:
    """Publish a post held for approval and notify as posting would have. Safe to repeat;
    returns whether it changed. (Moderation's service calls this and logs it.)"""
    changed = Post.objects.filter(pk=post.pk, awaiting_approval=True).update(
        awaiting_approval=False, hidden_at=None, hidden_category="", hidden_reason=""
    )
    post.refresh_from_db(fields=["awaiting_approval", "hidden_at", "hidden_category"])
    if changed:
        parent = post.parent if post.parent_id else None
        notify(post, parent=parent, mentioned=[])
    return bool(changed)


@transaction.atomic
def post_edit(*, editor, post: Post, body: str) -> Post:
    """Replace a post's text, keeping the previous version as a revision."""
    body = _validate_body(body)
    if post.discussion.is_locked:
        raise ValidationError(_("This discussion is locked by a moderator."))
    membership = Membership.objects.filter(group_id=post.discussion.group_id, user=editor).first()
    if membership is not None and membership.is_muted():
        raise ValidationError(_("A moderator muted you in this group: you can read, not edit."))
    if body == post.body:
        return post
    PostRevision.objects.create(
        post=post, body=post.body, body_html=post.body_html, edited_by=editor
    )
    post.body = body
    post.body_html, _mentioned = render_body(body, group=post.discussion.group)
    post.edited_at = timezone.now()
    post.full_clean(exclude=["path", "discussion", "parent"])
    post.save(update_fields=["body", "body_html", "edited_at"])
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> bool:
    """Soft delete: the post becomes a placeholder so its replies stay readable. Safe to
    repeat; returns whether it changed. When `actor` is not the author the placeholder
    says a moderator removed it (moderation's `post_remove` logs that action)."""
    by_moderator = post.author_id != actor.pk
    changed = Post.objects.filter(pk=post.pk, deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by_moderator=by_moderator
    )
    post.refresh_from_db(fields=["deleted_at", "deleted_by_moderator"])
    return bool(changed)


@transaction.atomic
def follow_set(*, user, discussion: Discussion, following: bool) -> Follow:
    follow, _created = Follow.objects.update_or_create(
        user=user, discussion=discussion, defaults={"following": following}
    )
    return follow


def discussion_seen_now(*, user, discussion: Discussion) -> None:
    """Record a visit to a discussion visited before, whose previous time the caller
    has read already (`fragments.seen_at`): one UPDATE."""
    ReadState.objects.filter(user=user, discussion=discussion).update(last_seen_at=timezone.now())


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
