"""Moderation actions. Each is safe to repeat: doing it twice changes nothing and logs once."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from studygroups.discussions import posting
from studygroups.discussions.models import Discussion, NotificationSetting, Post
from studygroups.discussions.notifications import notification_setting_for
from studygroups.groups.models import Membership

from .models import Category, ModerationAction, Notice, Report

logger = logging.getLogger(__name__)


def _log(
    *,
    actor,
    kind: str,
    discussion: Discussion,
    post: Post | None = None,
    reason: str = "",
    category: str = "",
):
    return ModerationAction.objects.create(
        actor=actor,
        kind=kind,
        group_id=discussion.group_id,
        discussion=discussion,
        post=post,
        reason=reason[:500],
        category=category,
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


def moderators_of(group) -> list:
    """The users who moderate `group`: its active organizers and facilitators."""
    return [
        m.user
        for m in Membership.objects.active()
        .filter(
            group_id=group.pk,
            role__in=[Membership.Role.ORGANIZER, Membership.Role.FACILITATOR],
        )
        .select_related("user")
    ]


def site_staff() -> list:
    return list(get_user_model().objects.filter(is_staff=True, is_active=True))


def _is_moderators_post(post: Post) -> bool:
    return (
        post.author_id is not None
        and Membership.objects.active()
        .filter(
            group_id=post.discussion.group_id,
            user_id=post.author_id,
            role__in=[Membership.Role.ORGANIZER, Membership.Role.FACILITATOR],
        )
        .exists()
    )


def _notify(*, recipients, kind: str, group, text: str, link: str, report=None, action=None):
    """In-app notices, then (after commit, per each one's e-mail preference) e-mail.

    The e-mail preference is the discussions' one for now: anyone who turned notification
    e-mail off gets none; "daily" is sent at once too, since a report waits for nobody.
    """
    recipients = {u.pk: u for u in recipients}
    Notice.objects.bulk_create(
        Notice(recipient_id=pk, kind=kind, group=group, text=text, report=report, action=action)
        for pk in recipients
    )
    emails = [
        u.email
        for u in recipients.values()
        if u.email and notification_setting_for(u).email != NotificationSetting.Email.OFF
    ]
    if not emails:
        return

    def send():
        body = f"{text}\n\nSee it here: {settings.SITE_URL}{link}\n"
        for address in emails:
            try:
                send_mail(f"[{group.name}] {text}"[:200], body, None, [address])
            except Exception:  # a mail failure never undoes the report or the action
                logger.exception("Could not send a moderation e-mail")

    transaction.on_commit(send, robust=True)


@transaction.atomic
def report_create(
    *,
    reporter,
    post: Post,
    reason: str = "",
    category: str = Category.OTHER,
    to_staff: bool = False,
) -> tuple[Report, bool]:
    """One open report per member and post; reporting again returns the open one.

    Precondition: `reporter` may report `post` (`access.access_post_for_report`): a
    member, not its author. A report about a moderator's own post, or asked to go to
    site staff, lands in the site-wide staff queue. When the group's threshold of
    distinct members have open reports on the post, it is hidden pending review.
    """
    reason = (reason or "").strip()
    if post.author_id is not None and post.author_id == reporter.pk:
        raise ValidationError("You cannot report your own post.")
    existing = Report.objects.filter(post=post, reporter=reporter, resolved_at__isnull=True).first()
    if existing:
        return existing, False
    for_staff = bool(to_staff) or _is_moderators_post(post)
    report = Report(
        post=post,
        reporter=reporter,
        reason=reason,
        category=category,
        to_staff=bool(to_staff),
        for_staff=for_staff,
    )
    report.full_clean()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return Report.objects.get(post=post, reporter=reporter, resolved_at__isnull=True), False
    group = post.discussion.group
    if for_staff:
        recipients = site_staff()
        link = reverse("moderation:staff_queue")
    else:
        recipients = [u for u in moderators_of(group) if u.pk != post.author_id]
        link = reverse("moderation:queue", kwargs={"group_slug": group.slug})
    _notify(
        recipients=recipients,
        kind=Notice.Kind.REPORT,
        group=group,
        report=report,
        text=f"A post in {group.name} was reported: {report.get_category_display()}",
        link=link,
    )
    _hide_when_threshold_reached(post=post, group=group)
    return report, True


def _hide_when_threshold_reached(*, post: Post, group) -> bool:
    reporters = (
        Report.objects.filter(post=post, resolved_at__isnull=True)
        .values("reporter")
        .distinct()
        .count()
    )
    if reporters < group.report_threshold:
        return False
    changed = Post.objects.filter(pk=post.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=None
    )
    if changed:
        # Reports stay open: the hiding waits for a moderator's review.
        _log(
            actor=None,
            kind=ModerationAction.Kind.AUTO_HIDE,
            discussion=post.discussion,
            post=post,
            reason=f"Reported by {reporters} members; hidden until a moderator reviews it.",
        )
    return bool(changed)


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


@transaction.atomic
def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
