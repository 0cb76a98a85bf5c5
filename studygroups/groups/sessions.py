"""Writes about sessions: scheduling, changes and cancellations (with e-mail to members),
extra readings, RSVPs, attendance and reading progress."""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from studygroups.notifications.models import Kind

from . import emails
from .activity import activity_record
from .models import (
    RSVP,
    Attendance,
    Group,
    GroupActivity,
    Membership,
    ReadingProgress,
    SentReminder,
    Session,
    SessionReading,
)
from .readings import session_prefetches, session_readings
from .schedule import localize, schedule_occurrences

logger = logging.getLogger(__name__)


# ---------- sessions ----------


def _notify_change(session: Session, *, what: str) -> None:
    """E-mail active members who accept session-change e-mail, after commit."""
    memberships = list(
        Membership.objects.active()
        .filter(group=session.group)
        .select_related("user", "user__notification_preferences")
    )
    session = (
        Session.objects.select_related("group")
        .prefetch_related(*session_prefetches())
        .get(pk=session.pk)
    )
    names = {"group": session.group.name, "session": session.title}
    if what == "cancelled":
        subject = lambda: _("%(group)s: %(session)s is cancelled") % names  # noqa: E731
    else:
        subject = lambda: _("%(group)s: %(session)s has moved") % names  # noqa: E731
    emails.send_about_session(
        session,
        users=[m.user for m in memberships],
        kind=Kind.CHANGES,
        subject=subject,
        template="session_changed",
        what=what,
    )


def _check_units(group: Group, units) -> list:
    units = list(units or [])
    for unit in units:
        if group.curriculum_id is None or unit.curriculum_id != group.curriculum_id:
            raise ValidationError(_("Choose units from the reading series this group follows."))
    return units


