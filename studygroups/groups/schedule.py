"""Date arithmetic for sessions: wall-clock times in a group's time zone and weekly
recurrences. Pure: no database."""

import datetime as dt
import zoneinfo
from itertools import islice

from dateutil import rrule
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_SCHEDULED_SESSIONS = 200
FIRST_YEAR, LAST_YEAR = 1900, 2200


def date_range_message() -> str:
    return _("Choose a date between %(first)s and %(last)s.") % {
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }


def localize(naive: dt.datetime, zone: str) -> dt.datetime:
    """A wall-clock time in `zone` as an aware datetime; refuses times that do not exist
    there (the hour skipped when clocks go forward)."""
    tz = zoneinfo.ZoneInfo(zone)
    aware = naive.replace(tzinfo=tz)
    try:
        back = aware.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        # Within hours of year 1 or 9999: the time has no UTC equivalent.
        raise ValidationError(date_range_message()) from None
    if back != naive:
        raise ValidationError(
            _(
                "%(when)s does not exist in %(zone)s: the clocks skip that hour. "
                "Choose another time."
            )
            % {"when": formats.date_format(naive, "SESSION_DATETIME_FORMAT"), "zone": zone}
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
        raise ValidationError(_("Schedule at least one session."))
    if count > MAX_SCHEDULED_SESSIONS:
        raise ValidationError(
            ngettext(
                "That would create %(count)s session; the most at once is %(most)s. "
                "Schedule fewer, or in several steps.",
                "That would create %(count)s sessions; the most at once is %(most)s. "
                "Schedule fewer, or in several steps.",
                count,
            )
            % {"count": count, "most": MAX_SCHEDULED_SESSIONS}
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
