"""Every write with several rows or a side effect: groups, members, invitations, sessions,
RSVPs, attendance, reading progress, calendars and reminders."""

import datetime as dt
import logging
import secrets
import zoneinfo
from itertools import islice

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import emails
from .models import (
    RESERVED_GROUP_SLUGS,
    RSVP,
    Attendance,
    CalendarFeedToken,
    EmailOptOut,
    Group,
    GroupActivity,
    Invitation,
    Membership,
    NotificationPreference,
    ReadingProgress,
    SentReminder,
    Session,
    SessionReading,
)
from .readings import session_prefetches, session_questions, session_readings, total_minutes
from .rules import series_shown_to_members

logger = logging.getLogger(__name__)

MAX_SCHEDULED_SESSIONS = 200
FIRST_YEAR, LAST_YEAR = 1900, 2200
DATE_RANGE = f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}."
LAST_ORGANIZER = "A group must keep at least one organizer. Make someone else an organizer first."


# ---------- time helpers ----------


def localize(naive: dt.datetime, zone: str) -> dt.datetime:
    """A wall-clock time in `zone` as an aware datetime; refuses times that do not exist
    there (the hour skipped when clocks go forward)."""
    tz = zoneinfo.ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz)
    try:
        back = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        # Within hours of year 1 or 9999: the time has no UTC equivalent.
        raise ValidationError(DATE_RANGE) from None
    if back != naive:
        raise ValidationError(
            f"{naive:%d %B %Y at %H:%M} does not exist in {zone}: the clocks skip that hour. "
            "Choose another time."
        )
    return aware


def _activity(group: Group, kind: str, message: str, session: Session | None = None) -> None:
    GroupActivity.objects.create(group=group, kind=kind, message=message[:300], session=session)


def _unique_slug(name: str) -> str:
    base = slugify(name)[:120] or "group"
    slug, n = base, 2
    while slug in RESERVED_GROUP_SLUGS or Group.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# ---------- groups ----------


@transaction.atomic
def group_create(*, creator, name: str, slug: str = "", **fields) -> Group:
    group = Group(name=name, slug=slug or _unique_slug(name), **fields)
    group.full_clean()
    group.save()
    Membership.objects.create(
        group=group, user=creator, role=Membership.Role.ORGANIZER, state=Membership.State.ACTIVE
    )
    _activity(group, GroupActivity.Kind.GROUP_CREATED, f"{creator.public_name} started {name}.")
    return group


@transaction.atomic
def group_update(*, group: Group, **fields) -> Group:
    for name, value in fields.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    return group


# ---------- memberships ----------


def _lock_organizers(group: Group) -> list[Membership]:
    return list(
        Membership.objects.select_for_update().filter(
            group=group, role=Membership.Role.ORGANIZER, state=Membership.State.ACTIVE
        )
    )


def _ensure_other_organizer(membership: Membership) -> None:
    """Refuse a change that would leave the group without an active organizer."""
    organizers = _lock_organizers(membership.group)
    if membership.can_organize and not any(m.pk != membership.pk for m in organizers):
        raise ValidationError(LAST_ORGANIZER)


def _activate(membership: Membership, role: str | None = None) -> None:
    was_active = membership.is_active
    membership.state = Membership.State.ACTIVE
    if role:
        membership.role = role
    membership.full_clean()
    membership.save()
    if not was_active:
        _activity(
            membership.group,
            GroupActivity.Kind.MEMBER_JOINED,
            f"{membership.user.public_name} joined {membership.group.name}.",
        )


def _locked_membership(group: Group, user) -> Membership | None:
    return Membership.objects.select_for_update().filter(group=group, user=user).first()


def membership_join(*, group: Group, user) -> Membership:
    """Join an open group, or ask to join a group that approves requests. Safe when two
    requests join at once: the one whose insert loses the race reads the winner's row."""
    try:
        return _membership_join(group=group, user=user)
    except IntegrityError:
        return _membership_join(group=group, user=user)


@transaction.atomic
def _membership_join(*, group: Group, user) -> Membership:
    membership = _locked_membership(group, user)
    if membership and membership.is_active:
        return membership
    if membership and membership.state == Membership.State.REMOVED:
        raise ValidationError("An organizer removed you from this group, so you cannot rejoin.")
    if group.join_policy == Group.JoinPolicy.INVITATION:
        raise ValidationError("This group is by invitation only. Ask an organizer for a link.")
    if membership is None:
        membership = Membership(group=group, user=user, role=Membership.Role.MEMBER)
    if group.join_policy == Group.JoinPolicy.OPEN:
        membership.role = Membership.Role.MEMBER
        _activate(membership)
    else:
        membership.state = Membership.State.REQUESTED
        membership.full_clean()
        membership.save()
    return membership


