"""iCalendar (RFC 5545) feeds built with `icalendar`."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Session
from .readings import session_readings


def session_uid(session: Session) -> str:
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "studygroups"
    return f"session-{session.pk}@{host}"


def _description(session: Session) -> str:
    lines = []
    items = session_readings(session)
    if items:
        lines.append("To read:")
        for item in items:
            optional = "" if item.required else " (optional)"
            lines.append(f"- {item.title}, {item.minutes} min{optional}")
    if session.notes:
        lines += ["", session.notes]
    lines += ["", f"Session page: {settings.SITE_URL}{session.get_absolute_url()}"]
    return "\n".join(lines)


def build_calendar(sessions, *, name: str) -> bytes:
    """Sessions must have `group` selected and `session_prefetches()` applied."""
    cal = Calendar()
    cal.add("prodid", "-//Study groups//Sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = timezone.now()
    for session in sessions:
        event = Event()
        event.add("uid", session_uid(session))
        event.add("sequence", session.sequence)
        event.add("dtstamp", stamp)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.ends_at)
        event.add("summary", f"{session.title} · {session.group.name}")
        place = session.place or session.group.meeting_place
        link = session.link or session.group.meeting_link
        if place or link:
            event.add("location", place or link)
        event.add("url", f"{settings.SITE_URL}{session.get_absolute_url()}")
        event.add("description", _description(session))
        if session.state == Session.State.CANCELLED:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
