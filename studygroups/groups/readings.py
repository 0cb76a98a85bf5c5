"""What to read for a session: its units' readings plus any extra document or range."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Prefetch

from studygroups.curricula.models import DiscussionQuestion, Reading, Unit
from studygroups.library.models import reading_minutes_for

from .models import SessionReading


@dataclass(frozen=True)
class ReadingItem:
    key: str  # "r<reading id>" or "s<session reading id>"
    title: str
    url: str
    minutes: int
    required: bool
    note: str
    unit_title: str

    @property
    def is_extra(self) -> bool:
        return self.key.startswith("s")


def session_prefetches() -> list:
    """Prefetches that make `session_readings` and `session_questions` query-free."""
    return [
        Prefetch(
            "units",
            queryset=Unit.objects.order_by("order", "pk").prefetch_related(
                Prefetch("readings", queryset=Reading.objects.select_related("document")),
                Prefetch("questions", queryset=DiscussionQuestion.objects.order_by("order")),
            ),
        ),
        Prefetch("extra_readings", queryset=SessionReading.objects.select_related("document")),
    ]


def _reader_url(document, start: str, end: str) -> str:
    if document is None:
        return ""
    url = document.get_absolute_url()
    if start:
        url += "?" + urlencode({"from": start, "to": end})
    return url


def session_readings(session) -> list[ReadingItem]:
    items = []
    for unit in session.units.all():
        for reading in unit.readings.all():
            items.append(
                ReadingItem(
                    key=f"r{reading.pk}",
                    title=reading.document_title,
                    url=_reader_url(reading.document, reading.start_anchor, reading.end_anchor),
                    minutes=reading_minutes_for(reading.word_count),
                    required=reading.required,
                    note=reading.note,
                    unit_title=unit.title,
                )
            )
    for extra in session.extra_readings.all():
        items.append(
            ReadingItem(
                key=f"s{extra.pk}",
                title=extra.document_title,
                url=_reader_url(extra.document, extra.start_anchor, extra.end_anchor),
                minutes=reading_minutes_for(extra.word_count),
                required=True,
                note=extra.note,
                unit_title="",
            )
        )
    return items


def session_questions(session) -> list[str]:
    return [q.text for unit in session.units.all() for q in unit.questions.all()]


def total_minutes(items: list[ReadingItem]) -> int:
    return sum(item.minutes for item in items if item.required)
