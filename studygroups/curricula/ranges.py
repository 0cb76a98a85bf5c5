"""Ranges of a document assigned as readings: resolving anchors, counting their words,
listing their paragraphs, and tying questions to paragraph numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.db.models import Case, F, Max, Q, Subquery, Sum, When
from django.db.models.functions import Left
from django.utils.translation import gettext as _

from studygroups.library.models import Block, Document
from studygroups.library.reading import (
    anchors_current,
    assigned_range,
    document_parts,
    paragraph_numbers,
)

from .models import DiscussionQuestion, Reading


@dataclass(frozen=True)
class ResolvedRange:
    start_anchor: str
    end_anchor: str
    word_count: int


def reading_range_resolve(
    *, document: Document, start_anchor: str, end_anchor: str
) -> ResolvedRange:
    """Check a range of `document` and count its words. Blank anchors mean the whole text.

    Raises ValidationError in plain words when an anchor is not in this document or the
    range ends before it starts.
    """
    start_anchor, end_anchor = (start_anchor or "").strip(), (end_anchor or "").strip()
    words = reading_range_words(document=document, start_anchor=start_anchor, end_anchor=end_anchor)
    return ResolvedRange(start_anchor, end_anchor, words)


def reading_range_words(*, document: Document, start_anchor: str, end_anchor: str) -> int:
    """The words from `start_anchor` to `end_anchor` (inclusive; both blank: the whole
    text), summed from the stored Block.word_count in one query.

    Raises ValidationError in plain words when an anchor is not in this document or the
    range ends before it starts.
    """
    blocks = Block.objects.filter(document=document)
    if not start_anchor and not end_anchor:
        return blocks.aggregate(t=Sum("word_count"))["t"] or 0
    if not start_anchor or not end_anchor:
        raise ValidationError(_("Choose both where the reading starts and where it ends."))

    def order_of(anchor: str) -> Subquery:
        return Subquery(Block.objects.filter(document=document, anchor=anchor).values("order")[:1])

    row = blocks.aggregate(
        first=Max(Case(When(anchor=start_anchor, then=F("order")))),
        last=Max(Case(When(anchor=end_anchor, then=F("order")))),
        words=Sum(
            "word_count",
            filter=Q(order__gte=order_of(start_anchor), order__lte=order_of(end_anchor)),
        ),
    )
    if row["first"] is None or row["last"] is None:
        raise ValidationError(
            _(
                "That paragraph is not part of “%(title)s”. Choose the start and end from "
                "this document's contents."
            )
            % {"title": document.title}
        )
    if row["last"] < row["first"]:
        raise ValidationError(
            _("The reading ends before it starts. Choose an end that comes after the start.")
        )
    return row["words"] or 0


@dataclass(frozen=True)
class Paragraph:
    """A numbered paragraph of a reading, as the question form offers it."""

    anchor: str
    number: int
    excerpt: str


def _excerpt(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def reading_paragraphs(readings: Sequence[Reading]) -> dict[int, list[Paragraph]]:
    """The paragraphs inside each reading's assigned range (the whole text when the range
    no longer matches it), numbered as the reader numbers them: one query, none when no
    reading has a document. Readings need their documents loaded."""
    document_ids = {r.document_id for r in readings if r.document_id}
    if not document_ids:
        return {}
    blocks: dict[int, list[Block]] = {pk: [] for pk in document_ids}
    rows = (
        Block.objects.filter(document_id__in=document_ids)
        .only("document_id", "section_id", "kind", "order", "anchor", "list_number")
        .annotate(head=Left("text", 200))
        .order_by("document_id", "order")
    )
    for block in rows:
        blocks[block.document_id].append(block)
    # Old anchors of merged paragraphs (one query, none when no reading has a range).
    aliases = anchors_current(
        (r.document_id, a) for r in readings for a in (r.start_anchor, r.end_anchor)
    )
    result: dict[int, list[Paragraph]] = {}
    for reading in readings:
        if not reading.document_id:
            continue
        parts = document_parts(reading.document, blocks=blocks[reading.document_id], sections=[])
        items = [item for part in parts for item in part.numbered() if item.number]
        moved = {
            anchor: now
            for (document_id, anchor), now in aliases.items()
            if document_id == reading.document_id and now
        }
        chosen = assigned_range(parts, reading.start_anchor, reading.end_anchor, moved)
        if chosen:
            items = [item for item in items if item.anchor in chosen.anchors]
        result[reading.pk] = [
            Paragraph(item.anchor, item.number, _excerpt(item.block.head)) for item in items
        ]
    return result


def questions_tie(
    questions: Iterable[DiscussionQuestion],
    readings: Iterable[Reading],
    numbers: dict[tuple[int, str], int] | None = None,
) -> None:
    """Set `question.paragraph_number` and `question.paragraph_url` (the reader at the
    reading's range, scrolled to the paragraph) on questions tied to a paragraph; both
    None otherwise. Readings need their documents loaded; `numbers` may come from
    `reading_paragraphs` (else one query through `paragraph_numbers`)."""
    questions = list(questions)
    by_id = {r.pk: r for r in readings}
    tied = []
    for question in questions:
        question.paragraph_number = question.paragraph_url = None
        reading = by_id.get(question.reading_id)
        if question.anchor and reading is not None and reading.document_id:
            tied.append((question, reading))
    if numbers is None:
        numbers = paragraph_numbers((r.document_id, q.anchor) for q, r in tied)
    stale = [(r.document_id, q.anchor) for q, r in tied if (r.document_id, q.anchor) not in numbers]
    if stale:  # questions tied to a paragraph since merged into another: follow the alias
        current = anchors_current(stale)
        found = {pair: now for pair, now in current.items() if now}
        if found:
            extra = paragraph_numbers((d, now) for (d, _), now in found.items())
            for (d, anchor), now in found.items():
                if (d, now) in extra:
                    numbers = {**numbers, (d, anchor): extra[(d, now)]}
    for question, reading in tied:
        number = numbers.get((reading.document_id, question.anchor))
        if number is None:
            continue  # the paragraph is gone from a corrected text
        url = reading.document.get_absolute_url()
        if reading.start_anchor:
            url += "?" + urlencode({"from": reading.start_anchor, "to": reading.end_anchor})
        question.paragraph_number = number
        question.paragraph_url = f"{url}#{question.anchor}"  # the reader keeps old ids