@transaction.atomic
def membership_leave(*, membership: Membership) -> Membership:
    if membership.state in {Membership.State.LEFT, Membership.State.REMOVED}:
        return membership
    _ensure_other_organizer(membership)
    membership.state = Membership.State.LEFT
    membership.save(update_fields=["state", "updated_at"])
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership) -> Membership:
    if membership.state != Membership.State.REQUESTED:
        if membership.is_active:
            return membership
        raise ValidationError("Only a request to join can be approved.")
    _activate(membership)
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership) -> Membership:
    if membership.state != Membership.State.REQUESTED:
        return membership
    membership.delete()
    return membership


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    if role not in Membership.Role.values:
        raise ValidationError("Choose organizer, facilitator or member.")
    if role == membership.role:
        return membership
    if role != Membership.Role.ORGANIZER:
        _ensure_other_organizer(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership) -> Membership:
    if membership.state == Membership.State.REMOVED:
        return membership
    _ensure_other_organizer(membership)
    membership.state = Membership.State.REMOVED
    membership.save(update_fields=["state", "updated_at"])
    return membership


@transaction.atomic
def membership_set_hide_progress(*, membership: Membership, hide: bool) -> Membership:
    membership.hide_progress = hide
    membership.save(update_fields=["hide_progress", "updated_at"])
    return membership


# ---------- invitations ----------


@transaction.atomic
def invitation_create(
    *,
    group: Group,
    created_by,
    email: str = "",
    role: str = Membership.Role.MEMBER,
    expires_in_days: int | None = 14,
    max_uses: int | None = None,
) -> Invitation:
    invitation = Invitation(
        group=group,
        created_by=created_by,
        token=secrets.token_urlsafe(24),
        email=email.strip().lower(),
        role=role,
        expires_at=timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        max_uses=1 if email else max_uses,
    )
    invitation.full_clean()
    invitation.save()
    if (
        invitation.email
        and not EmailOptOut.objects.filter(email=invitation.email, kind="invitations").exists()
    ):
        transaction.on_commit(lambda: _send_invitation(invitation))
    return invitation


def _send_invitation(invitation: Invitation) -> None:
    try:
        emails.send(
            to=invitation.email,
            subject=f"You are invited to join {invitation.group.name}",
            template="invitation",
            context={
                "invitation": invitation,
                "group": invitation.group,
                "url": emails.absolute(invitation.get_absolute_url()),
            },
            kind="invitations",
        )
    except Exception:
        logger.exception("Could not send invitation %s", invitation.pk)


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