@transaction.atomic
def session_create(
    *,
    group: Group,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    link: str = "",
    notes: str = "",
    units=(),
    capacity: int | None = None,
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    units = _check_units(group, units)
    session = Session(
        group=group,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        link=link,
        notes=notes,
        capacity=capacity,
    )
    session.full_clean()
    session.save()
    session.units.set(units)
    activity_record(
        group, GroupActivity.Kind.SESSION_ADDED, session, text="session_added", session=title
    )
    return session


@transaction.atomic
def session_update(
    *,
    session: Session,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str = "",
    link: str = "",
    notes: str = "",
    units=(),
    capacity: int | None = None,
    notify: bool = True,
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."))
    units = _check_units(session.group, units)
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    moved = (starts_at, ends_at) != (session.starts_at, session.ends_at)
    place_changed = (place, link) != (session.place, session.link)
    session.title, session.starts_at, session.ends_at = title, starts_at, ends_at
    session.place, session.link, session.notes = place, link, notes
    # A smaller capacity keeps the places already given; a larger one lets people in.
    session.capacity = capacity
    session.sequence += 1
    session.full_clean()
    session.save()
    session.units.set(units)
    if session.takes_answers:
        _promote_waiting(session)
    if moved:
        # Reminders were for the old time: free the claims so the new time gets one.
        SentReminder.objects.filter(session=session).delete()
    if moved or place_changed:
        activity_record(
            session.group,
            GroupActivity.Kind.SESSION_CHANGED,
            session,
            text="session_moved",
            session=title,
        )
        if notify and session.state == Session.State.SCHEDULED and session.ends_at > timezone.now():
            transaction.on_commit(lambda: _notify_change(session, what="moved"))
    return session


@transaction.atomic
def session_cancel(*, session: Session) -> Session:
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    if session.state == Session.State.CANCELLED:
        return session
    session.state = Session.State.CANCELLED
    session.sequence += 1
    session.save(update_fields=["state", "sequence", "updated_at"])
    activity_record(
        session.group,
        GroupActivity.Kind.SESSION_CANCELLED,
        session,
        text="session_cancelled",
        session=session.title,
    )
    if session.ends_at > timezone.now():
        transaction.on_commit(lambda: _notify_change(session, what="cancelled"))
    return session


@transaction.atomic
def session_mark_held(*, session: Session) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.state == Session.State.CANCELLED:
        raise ValidationError(_("A cancelled session cannot be marked as held."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("A session can be marked as held once it has started."))
    if session.state != Session.State.HELD:
        session.state = Session.State.HELD
        session.save(update_fields=["state", "updated_at"])
    return session


@transaction.atomic
def session_schedule(
    *,
    group: Group,
    first_date: dt.date,
    weekday: int,
    at: dt.time,
    duration: dt.timedelta,
    count: int | None = None,
    interval: int = 1,
    skip_dates=(),
    units=(),
    title: str = "",
    place: str = "",
    link: str = "",
) -> list[Session]:
    """Create a series of sessions; with units, one unit per session (count defaults to
    the number of units). Each occurrence is a wall-clock time in the group's zone, so a
    daylight-saving change keeps 19:00 at 19:00."""
    units = _check_units(group, units)
    if count is None:
        count = len(units) or 1
    if duration <= dt.timedelta(0):
        raise ValidationError(_("A session must end after it starts."))
    occurrences = schedule_occurrences(
        first_date=first_date,
        weekday=weekday,
        at=at,
        count=count,
        interval=interval,
        skip_dates=skip_dates,
    )
    existing = group.sessions.count()
    sessions = []
    for n, naive in enumerate(occurrences):
        unit = units[n] if n < len(units) else None
        starts_at = localize(naive, group.time_zone)
        ends_at = starts_at + duration
        session_title = (
            f"{title} {existing + n + 1}".strip() if title else f"Session {existing + n + 1}"
        )
        if unit is not None:
            session_title = f"{session_title}: {unit.title}"
        session = Session(
            group=group,
            title=session_title[:200],
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            link=link,
        )
        session.full_clean()
        session.save()
        if unit is not None:
            session.units.add(unit)
        sessions.append(session)
    if sessions:
        activity_record(
            group,
            GroupActivity.Kind.SESSION_ADDED,
            sessions[0],
            text="sessions_scheduled",
            count=len(sessions),
            session=sessions[0].title,
        )
    return sessions


@transaction.atomic
def session_add_reading(
    *, session: Session, document, start_anchor: str = "", end_anchor: str = "", note: str = ""
) -> SessionReading:
    from studygroups.library.reading import assigned_range, document_parts

    start_anchor, end_anchor = start_anchor.strip(), end_anchor.strip()
    if bool(start_anchor) != bool(end_anchor):
        raise ValidationError(_("Give both the first and the last paragraph, or neither."))
    words = document.word_count
    if start_anchor:
        parts = document_parts(document)
        chosen = assigned_range(parts, start_anchor, end_anchor)
        if chosen.error:
            raise ValidationError(chosen.error.split(",")[0] + ".")
        words = sum(
            item.block.word_count
            for part in parts
            for item in part.numbered()
            if item.anchor in chosen.anchors
        )
    reading = SessionReading(
        session=session,
        document=document,
        document_title=document.title,
        start_anchor=start_anchor,
        end_anchor=end_anchor,
        note=note,
        word_count=words,
        order=session.extra_readings.count(),
    )
    reading.full_clean()
    reading.save()
    return reading


@transaction.atomic
def session_remove_reading(*, reading: SessionReading) -> None:
    """Unassign an extra reading; members' "read" marks for it go with it. Safe to repeat."""
    SessionReading.objects.filter(pk=reading.pk).delete()


# ---------- RSVP, attendance, reading progress ----------


REFUSED = {
    Session.State.CANCELLED: gettext_lazy("This session was cancelled, so it takes no answers."),
    Session.State.HELD: gettext_lazy(
        "This session has already been held, so it takes no more answers."
    ),
}


def _places_taken(session: Session, *, excluding_user=None) -> int:
    taken = RSVP.objects.filter(session=session, answer=RSVP.Answer.GOING, waitlisted=False)
    if excluding_user is not None:
        taken = taken.exclude(user=excluding_user)
    return taken.count()


def waitlist(session: Session):
    """The members waiting for a place, first in line first."""
    return RSVP.objects.filter(session=session, waitlisted=True).order_by("going_since", "pk")


def _notify_place(session: Session, rsvp: RSVP) -> None:
    """E-mail a member who moved up from the waiting list (after commit), if they take
    session-change e-mail."""
    emails.send_about_session(
        session,
        users=[rsvp.user],
        kind=Kind.CHANGES,
        subject=lambda: (
            _("%(group)s: you have a place at %(session)s")
            % {"group": session.group.name, "session": session.title}
        ),
        template="place_freed",
    )


def _promote_waiting(session: Session) -> list[RSVP]:
    """Give freed places to the first members in line; the caller holds the session lock."""
    if session.capacity is None:
        free = None
    else:
        free = session.capacity - _places_taken(session)
        if free <= 0:
            return []
    line = waitlist(session).select_related("user")
    promoted = list(line if free is None else line[:free])
    for rsvp in promoted:
        rsvp.waitlisted = False
        rsvp.save(update_fields=["waitlisted", "updated_at"])
        activity_record(
            session.group,
            GroupActivity.Kind.PLACE_FREED,
            session,
            text="place_freed",
            member=rsvp.user.public_name,
            session=session.title,
        )
        transaction.on_commit(lambda rsvp=rsvp: _notify_place(session, rsvp))
    return promoted


@transaction.atomic
def rsvp_set(*, session: Session, user, answer: str) -> RSVP:
    """Answer for one session (each occurrence of a series keeps its own answers). Past the
    session's capacity, "going" puts the member at the end of the waiting list; giving up a
    place moves the first member in line up and tells them. The session row is locked for
    the whole answer, so two members cannot take the last place at once."""
    if answer not in RSVP.Answer.values:
        raise ValidationError(_("Answer going, maybe or not going."))
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    if not session.takes_answers:
        raise ValidationError(str(REFUSED[session.state]))
    rsvp = RSVP.objects.filter(session=session, user=user).first()
    if rsvp is not None and rsvp.answer == answer:
        return rsvp
    had_place = rsvp is not None and rsvp.has_place
    if rsvp is None:
        rsvp = RSVP(session=session, user=user)
    rsvp.answer = answer
    if answer == RSVP.Answer.GOING:
        rsvp.going_since = timezone.now()
        rsvp.waitlisted = (
            session.capacity is not None
            and _places_taken(session, excluding_user=user) >= session.capacity
        )
    else:
        rsvp.going_since, rsvp.waitlisted = None, False
    rsvp.full_clean(validate_unique=False)
    rsvp.save()
    if had_place and not rsvp.has_place:
        _promote_waiting(session)
    return rsvp


@transaction.atomic
def attendance_mark(*, session: Session, marked_by, present_user_ids) -> int:
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance can be taken once the session has started."))
    present = set(present_user_ids)
    members = list(
        Membership.objects.active().filter(group=session.group).values_list("user_id", flat=True)
    )
    for user_id in members:
        Attendance.objects.update_or_create(
            session=session,
            user_id=user_id,
            defaults={"present": user_id in present, "marked_by": marked_by},
        )
    return len(present & set(members))


@transaction.atomic
def reading_progress_set(*, session: Session, user, key: str, done: bool) -> bool:
    """Mark one of the session's readings (by key, e.g. "r12" or "s3") as read or not."""
    session = Session.objects.prefetch_related(*session_prefetches()).get(pk=session.pk)
    if key not in {item.key for item in session_readings(session)}:
        raise ValidationError(_("That reading is not assigned for this session."))
    field = "reading_id" if key.startswith("r") else "session_reading_id"
    lookup = {"session": session, "user": user, field: int(key[1:])}
    if done:
        ReadingProgress.objects.get_or_create(**lookup)
    else:
        ReadingProgress.objects.filter(**lookup).delete()
    return done
