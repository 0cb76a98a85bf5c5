"""Reminder e-mails before sessions, each sent at most once (a claim row decides)."""

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.notifications.models import Kind, NotificationPreferences
from studygroups.notifications.services import email_allowed, preferences_for

from . import emails
from .models import RSVP, Membership, SentReminder, Session
from .readings import session_prefetches, session_questions, session_readings, total_minutes
from .rules import series_shown_to_members

logger = logging.getLogger(__name__)

# Other apps' e-mails that ride on the reminder job (the facilitators' preparation sheet,
# from discussions, which groups never imports): each is `job(now=...) -> int sent`,
# registered from its app's `ready()`.
REMINDER_JOBS: list[Callable[..., int]] = []


def reminder_job_register(job: Callable[..., int]) -> None:
    if job not in REMINDER_JOBS:
        REMINDER_JOBS.append(job)


def reminder_jobs_run(*, now: dt.datetime | None = None) -> int:
    """Send reminders and every registered job's e-mails; returns how many were sent."""
    now = now or timezone.now()
    return reminders_send(now=now) + sum(job(now=now) for job in REMINDER_JOBS)


# ---------- reminders ----------


def reminder_claim(*, session: Session, user, kind: str = "reminder") -> bool:
    """Insert the unique (session, user, kind) row in its own transaction; False when
    another run got there first."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(session=session, user=user, kind=kind)
    except IntegrityError:
        return False
    return True


def _already_reminded(session: Session) -> set[int]:
    """A shortcut only: a run that read this before another run's claim committed still
    cannot send twice, because the claim insert is what decides."""
    return set(
        SentReminder.objects.filter(session=session, kind="reminder").values_list(
            "user_id", flat=True
        )
    )


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent. Returns how many were sent.
    Must not run inside a transaction: each claim commits on its own."""
    now = now or timezone.now()
    longest = max(hours for hours, _label in NotificationPreferences.LEAD_CHOICES)
    sessions = (
        Session.objects.filter(
            state=Session.State.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + dt.timedelta(hours=longest),
        )
        .select_related("group__curriculum")
        .prefetch_related(*session_prefetches())
        .order_by("starts_at")
    )
    sent = 0
    for session in sessions:
        already = _already_reminded(session)
        declined = set(
            RSVP.objects.filter(session=session, answer=RSVP.Answer.NOT_GOING).values_list(
                "user_id", flat=True
            )
        )
        memberships = (
            Membership.objects.active()
            .filter(group=session.group)
            .exclude(user_id__in=already | declined)
            .select_related("user", "user__notification_preferences")
        )
        # Every recipient is an active member.
        show_units = series_shown_to_members(session.group)
        readings = session_readings(session, show_units=show_units)
        context = {
            "session": session,
            "group": session.group,
            "readings": readings,
            "reading_minutes": total_minutes(readings),
            "questions": session_questions(session, show_units=show_units),
            "url": emails.absolute(session.get_absolute_url()),
        }
        for membership in memberships:
            user = membership.user
            if not email_allowed(kind=Kind.REMINDERS, user=user):
                continue
            lead = preferences_for(user).reminder_lead_hours
            if session.starts_at - now > dt.timedelta(hours=lead):
                continue
            if not reminder_claim(session=session, user=user):
                continue
            try:
                emails.send(
                    to=user.email,
                    user=user,
                    subject=lambda session=session: (
                        _("%(group)s: %(session)s is coming up")
                        % {"group": session.group.name, "session": session.title}
                    ),
                    template="reminder",
                    context=context,
                    kind=Kind.REMINDERS,
                )
            except Exception:
                # Give the claim back so the next run retries this one.
                SentReminder.objects.filter(session=session, user=user, kind="reminder").delete()
                logger.exception("Reminder to %s for session %s failed", user.pk, session.pk)
                continue
            sent += 1
    return sent
