"""Moderation actions. Each is safe to repeat: doing it twice changes nothing and logs once."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from studygroups.core.site_url import site_url
from studygroups.discussions import posting
from studygroups.discussions.models import Discussion, Post
from studygroups.groups import roster
from studygroups.groups.models import Group, Membership
from studygroups.notifications.language import recipient_language
from studygroups.notifications.mail import unsubscribe_headers, unsubscribe_url
from studygroups.notifications.models import Kind
from studygroups.notifications.services import email_allowed

from .models import Appeal, Category, ModerationAction, Notice, Report

logger = logging.getLogger(__name__)


def _log(
    *,
    actor,
    kind: str,
    discussion: Discussion | None = None,
    post: Post | None = None,
    reason: str = "",
    category: str = "",
    group: Group | None = None,
    member=None,
    until=None,
):
    action = ModerationAction(
        actor=actor,
        kind=kind,
        group_id=group.pk if group is not None else discussion.group_id,
        discussion=discussion,
        post=post,
        member=member if member is not None else (post.author if post is not None else None),
        reason=(reason or "").strip()[:500],
        category=category,
        until=until,
    )
    action.full_clean(exclude=["actor"])  # None: the site acted (the report threshold)
    action.save()
    return action


@transaction.atomic
def post_hide(*, actor, post: Post, reason: str = "", category: str = "") -> bool:
    """Hide a post from members (moderators and its author still see it, with the
    reason). Returns whether it changed. A post already hidden by the report threshold
    is confirmed: the reason replaces "pending review" and the reports are resolved."""
    label = _stored_label(category)
    changed = Post.objects.filter(pk=post.pk, hidden_at__isnull=True).update(
        hidden_at=timezone.now(), hidden_by=actor, hidden_category=label, hidden_reason=reason
    )
    if not changed:
        changed = Post.objects.filter(
            pk=post.pk, hidden_at__isnull=False, hidden_by__isnull=True, awaiting_approval=False
        ).update(hidden_by=actor, hidden_category=label, hidden_reason=reason)
    if changed:
        action = _log(
            actor=actor,
            kind=ModerationAction.Kind.HIDE,
            discussion=post.discussion,
            post=post,
            reason=reason,
            category=category,
        )
        _resolve_reports(actor=actor, post=post)
        if post.author_id and post.author_id != actor.pk:
            _notify(
                recipients=[post.author],
                kind=Notice.Kind.ACTION,
                group=post.discussion.group,
                action=action,
                text=lambda: (
                    _("A moderator hid your post in %(group)s: %(category)s. You can appeal.")
                    % {"group": post.discussion.group.name, "category": _category(category)}
                ),
                link=appeal_link(action),
            )
    post.refresh_from_db(fields=["hidden_at", "hidden_by", "hidden_category", "hidden_reason"])
    return bool(changed)


def _stored_label(category: str) -> str:
    """The category's label as stored on a hidden post: in the site's source language,
    like every stored word, whatever the moderator's own language."""
    if not category:
        return ""
    with translation.override(settings.LANGUAGE_CODE):
        return str(Category(category).label)


def _category(category: str) -> str:
    """The category for a message, in the language active where it is called."""
    return str(Category(category).label) if category else _("no reason given")


def appeal_link(action: ModerationAction) -> str:
    return reverse("moderation:appeal", args=[action.group.slug, action.pk])


def post_link(post: Post) -> str:
    d = post.discussion
    return reverse(
        "discussions:post",
        kwargs={"group_slug": d.group.slug, "document_slug": d.document.slug, "post_id": post.pk},
    )


@transaction.atomic
def post_unhide(*, actor, post: Post, reason: str = "") -> bool:
    changed = Post.objects.filter(
        pk=post.pk, hidden_at__isnull=False, awaiting_approval=False
    ).update(hidden_at=None, hidden_by=None, hidden_category="", hidden_reason="")
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.UNHIDE,
            discussion=post.discussion,
            post=post,
            reason=reason,
        )
        _resolve_reports(actor=actor, post=post)
    post.refresh_from_db(fields=["hidden_at", "hidden_by", "hidden_category", "hidden_reason"])
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
    """An action on a post settles its open reports: the group's own, and the ones
    escalated to site staff only when staff acted (a report about a moderator's post is
    not the group's moderators' to close)."""
    reports = Report.objects.filter(post=post, resolved_at__isnull=True)
    if actor is None or not actor.is_staff:
        reports = reports.filter(for_staff=False)
    return reports.update(resolved_at=timezone.now(), resolved_by=actor)


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