def _refuse_removed(invitation: Invitation, membership: Membership, user) -> None:
    """Only a personal invitation sent after the removal brings a removed member back;
    an older or shareable link does not (membership_join refuses them too)."""
    personal_and_newer = (
        invitation.email
        and invitation.email == user.email.lower()
        and invitation.created_at > membership.updated_at
    )
    if not personal_and_newer:
        raise ValidationError(
            "An organizer removed you from this group, so this invitation does not work for you."
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    existing = Membership.objects.filter(group=invitation.group, user=user).first()
    if existing and existing.is_active:
        return existing
    problem = invitation.problem()
    if problem:
        raise ValidationError(problem)
    if invitation.email and invitation.email != user.email.lower():
        raise ValidationError(
            f"This invitation was sent to {invitation.email}. Log in with that address to "
            "accept it, or ask an organizer for a shareable link."
        )
    if existing is not None and existing.state == Membership.State.REMOVED:
        _refuse_removed(invitation, existing, user)
    if existing is None:
        existing = Membership(group=invitation.group, user=user)
    _activate(existing, role=invitation.role)
    invitation.uses += 1
    invitation.save(update_fields=["uses"])
    return existing


# ---------- sessions ----------


def _notify_change(session: Session, *, what: str) -> None:
    """E-mail active members who accept session-change e-mail, after commit."""
    memberships = list(
        Membership.objects.active()
        .filter(group=session.group)
        .select_related("user", "user__group_notifications")
    )
    session = (
        Session.objects.select_related("group")
        .prefetch_related(*session_prefetches())
        .get(pk=session.pk)
    )
    subject_word = "cancelled" if what == "cancelled" else "moved"
    for membership in memberships:
        user = membership.user
        pref = getattr(user, "group_notifications", None)
        if pref is not None and not pref.session_changes:
            continue
        try:
            emails.send(
                to=user.email,
                user=user,
                subject=f"{session.group.name}: {session.title} is {subject_word}",
                template="session_changed",
                context={
                    "session": session,
                    "group": session.group,
                    "what": what,
                    "url": emails.absolute(session.get_absolute_url()),
                },
                kind="changes",
            )
        except Exception:
            logger.exception("Could not e-mail %s about session %s", user.pk, session.pk)


def _check_units(group: Group, units) -> list:
    units = list(units or [])
    for unit in units:
        if group.curriculum_id is None or unit.curriculum_id != group.curriculum_id:
            raise ValidationError("Choose units from the reading series this group follows.")
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
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError("A session must end after it starts.")
    units = _check_units(group, units)
    session = Session(
        group=group,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        link=link,
        notes=notes,
    )
    session.full_clean()
    session.save()
    session.units.set(units)
    _activity(group, GroupActivity.Kind.SESSION_ADDED, f"New session: {title}.", session)
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
    notify: bool = True,
) -> Session:
    if ends_at <= starts_at:
        raise ValidationError("A session must end after it starts.")
    units = _check_units(session.group, units)
    session = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    moved = (starts_at, ends_at) != (session.starts_at, session.ends_at)
    place_changed = (place, link) != (session.place, session.link)
    session.title, session.starts_at, session.ends_at = title, starts_at, ends_at
    session.place, session.link, session.notes = place, link, notes
    session.sequence += 1
    session.full_clean()
    session.save()
    session.units.set(units)
    if moved:
        # Reminders were for the old time: free the claims so the new time gets one.
        SentReminder.objects.filter(session=session).delete()
    if moved or place_changed:
        _activity(session.group, GroupActivity.Kind.SESSION_CHANGED, f"{title} was moved.", session)
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
    _activity(
        session.group,
        GroupActivity.Kind.SESSION_CANCELLED,
        f"{session.title} was cancelled.",
        session,
    )
    if session.ends_at > timezone.now():
        transaction.on_commit(lambda: _notify_change(session, what="cancelled"))
    return session


@transaction.atomic
def session_mark_held(*, session: Session) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.state == Session.State.CANCELLED:
        raise ValidationError("A cancelled session cannot be marked as held.")
    if session.starts_at > timezone.now():
        raise ValidationError("A session can be marked as held once it has started.")
    if session.state != Session.State.HELD:
        session.state = Session.State.HELD
        session.save(update_fields=["state", "updated_at"])
    return session


def schedule_occurrences(
    *,
    first_date: dt.date,
    weekday: int,
    at: dt.time,
    count: int,
    interval: int = 1,
    skip_dates=(),
) -> list[dt.datetime]:
    """Naive local datetimes: every `interval` weeks on `weekday` (0 = Monday) at `at`,
    from `first_date`, leaving out `skip_dates`, `count` of them."""
    if count < 1:
        raise ValidationError("Schedule at least one session.")
    if count > MAX_SCHEDULED_SESSIONS:
        raise ValidationError(
            f"That would create {count} sessions; the most at once is "
            f"{MAX_SCHEDULED_SESSIONS}. Schedule fewer, or in several steps."
        )
    skip = set(skip_dates)
    rule = rrule.rrule(
        rrule.WEEKLY,
        interval=interval,
        byweekday=weekday,
        dtstart=dt.datetime.combine(first_date, at),
    )
    chosen = (d for d in rule if d.date() not in skip)
    return list(islice(chosen, count))


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
        raise ValidationError("A session must end after it starts.")
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
        _activity(
            group,
            GroupActivity.Kind.SESSION_ADDED,
            f"{len(sessions)} sessions scheduled from {sessions[0].title}.",
            sessions[0],
        )
    return sessions


@transaction.atomic
def session_add_reading(
    *, session: Session, document, start_anchor: str = "", end_anchor: str = "", note: str = ""
) -> SessionReading:
    from studygroups.library.reading import assigned_range, document_parts

    start_anchor, end_anchor = start_anchor.strip(), end_anchor.strip()
    if bool(start_anchor) != bool(end_anchor):
        raise ValidationError("Give both the first and the last paragraph, or neither.")
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


