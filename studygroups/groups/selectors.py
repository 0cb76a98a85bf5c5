"""The reads the groups pages need, returned ready to render ("services push, selectors
pull"). Each takes the viewer and the objects an `access_*` function returned (which
carry the viewer's membership), and answers with a dict of page data and flags."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.curricula.models import Curriculum
from studygroups.curricula.rules import prime as prime_curriculum
from studygroups.library.models import Document

from .minutes import citation_numbers, minutes_html
from .models import (
    RSVP,
    Attendance,
    CalendarFeedToken,
    Group,
    GroupActivity,
    Invitation,
    Membership,
    MinutesCitation,
    ReadingProgress,
    Session,
    SessionMinutes,
)
from .readings import (
    has_hidden_units,
    session_prefetches,
    session_readings,
    total_minutes,
    with_range_labels,
)
from .rules import (
    calendar_feed_works,
    can_see_meeting_link,
    can_see_members,
    can_see_series,
    is_active_member,
    is_facilitator,
    is_joinable,
    is_organizer,
    membership_for,
)

DASHBOARD_SESSIONS = 6
DASHBOARD_ACTIVITY = 12
GROUP_UPCOMING = 20
GROUP_PAST = 10
FEED_DAYS_BACK = 90
DASHBOARD_CATCH_UP = 3
CATCH_UP_DAYS = 30


def group_directory(user) -> dict:
    """The listed groups with their active member counts, and the viewer's own groups."""
    groups = (
        Group.objects.listed()
        .annotate(
            member_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE))
        )
        .select_related("curriculum")
    )
    mine = []
    if user.is_authenticated:
        mine = list(
            Membership.objects.filter(user=user)
            .exclude(
                state__in=[Membership.State.LEFT, Membership.State.REMOVED, Membership.State.BANNED]
            )
            .select_related("group")
            .order_by("group__name")
        )
    return {"groups": groups, "mine": mine}


def dashboard(user, *, pending_token: str | None = None, now: dt.datetime | None = None) -> dict:
    """The viewer's next sessions with what to read (and what they read), their groups,
    recent activity, and the invitation they were following before logging in."""
    now = now or timezone.now()
    memberships = list(Membership.objects.active().filter(user=user).select_related("group"))
    group_ids = [m.group_id for m in memberships]
    sessions = list(
        Session.objects.upcoming(now)
        .filter(group_id__in=group_ids)
        .exclude(state=Session.State.CANCELLED)
        .select_related("group__curriculum")
        .prefetch_related(*session_prefetches())[:DASHBOARD_SESSIONS]
    )
    shown = _series_shown(user, memberships, [session.group for session in sessions])
    done = set(
        ReadingProgress.objects.filter(user=user, session__in=sessions).values_list(
            "session_id", "reading_id", "session_reading_id"
        )
    )
    rsvps = dict(
        RSVP.objects.filter(user=user, session__in=sessions).values_list("session_id", "answer")
    )
    rows = []
    for session in sessions:
        items = session_readings(session, show_units=shown[session.group.curriculum_id])
        read = {f"r{r}" if r else f"s{s}" for (sid, r, s) in done if sid == session.pk}
        rows.append(
            {
                "session": session,
                "readings": items,
                "read": read,
                "minutes": total_minutes(items),
                "read_count": sum(1 for i in items if i.key in read),
                "rsvp": rsvps.get(session.pk, ""),
            }
        )
    activity = (
        GroupActivity.objects.filter(group_id__in=group_ids)
        .select_related("group", "session__group")
        .order_by("-created_at", "-pk")[:DASHBOARD_ACTIVITY]
    )
    catch_up = list(
        Session.objects.filter(
            group_id__in=[m.group_id for m in memberships if not m.can_facilitate],
            starts_at__lt=now,
            starts_at__gte=now - dt.timedelta(days=CATCH_UP_DAYS),
        )
        .exclude(state=Session.State.CANCELLED)
        .annotate(
            answered=Exists(RSVP.objects.filter(session=OuterRef("pk"), user=user)),
            absent=Exists(
                Attendance.objects.filter(session=OuterRef("pk"), user=user, present=False)
            ),
        )
        .filter(Q(answered=False) | Q(absent=True))
        .select_related("group")
        .order_by("-starts_at")[:DASHBOARD_CATCH_UP]
    )
    pending = None
    if pending_token:
        pending = Invitation.objects.select_related("group").filter(token=pending_token).first()
    return {
        "memberships": memberships,
        "rows": rows,
        "activity": activity,
        "pending": pending,
        "catch_up": catch_up,
    }