def _notify(*, recipients, kind: str, group, text, link: str, report=None, action=None):
    """In-app notices, then (after commit, per each one's e-mail preference) e-mail.

    `text` is a function returning the notice's words: it is called once per recipient,
    in that person's language (their own choice, else the group's), for the notice and
    the e-mail alike.

    Moderators' notices (a report, an appeal to decide) follow their "reports" e-mail
    preference; an author's (an action on their post, an appeal's outcome) their
    discussion e-mail preference, "daily" sent at once too, since these wait for nobody.
    """
    recipients = {u.pk: u for u in recipients}
    texts = {}
    for pk, user in recipients.items():
        with recipient_language(user, group):
            texts[pk] = str(text())[:300]
    Notice.objects.bulk_create(
        Notice(
            recipient_id=pk,
            kind=kind,
            group=group,
            text=texts[pk],
            link=link,
            report=report,
            action=action,
        )
        for pk in recipients
    )
    email_kind = (
        Kind.REPORTS if kind in {Notice.Kind.REPORT, Notice.Kind.APPEAL} else Kind.DISCUSSIONS
    )
    to = [u for u in recipients.values() if u.email and email_allowed(kind=email_kind, user=u)]
    if not to:
        return

    def send():
        for user in to:
            stop = unsubscribe_url(kind=email_kind, user=user)
            with recipient_language(user, group):
                body = _("%(text)s\n\nSee it here: %(url)s\n\nStop these e-mails: %(stop)s\n") % {
                    "text": texts[user.pk],
                    "url": f"{site_url()}{link}",
                    "stop": stop,
                }
            message = EmailMessage(
                f"[{group.name}] {texts[user.pk]}"[:200],
                body,
                to=[user.email],
                headers=unsubscribe_headers(stop),
            )
            try:
                message.send()
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
        raise ValidationError(_("You cannot report your own post."))
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
        text=lambda: (
            _("A post in %(group)s was reported: %(category)s")
            % {"group": group.name, "category": _category(report.category)}
        ),
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
def report_resolve(*, actor, report: Report, reason: str = "") -> bool:
    """Dismiss a report without acting on the post. Safe to repeat."""
    changed = Report.objects.filter(pk=report.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=actor
    )
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.RESOLVE,
            discussion=report.post.discussion,
            post=report.post,
            reason=reason,
        )
    report.refresh_from_db(fields=["resolved_at", "resolved_by"])
    return bool(changed)


@transaction.atomic
def notices_mark_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# ------------------------------------------------------------------------------ posts


@transaction.atomic
def post_approve(*, actor, post: Post, reason: str = "") -> bool:
    """Publish a post held by pre-moderation. Safe to repeat."""
    changed = posting.post_approve(post=post)
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.APPROVE,
            discussion=post.discussion,
            post=post,
            reason=reason,
        )
    return changed


@transaction.atomic
def post_reject(*, actor, post: Post, reason: str = "", category: str = "") -> bool:
    """Decline a held post: it stays hidden, now as hidden by a moderator, with a reason."""
    label = _stored_label(category)
    changed = Post.objects.filter(pk=post.pk, awaiting_approval=True).update(
        awaiting_approval=False, hidden_by=actor, hidden_category=label, hidden_reason=reason
    )
    if changed:
        action = _log(
            actor=actor,
            kind=ModerationAction.Kind.REJECT,
            discussion=post.discussion,
            post=post,
            reason=reason,
            category=category,
        )
        if post.author_id:
            _notify(
                recipients=[post.author],
                kind=Notice.Kind.ACTION,
                group=post.discussion.group,
                action=action,
                text=lambda: (
                    _("A moderator declined your post in %(group)s: %(category)s. You can appeal.")
                    % {"group": post.discussion.group.name, "category": _category(category)}
                ),
                link=appeal_link(action),
            )
    post.refresh_from_db()
    return bool(changed)


@transaction.atomic
def post_pin(*, actor, post: Post, pinned: bool, reason: str = "") -> bool:
    if pinned:
        changed = Post.objects.filter(pk=post.pk, pinned_at__isnull=True).update(
            pinned_at=timezone.now()
        )
    else:
        changed = Post.objects.filter(pk=post.pk, pinned_at__isnull=False).update(pinned_at=None)
    if changed:
        kind = ModerationAction.Kind.PIN if pinned else ModerationAction.Kind.UNPIN
        _log(actor=actor, kind=kind, discussion=post.discussion, post=post, reason=reason)
    post.refresh_from_db(fields=["pinned_at"])
    return bool(changed)


