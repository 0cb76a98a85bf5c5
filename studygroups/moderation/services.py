"""Moderation actions. Each is safe to repeat: doing it twice changes nothing and logs once."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from studygroups.discussions import posting
from studygroups.discussions.models import Discussion, Post

from .models import ModerationAction, Report


def _log(*, actor, kind: str, discussion: Discussion, post: Post | None = None, reason: str = ""):
    return ModerationAction.objects.create(
        actor=actor,
        kind=kind,
        group_id=discussion.group_id,
        discussion=discussion,
        post=post,
        reason=reason[:500],
    )


@transaction.atomic
def post_hide(*, actor, post: Post, reason: str = "") -> bool:
    """Hide a post from members (moderators still see it). Returns whether it changed."""
    changed = Post.objects.filter(pk=post.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=actor
    )
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.HIDE,
            discussion=post.discussion,
            post=post,
            reason=reason,
        )
        _resolve_reports(actor=actor, post=post)
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return bool(changed)


@transaction.atomic
def post_unhide(*, actor, post: Post, reason: str = "") -> bool:
    changed = Post.objects.filter(pk=post.pk, hidden_at__isnull=False).update(
        hidden_at=None, hidden_by=None
    )
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.UNHIDE,
            discussion=post.discussion,
            post=post,
            reason=reason,
        )
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    return bool(changed)


@transaction.atomic
def post_remove(*, actor, post: Post, reason: str = "") -> bool:
    """A moderator deletes someone else's post: the discussions' soft delete (the
    placeholder says a moderator removed it), logged. Returns whether it changed."""
    changed = posting.post_delete(actor=actor, post=post)
    if changed and post.author_id != actor.pk:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.DELETE,
            discussion=post.discussion,
            post=post,
            reason=reason,
        )
    return changed


@transaction.atomic
def discussion_lock(*, actor, discussion: Discussion, reason: str = "") -> bool:
    changed = Discussion.objects.filter(pk=discussion.pk, locked_at__isnull=True).update(
        locked_at=timezone.now()
    )
    if changed:
        _log(actor=actor, kind=ModerationAction.Kind.LOCK, discussion=discussion, reason=reason)
    discussion.refresh_from_db(fields=["locked_at"])
    return bool(changed)


@transaction.atomic
def discussion_unlock(*, actor, discussion: Discussion, reason: str = "") -> bool:
    changed = Discussion.objects.filter(pk=discussion.pk, locked_at__isnull=False).update(
        locked_at=None
    )
    if changed:
        _log(actor=actor, kind=ModerationAction.Kind.UNLOCK, discussion=discussion, reason=reason)
    discussion.refresh_from_db(fields=["locked_at"])
    return bool(changed)


def _resolve_reports(*, actor, post: Post) -> int:
    return Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )


@transaction.atomic
def report_create(*, reporter, post: Post, reason: str) -> tuple[Report, bool]:
    """One open report per member and post; reporting again returns the open one."""
    reason = (reason or "").strip()
    existing = Report.objects.filter(post=post, reporter=reporter, resolved_at__isnull=True).first()
    if existing:
        return existing, False
    report = Report(post=post, reporter=reporter, reason=reason)
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return Report.objects.get(post=post, reporter=reporter, resolved_at__isnull=True), False
    return report, True


@transaction.atomic
def report_resolve(*, actor, report: Report) -> bool:
    if report.resolved_at is not None:
        return False
    if not report.post.discussion_id:
        raise ValidationError("That report has no discussion.")
    Report.objects.filter(pk=report.pk).update(resolved_at=timezone.now(), resolved_by=actor)
    _log(
        actor=actor,
        kind=ModerationAction.Kind.RESOLVE,
        discussion=report.post.discussion,
        post=report.post,
    )
    return True