def _series_shown(user, memberships, groups) -> dict[int | None, bool]:
    """can_see_series for each curriculum of `groups` (the viewer's active groups), by
    curriculum id: one query for all their owners, the viewer's roles taken from
    `memberships`, instead of two queries per series."""
    curricula: dict[int, Curriculum] = {}
    for group in groups:  # the first group of each series is the one asked below
        if group.curriculum_id:
            curricula.setdefault(group.curriculum_id, group.curriculum)
    owners: dict[int, set[int]] = {pk: set() for pk in curricula}
    for curriculum_id, user_id in Curriculum.owners.through.objects.filter(
        curriculum_id__in=curricula
    ).values_list("curriculum_id", "user_id"):
        owners[curriculum_id].add(user_id)
    for pk, curriculum in curricula.items():
        roles = {m.role for m in memberships if m.group.curriculum_id == pk}
        prime_curriculum(curriculum, user, owner_ids=owners[pk], roles=roles)
    shown: dict[int | None, bool] = {}
    for group in groups:
        if group.curriculum_id not in shown:
            shown[group.curriculum_id] = bool(can_see_series(user, group))
    return shown


def group_page(user, group: Group, *, now: dt.datetime | None = None) -> dict:
    """A group (from `access_group`) with its sessions, members and the viewer's flags."""
    now = now or timezone.now()
    membership = membership_for(user, group)
    base = group.sessions.select_related("group").prefetch_related(*session_prefetches())
    upcoming = list(base.upcoming(now)[:GROUP_UPCOMING])
    past = list(
        base.past(now).annotate(
            has_minutes=Exists(SessionMinutes.objects.filter(session=OuterRef("pk")))
        )[:GROUP_PAST]
    )
    show_series = bool(can_see_series(user, group))
    show_members = bool(can_see_members(user, group))
    members = []
    if show_members:
        members = list(
            Membership.objects.active()
            .filter(group=group)
            .select_related("user")
            .order_by("role", "user__display_name")
        )
        member_count = len(members)
    else:
        member_count = Membership.objects.active().filter(group=group).count()
    return {
        "group": group,
        "membership": membership,
        "upcoming": [
            {
                "session": s,
                "readings": session_readings(s, show_units=show_series),
                "readings_hidden": has_hidden_units(s, show_units=show_series),
            }
            for s in upcoming
        ],
        "past": past,
        "members": members,
        "member_count": member_count,
        "can_see_series": show_series,
        "can_see_members": show_members,
        "can_see_link": bool(can_see_meeting_link(user, group)),
        "can_manage": bool(is_organizer(user, group)),
        "is_member": bool(membership and membership.is_active),
        "join_requested": bool(membership and membership.state == Membership.State.REQUESTED),
        "can_join": bool(is_joinable(user, group)),
    }


def active_members(group: Group) -> list[Membership]:
    """The group's active memberships with their users (the attendance form's choices)."""
    return list(Membership.objects.active().filter(group=group).select_related("user"))


def member_list(user, group: Group) -> dict:
    """For organizers: the join requests and the active members, the viewer marked."""
    memberships = list(
        Membership.objects.filter(group=group)
        .exclude(
            state__in=[Membership.State.LEFT, Membership.State.REMOVED, Membership.State.BANNED]
        )
        .select_related("user")
        .order_by("state", "role", "user__display_name")
    )
    for m in memberships:
        m.is_viewer = m.user_id == user.pk
    return {
        "group": group,
        "requests": [m for m in memberships if m.state == Membership.State.REQUESTED],
        "active": [m for m in memberships if m.is_active],
        "roles": Membership.Role.choices,
    }


def session_page(user, session: Session, *, now: dt.datetime | None = None) -> dict:
    """A session (from `access_session`, so `session.group` carries the viewer's
    membership) with its readings, the viewer's answers and, for facilitators, the
    group's progress, answers and attendance. Loads the session's readings in place."""
    now = now or timezone.now()
    group = session.group
    prefetch_related_objects([session], *session_prefetches())
    membership = membership_for(user, group)
    show_series = bool(can_see_series(user, group))
    items = with_range_labels(session_readings(session, show_units=show_series))
    is_member = bool(is_active_member(user, group))
    can_facilitate = bool(is_facilitator(user, group))
    can_manage = bool(is_organizer(user, group))
    read = set()
    rsvp = ""
    waiting_position = None
    if is_member:
        read = {p.key for p in ReadingProgress.objects.filter(session=session, user=user)}
        mine = RSVP.objects.filter(session=session, user=user).first()
        if mine is not None:
            rsvp = mine.answer
            if mine.waitlisted:
                waiting_position = (
                    RSVP.objects.filter(
                        session=session, waitlisted=True, going_since__lt=mine.going_since
                    ).count()
                    + 1
                )
    # A member who was marked absent, or never answered, is offered the catch-up page
    # (not the facilitators, who ran it).
    missed = False
    if (
        is_member
        and not can_facilitate
        and session.starts_at <= now
        and session.state != Session.State.CANCELLED
    ):
        absent = Attendance.objects.filter(session=session, user=user, present=False).exists()
        missed = absent or not rsvp
    places_left = None
    if session.capacity is not None:
        taken = RSVP.objects.filter(
            session=session, answer=RSVP.Answer.GOING, waitlisted=False
        ).count()
        places_left = max(session.capacity - taken, 0)
    context = {
        "group": group,
        "session": session,
        "membership": membership,
        "is_member": is_member,
        "can_facilitate": can_facilitate,
        "can_manage": can_manage,
        "can_see_link": bool(can_see_meeting_link(user, group)),
        "readings": items,
        "readings_hidden": has_hidden_units(session, show_units=show_series),
        "minutes": total_minutes(items),
        "read": read,
        "rsvp": rsvp,
        "waiting_position": waiting_position,
        "missed": missed,
        "places_left": places_left,
        "takes_answers": session.takes_answers,
        "answers": RSVP.Answer.choices,
        "is_past": session.starts_at <= now,
        # The Manage box and what it offers; the services refuse the same cases.
        "show_manage": can_facilitate and session.state != Session.State.CANCELLED,
        "can_mark_held": can_facilitate
        and session.state == Session.State.SCHEDULED
        and session.starts_at <= now,
        "can_cancel": can_manage and session.state != Session.State.CANCELLED,
        "can_write_minutes": can_facilitate
        and session.state != Session.State.CANCELLED
        and session.starts_at <= now,
        "minutes_html": session_minutes_html(session),
    }
    if can_facilitate:
        context.update(_facilitator_data(session, items))
    return context