@transaction.atomic
def discussion_slow_mode(*, actor, discussion: Discussion, seconds: int, reason: str = "") -> bool:
    """Set the least time between one member's posts (0 turns slow mode off)."""
    if seconds < 0 or seconds > 24 * 3600:
        raise ValidationError(_("Choose an interval between 0 seconds and a day."))
    changed = (
        Discussion.objects.filter(pk=discussion.pk)
        .exclude(slow_mode_seconds=seconds)
        .update(slow_mode_seconds=seconds)
    )
    if changed:
        _log(
            actor=actor,
            kind=ModerationAction.Kind.SLOW_MODE,
            discussion=discussion,
            reason=f"{seconds} s between posts. {reason}".strip()
            if seconds
            else f"Off. {reason}".strip(),
        )
    discussion.refresh_from_db(fields=["slow_mode_seconds"])
    return bool(changed)


# ---------------------------------------------------------------------------- members


def _tell_member(action: ModerationAction) -> None:
    """Tell the member what was done to them, why, and that they can appeal."""
    group = action.group

    def text():
        words = {
            ModerationAction.Kind.MUTE: _(
                "A moderator muted you in %(group)s: %(reason)s. You can appeal."
            ),
            ModerationAction.Kind.REMOVE_MEMBER: _(
                "A moderator removed you from %(group)s: %(reason)s. You can appeal."
            ),
            ModerationAction.Kind.BAN: _(
                "A moderator banned you from %(group)s: %(reason)s. You can appeal."
            ),
        }[action.kind]
        return words % {"group": group.name, "reason": action.reason or _("no reason given")}

    _notify(
        recipients=[action.member],
        kind=Notice.Kind.ACTION,
        group=group,
        action=action,
        text=text,
        link=appeal_link(action),
    )


def _membership(group: Group, member) -> Membership:
    membership = Membership.objects.select_for_update().filter(group=group, user=member).first()
    if membership is None:
        raise ValidationError(_("That person is not a member of this group."))
    return membership


@transaction.atomic
def member_mute(*, actor, group: Group, member, until, reason: str = "") -> bool:
    """The member can read but not post until `until`; the mute lifts itself then."""
    if until <= timezone.now():
        raise ValidationError(_("A mute must end in the future."))
    membership = _membership(group, member)
    if membership.muted_until == until:
        return False
    membership.muted_until = until
    membership.save(update_fields=["muted_until", "updated_at"])
    action = _log(
        actor=actor,
        kind=ModerationAction.Kind.MUTE,
        group=group,
        member=member,
        reason=reason,
        until=until,
    )
    _tell_member(action)
    return True


@transaction.atomic
def member_unmute(*, actor, group: Group, member, reason: str = "") -> bool:
    membership = _membership(group, member)
    if not membership.is_muted():
        return False
    membership.muted_until = None
    membership.save(update_fields=["muted_until", "updated_at"])
    _log(actor=actor, kind=ModerationAction.Kind.UNMUTE, group=group, member=member, reason=reason)
    return True


@transaction.atomic
def member_remove(*, actor, group: Group, member, reason: str = "") -> bool:
    membership = _membership(group, member)
    if membership.state in {Membership.State.REMOVED, Membership.State.BANNED}:
        return False
    roster.membership_remove(membership=membership)
    action = _log(
        actor=actor,
        kind=ModerationAction.Kind.REMOVE_MEMBER,
        group=group,
        member=member,
        reason=reason,
    )
    _tell_member(action)
    return True


@transaction.atomic
def member_ban(*, actor, group: Group, member, reason: str = "") -> bool:
    """Remove the member and refuse their return, by request or invitation, until unbanned."""
    membership = Membership.objects.select_for_update().filter(group=group, user=member).first()
    if membership is not None and membership.state == Membership.State.BANNED:
        return False
    if membership is None:
        membership = Membership(group=group, user=member)
    elif membership.is_active:
        roster.membership_remove(membership=membership)  # refuses the last organizer
    membership.state = Membership.State.BANNED
    membership.full_clean()
    membership.save()
    action = _log(
        actor=actor, kind=ModerationAction.Kind.BAN, group=group, member=member, reason=reason
    )
    _tell_member(action)
    return True


@transaction.atomic
def member_unban(*, actor, group: Group, member, reason: str = "") -> bool:
    """Lift a ban: the person may ask to join (or accept an invitation) again."""
    changed = Membership.objects.filter(
        group=group, user=member, state=Membership.State.BANNED
    ).update(state=Membership.State.LEFT, updated_at=timezone.now())
    if changed:
        _log(
            actor=actor, kind=ModerationAction.Kind.UNBAN, group=group, member=member, reason=reason
        )
    return bool(changed)


