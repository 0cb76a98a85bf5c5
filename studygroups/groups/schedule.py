"""Date arithmetic for sessions: wall-clock times in a group's time zone and weekly
recurrences. Pure: no database."""

import datetime as dt
import zoneinfo
from itertools import islice

from dateutil import rrule
from django.core.exceptions import ValidationError

MAX_SCHEDULED_SESSIONS = 200
FIRST_YEAR, LAST_YEAR = 1900, 2200
DATE_RANGE = f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}."


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
