"""What to read for a session: its units' readings plus any extra document or range."""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.db.models import Prefetch

from studygroups.curricula.models import DiscussionQuestion, Reading, Unit
from studygroups.library.models import reading_minutes_for
from studygroups.library.reading import paragraph_numbers

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
    document_slug: str = ""  # for the link to the group's discussion of the document
    document_id: int | None = None
    start_anchor: str = ""  # blank: the whole document
    end_anchor: str = ""
    range_label: str = ""  # "¶ 2–5" (see `with_range_labels`)

    @property
    def is_extra(self) -> bool:
        return self.key.startswith("s")

    @property
    def extra_id(self) -> int | None:
        """The SessionReading's id, for an extra reading (which organizers may remove)."""
        return int(self.key[1:]) if self.is_extra else None


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


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _unit_label(unit_title: str, reading_title: str) -> str:
    """The unit's title beside a reading, or "" when it only repeats the reading's title
    (a series made from documents names each unit after its text)."""
    return "" if _same_words(unit_title, reading_title) else unit_title


def session_readings(session, *, show_units: bool = True) -> list[ReadingItem]:
    """The session's readings; with show_units=False only the extra readings (library
    documents), not the units of the series (see `rules.can_see_series`)."""
    items = []
    for unit in session.units.all() if show_units else ():
        for reading in unit.readings.all():
            items.append(
                ReadingItem(
                    key=f"r{reading.pk}",
                    title=reading.document_title,
                    url=_reader_url(reading.document, reading.start_anchor, reading.end_anchor),
                    minutes=reading_minutes_for(reading.word_count),
                    required=reading.required,
                    note=reading.note,
                    unit_title=_unit_label(unit.title, reading.document_title),
                    document_slug=reading.document.slug if reading.document else "",
                    document_id=reading.document_id,
                    start_anchor=reading.start_anchor,
                    end_anchor=reading.end_anchor,
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
                document_slug=extra.document.slug if extra.document else "",
                document_id=extra.document_id,
                start_anchor=extra.start_anchor,
                end_anchor=extra.end_anchor,
            )
        )
    return items


def with_range_labels(items: list[ReadingItem]) -> list[ReadingItem]:
    """The items, those assigning part of a document labelled with its paragraphs as the
    reader numbers them ("¶ 2–5"): one query for all, none when no item has a range. A
    range whose paragraphs are gone from a corrected text keeps no label."""
    pairs = {
        (item.document_id, anchor)
        for item in items
        if item.document_id and item.start_anchor
        for anchor in (item.start_anchor, item.end_anchor)
    }
    numbers = paragraph_numbers(pairs)
    labelled = []
    for item in items:
        first = numbers.get((item.document_id, item.start_anchor))
        last = numbers.get((item.document_id, item.end_anchor))
        if first and last:
            item = replace(item, range_label=f"¶ {first}" if first == last else f"¶ {first}–{last}")
        labelled.append(item)
    return labelled


def session_questions(session, *, show_units: bool = True) -> list[str]:
    if not show_units:
        return []
    return [q.text for unit in session.units.all() for q in unit.questions.all()]


def has_hidden_units(session, *, show_units: bool) -> bool:
    return not show_units and bool(session.units.all())


def total_minutes(items: list[ReadingItem]) -> int:
    return sum(item.minutes for item in items if item.required)


# ---------- choosing a document range to assign ----------

EXCERPT_WORDS = 8


@dataclass(frozen=True)
class ParagraphOption:
    """One numbered paragraph as the range picker offers it."""

    anchor: str
    number: int
    excerpt: str
    words: int

    @property
    def label(self) -> str:
        return f"¶ {self.number} — {self.excerpt}"


def _excerpt(text: str) -> str:
    words = text.split()
    shown = " ".join(words[:EXCERPT_WORDS])
    return shown + "…" if len(words) > EXCERPT_WORDS else shown


def paragraph_options(document) -> list[ParagraphOption]:
    """The document's numbered paragraphs (same numbers as the reader). Two queries."""
    from studygroups.library.reading import document_parts

    return [
        ParagraphOption(
            anchor=item.anchor,
            number=item.number,
            excerpt=_excerpt(item.block.text),
            words=item.block.word_count,
        )
        for part in document_parts(document)
        for item in part.numbered()
    ]