# ---------------------------------------------------------------------------- appeals

APPEALABLE = {
    ModerationAction.Kind.HIDE,
    ModerationAction.Kind.REJECT,
    ModerationAction.Kind.DELETE,
    ModerationAction.Kind.MUTE,
    ModerationAction.Kind.REMOVE_MEMBER,
    ModerationAction.Kind.BAN,
}


def _deciding_moderator(action: ModerationAction):
    """Another active moderator of the group than the one who acted (organizers first),
    or None: then site staff decide."""
    exclude = {action.actor_id, action.member_id}
    for user in sorted(
        moderators_of(action.group),
        key=lambda u: (
            0
            if Membership.objects.filter(
                group=action.group, user=u, role=Membership.Role.ORGANIZER
            ).exists()
            else 1
        ),
    ):
        if user.pk not in exclude:
            return user
    return None


@transaction.atomic
def appeal_create(*, appellant, action: ModerationAction, text: str) -> Appeal:
    """One appeal per action, by the member it was about."""
    if action.member_id != appellant.pk or action.kind not in APPEALABLE:
        raise ValidationError(_("Only the member an action was about can appeal it."))
    if Appeal.objects.filter(action=action).exists():
        raise ValidationError(_("This action has already been appealed; each can be once."))
    appeal = Appeal(
        action=action,
        appellant=appellant,
        text=(text or "").strip(),
        assigned_to=_deciding_moderator(action),
    )
    appeal.full_clean()
    appeal.save()
    recipients = [appeal.assigned_to] if appeal.assigned_to else site_staff()
    _notify(
        recipients=recipients,
        kind=Notice.Kind.APPEAL,
        group=action.group,
        action=action,
        text=lambda: (
            _("An appeal in %(group)s waits for your decision.") % {"group": action.group.name}
        ),
        link=reverse("moderation:appeal_decide", args=[action.group.slug, appeal.pk]),
    )
    return appeal


def _reverse(*, actor, action: ModerationAction, reason: str) -> None:
    kind = ModerationAction.Kind
    post = action.post
    if action.kind in {kind.HIDE, kind.REJECT} and post is not None:
        Post.objects.filter(pk=post.pk).update(
            hidden_at=None,
            hidden_by=None,
            hidden_category="",
            hidden_reason="",
            awaiting_approval=False,
        )
    elif action.kind == kind.DELETE and post is not None:
        Post.objects.filter(pk=post.pk).update(deleted_at=None, deleted_by_moderator=False)
    elif action.kind == kind.MUTE:
        Membership.objects.filter(group=action.group, user=action.member).update(muted_until=None)
    elif action.kind in {kind.REMOVE_MEMBER, kind.BAN}:
        Membership.objects.filter(
            group=action.group,
            user=action.member,
            state__in=[Membership.State.REMOVED, Membership.State.BANNED],
        ).update(state=Membership.State.ACTIVE, updated_at=timezone.now())


@transaction.atomic
def appeal_decide(*, actor, appeal: Appeal, outcome: str, reason: str = "") -> bool:
    """Decide an appeal (once): the action stands or is reversed; logged and the
    appellant is told. Precondition: `actor` is the assigned moderator, or staff when
    none is. Returns whether it changed."""
    appeal = Appeal.objects.select_for_update().select_related("action__group").get(pk=appeal.pk)
    if appeal.decided_at is not None:
        return False
    if outcome not in Appeal.Outcome.values:
        raise ValidationError(_("Choose whether the action stands."))
    action = appeal.action
    if outcome == Appeal.Outcome.REVERSED:
        _reverse(actor=actor, action=action, reason=reason)
    appeal.outcome = outcome
    appeal.decision = (reason or "").strip()[:500]
    appeal.decided_by = actor
    appeal.decided_at = timezone.now()
    appeal.save()
    logged = _log(
        actor=actor,
        kind=ModerationAction.Kind.APPEAL_REVERSED
        if outcome == Appeal.Outcome.REVERSED
        else ModerationAction.Kind.APPEAL_UPHELD,
        group=action.group,
        discussion=action.discussion,
        post=action.post,
        member=action.member,
        reason=reason,
        category=action.category,
    )
    if appeal.appellant_id:
        _notify(
            recipients=[appeal.appellant],
            kind=Notice.Kind.OUTCOME,
            group=action.group,
            action=logged,
            text=lambda: (
                _("Your appeal in %(group)s was decided: %(outcome)s.")
                % {"group": action.group.name, "outcome": appeal.get_outcome_display()}
            ),
            link=reverse("moderation:log", args=[action.group.slug]),
        )
    return True