@transaction.atomic
def rsvp_set(*, session: Session, user, answer: str) -> RSVP:
    if answer not in RSVP.Answer.values:
        raise ValidationError("Answer going, maybe or not going.")
    if session.state == Session.State.CANCELLED:
        raise ValidationError("This session was cancelled.")
    rsvp, _ = RSVP.objects.update_or_create(session=session, user=user, defaults={"answer": answer})
    return rsvp


@transaction.atomic
def attendance_mark(*, session: Session, marked_by, present_user_ids) -> int:
    if session.starts_at > timezone.now():
        raise ValidationError("Attendance can be taken once the session has started.")
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
        raise ValidationError("That reading is not assigned for this session.")
    field = "reading_id" if key.startswith("r") else "session_reading_id"
    lookup = {"session": session, "user": user, field: int(key[1:])}
    if done:
        ReadingProgress.objects.get_or_create(**lookup)
    else:
        ReadingProgress.objects.filter(**lookup).delete()
    return done


# ---------- calendars ----------


@transaction.atomic
def feed_token_get(*, user, group: Group | None = None) -> CalendarFeedToken:
    token = CalendarFeedToken.objects.filter(user=user, group=group, revoked_at=None).first()
    if token is None:
        token = CalendarFeedToken.objects.create(
            user=user, group=group, token=secrets.token_urlsafe(24)
        )
    return token


@transaction.atomic
def feed_tokens_get(*, user, groups) -> dict[int | None, CalendarFeedToken]:
    """The user's live calendar tokens, keyed by group id (None: all groups), making the
    missing ones in one insert. Two queries however many groups."""
    tokens: dict[int | None, CalendarFeedToken] = {}
    for token in CalendarFeedToken.objects.filter(user=user, revoked_at=None).order_by(
        "created_at", "pk"
    ):
        tokens.setdefault(token.group_id, token)
    wanted = [None] + [group.pk for group in groups]
    missing = [
        CalendarFeedToken(user=user, group_id=group_id, token=secrets.token_urlsafe(24))
        for group_id in wanted
        if group_id not in tokens
    ]
    for token in CalendarFeedToken.objects.bulk_create(missing):
        tokens[token.group_id] = token
    return tokens


@transaction.atomic
def feed_token_reset(*, user, group: Group | None = None) -> CalendarFeedToken:
    CalendarFeedToken.objects.filter(user=user, group=group, revoked_at=None).update(
        revoked_at=timezone.now()
    )
    return CalendarFeedToken.objects.create(user=user, group=group, token=secrets.token_urlsafe(24))


# ---------- notification preferences and unsubscribe ----------


@transaction.atomic
def preferences_update(*, user, **fields) -> NotificationPreference:
    pref, _ = NotificationPreference.objects.get_or_create(user=user)
    for name, value in fields.items():
        setattr(pref, name, value)
    pref.full_clean()
    pref.save()
    return pref


@transaction.atomic
def unsubscribe(*, email: str, kind: str) -> None:
    """Safe to repeat. Works for people with an account and for invited addresses."""
    from django.contrib.auth import get_user_model

    EmailOptOut.objects.get_or_create(email=email.lower(), kind=kind)
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None and kind in {"reminders", "changes"}:
        field = "reminders" if kind == "reminders" else "session_changes"
        preferences_update(user=user, **{field: False})


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
    longest = max(hours for hours, _ in NotificationPreference.LEAD_CHOICES)
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
            .select_related("user", "user__group_notifications")
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
            pref = getattr(user, "group_notifications", None)
            lead = pref.reminder_lead_hours if pref else 48
            if (pref is not None and not pref.reminders) or session.starts_at - now > dt.timedelta(
                hours=lead
            ):
                continue
            if not reminder_claim(session=session, user=user):
                continue
            try:
                emails.send(
                    to=user.email,
                    user=user,
                    subject=f"{session.group.name}: {session.title} is coming up",
                    template="reminder",
                    context=context,
                    kind="reminders",
                )
            except Exception:
                # Give the claim back so the next run retries this one.
                SentReminder.objects.filter(session=session, user=user, kind="reminder").delete()
                logger.exception("Reminder to %s for session %s failed", user.pk, session.pk)
                continue
            sent += 1
    return sent