def session_minutes_html(session: Session) -> str:
    """The session's minutes as HTML with live citation links, or "" (three queries)."""
    minutes = (
        SessionMinutes.objects.filter(session=session)
        .prefetch_related(
            Prefetch("citations", queryset=MinutesCitation.objects.select_related("document"))
        )
        .first()
    )
    if minutes is None:
        return ""
    numbers = citation_numbers([minutes])
    return minutes_html(minutes, group_slug=session.group.slug, numbers=numbers)


def _facilitator_data(session: Session, items) -> dict:
    group = session.group
    counts = dict(
        RSVP.objects.filter(session=session, waitlisted=False)
        .values_list("answer")
        .annotate(n=Count("pk"))
    )
    waiting = list(
        RSVP.objects.filter(session=session, waitlisted=True)
        .select_related("user")
        .order_by("going_since", "pk")
    )
    visible = ReadingProgress.objects.filter(
        session=session,
        user__memberships__group=group,
        user__memberships__state=Membership.State.ACTIVE,
        user__memberships__hide_progress=False,
    )
    by_key = {}
    for reading_id, extra_id, n in visible.values_list("reading_id", "session_reading_id").annotate(
        n=Count("pk")
    ):
        by_key[f"r{reading_id}" if reading_id else f"s{extra_id}"] = n
    members = list(
        Membership.objects.active()
        .filter(group=group)
        .select_related("user")
        .order_by("user__display_name")
    )
    present = set(
        Attendance.objects.filter(session=session, present=True).values_list("user_id", flat=True)
    )
    return {
        "rsvp_counts": [(label, counts.get(value, 0)) for value, label in RSVP.Answer.choices]
        + ([(_("Waiting for a place"), len(waiting))] if waiting or session.capacity else []),
        "waiting": waiting,
        "progress_rows": [(item, by_key.get(item.key, 0)) for item in items],
        "attendance": [(m, m.user_id in present) for m in members],
        "member_count": len(members),
        "attendance_taken": Attendance.objects.filter(session=session).exists(),
    }


def library_search(q: str, *, limit: int) -> tuple[list, bool]:
    """Up to `limit` library documents matching `q` for the reading picker, and whether
    there are more."""
    found = list(Document.objects.search(q).for_listing()[: limit + 1])
    return found[:limit], len(found) > limit


def session_for_calendar(session: Session) -> Session:
    """The session (from `access_session`) with what its calendar entry lists."""
    prefetch_related_objects([session], *session_prefetches())
    return session


def calendar_answers(user, sessions) -> dict[int, RSVP]:
    """The user's RSVP for each of `sessions`, by session id (one query)."""
    if not user or not user.is_authenticated:
        return {}
    ids = [session.pk for session in sessions]
    return {r.session_id: r for r in RSVP.objects.filter(user=user, session_id__in=ids)}


def calendar_feed(token: str) -> tuple[CalendarFeedToken, list[Session]] | None:
    """The feed behind a secret token and its sessions (the last 90 days on), or None when
    the token is unknown, revoked, or for a group its owner no longer belongs to. Only
    groups the feed's owner is an active member of: the video links are theirs."""
    feed = (
        CalendarFeedToken.objects.select_related("user", "group")
        .filter(token=token, revoked_at=None)
        .first()
    )
    if feed is None or not calendar_feed_works(feed):
        return None
    groups = Membership.objects.active().filter(user=feed.user).values("group_id")
    sessions = Session.objects.filter(group_id__in=groups)
    if feed.group_id:
        sessions = sessions.filter(group_id=feed.group_id)
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    sessions = (
        sessions.filter(ends_at__gte=since)
        .select_related("group__curriculum")
        .prefetch_related(*session_prefetches())
        .order_by("starts_at")
    )
    return feed, sessions
