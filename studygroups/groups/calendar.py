"""iCalendar (RFC 5545) feeds built with `icalendar`."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from studygroups.core.site_url import site_url
from studygroups.notifications.language import recipient_language

from .models import RSVP, Session
from .readings import session_readings
from .rules import can_see_series


def session_uid(session: Session) -> str:
    host = site_url().split("://", 1)[-1].split("/", 1)[0] or "studygroups"
    return f"session-{session.pk}@{host}"


def _description(session: Session, *, show_units: bool) -> str:
    lines = []
    items = session_readings(session, show_units=show_units)
    if items:
        lines.append(_("To read:"))
        for item in items:
            values = {"title": item.title, "minutes": item.minutes}
            if item.required:
                lines.append(_("- %(title)s, %(minutes)s min") % values)
            else:
                lines.append(_("- %(title)s, %(minutes)s min (optional)") % values)
    if session.notes:
        lines += ["", session.notes]
    url = f"{site_url()}{session.get_absolute_url()}"
    lines += ["", _("Session page: %(url)s") % {"url": url}]
    return "\n".join(lines)


def partstat(rsvp: RSVP | None) -> str:
    """The attendee's iCalendar PARTSTAT for an answer. Waiting for a place is not yet a
    yes, so it is TENTATIVE, like "maybe"."""
    if rsvp is None:
        return "NEEDS-ACTION"
    if rsvp.answer == RSVP.Answer.GOING:
        return "TENTATIVE" if rsvp.waitlisted else "ACCEPTED"
    if rsvp.answer == RSVP.Answer.MAYBE:
        return "TENTATIVE"
    return "DECLINED"


def _attendee(user, rsvp: RSVP | None) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = user.public_name
    attendee.params["role"] = "REQ-PARTICIPANT"
    attendee.params["partstat"] = partstat(rsvp)
    return attendee


def build_calendar(
    sessions,
    *,
    name: str,
    include_link: bool,
    viewer,
    answers: dict | None = None,
    in_recipient_language: bool = False,
) -> bytes:
    """Sessions must have `group__curriculum` selected and `session_prefetches()` applied.

    include_link: True only when `viewer` is an active member of every group in the
    calendar (the video link is for members). The series' units and readings are listed
    only when `viewer` may see the series. answers: the viewer's RSVPs by session id
    (`selectors.calendar_answers`); given, each event names the viewer as an attendee
    with their PARTSTAT. in_recipient_language: each event's words in the language
    `recipient_language(viewer, its group)` gives (a subscribed feed, which no browser
    asks for); otherwise in the active language (a download from a page)."""
    cal = Calendar()
    cal.add("prodid", "-//Study groups//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = timezone.now()
    series_shown: dict[int | None, bool] = {}
    for session in sessions:
        group = session.group
        if group.curriculum_id not in series_shown:
            series_shown[group.curriculum_id] = bool(can_see_series(viewer, group))
        event = Event()
        event.add("uid", session_uid(session))
        event.add("sequence", session.sequence)
        event.add("dtstamp", stamp)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title} · {session.group.name}")
        place = session.place or session.group.meeting_place
        link = (session.link or session.group.meeting_link) if include_link else ""
        if place or link:
            event.add("location", place or link)
        event.add("url", f"{site_url()}{session.get_absolute_url()}")
        show_units = series_shown[group.curriculum_id]
        if in_recipient_language:
            with recipient_language(viewer, group):
                description = _description(session, show_units=show_units)
        else:
            description = _description(session, show_units=show_units)
        event.add("description", description)
        if answers is not None and viewer is not None and viewer.is_authenticated:
            event.add("attendee", _attendee(viewer, answers.get(session.pk)))
        if session.state == Session.State.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
