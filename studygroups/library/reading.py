"""The structure of a document as the reader shows it: sections with numbered blocks.

Paragraph numbers are positions among the document's blocks (headings excluded), so
"paragraph 14" means the same on the web page, in a printed packet and in a discussion.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, FloatField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext as _

from .models import Block, Document, Section

# Reading time follows each text's language: adults read their own language at different
# speeds in words per minute (Trauzettel-Klosinski & Dietz, "Standardized assessment of
# reading performance: the new International Reading Speed Texts IReST", 2012: English 228,
# Spanish 218, French 195, …). English, and any language not listed, reads at the site's
# READING_WORDS_PER_MINUTE; the others keep their measured ratio to English.
MEASURED_WORDS_PER_MINUTE = {
    "en": 228,
    "es": 218,
    "fr": 195,
    "de": 179,
    "it": 188,
    "pt": 181,
    "nl": 202,
    "sv": 218,
    "fi": 161,
    "pl": 166,
    "tr": 166,
}


def words_per_minute(language: str | None = None) -> int:
    """Words per minute for a text in `language` (an ISO 639-1 code, any case or region)."""
    base = settings.READING_WORDS_PER_MINUTE
    code = (language or "en").split("-")[0].split("_")[0].lower()
    measured = MEASURED_WORDS_PER_MINUTE.get(code)
    if measured is None or code == "en":
        return base
    return max(1, round(base * measured / MEASURED_WORDS_PER_MINUTE["en"]))


def whole_minutes(exact: float) -> int:
    """Minutes as shown: rounded up, at least 1 for any text, 0 for none."""
    if exact <= 0:
        return 0
    return max(1, math.ceil(exact - 1e-9))


def reading_minutes(words: int, language: str | None = None) -> int:
    """Whole minutes to read `words` words of a text in `language`."""
    return whole_minutes((words or 0) / words_per_minute(language))


def reading_minutes_total(texts: Iterable[tuple[int, str | None]]) -> int:
    """Whole minutes for several (words, language) texts read one after another: each at
    its language's speed, rounded once at the end."""
    return whole_minutes(sum((w or 0) / words_per_minute(lang) for w, lang in texts))


def minutes_per_word(language_field: str) -> Case:
    """SQL: the minutes one word takes in the language held in `language_field`, so
    `Sum(F("word_count") * minutes_per_word("document__language"))` totals exact minutes of
    texts in several languages in one query (round with `whole_minutes`)."""
    return Case(
        *(
            When(**{language_field: code}, then=Value(1 / words_per_minute(code)))
            for code in MEASURED_WORDS_PER_MINUTE
            if code != "en"
        ),
        default=Value(1 / words_per_minute("en")),
        output_field=FloatField(),
    )


@dataclass
class NumberedBlock:
    block: Block
    number: int | None
    # Old anchors of paragraphs merged into this one: the reader keeps them as ids, so
    # `#p-…` links written before the correction still land here.
    aliases: list[str] = field(default_factory=list)
    is_list = False

    @property
    def anchor(self) -> str:
        return self.block.anchor


@dataclass
class ListGroup:
    """Consecutive list items, rendered as one <ol> or <ul>."""

    ordered: bool
    items: list[NumberedBlock] = field(default_factory=list)
    is_list = True

    @property
    def start(self) -> int | None:
        return self.items[0].block.list_number if self.items else None


@dataclass
class Part:
    section: Section | None
    items: list[NumberedBlock | ListGroup] = field(default_factory=list)

    def numbered(self) -> list[NumberedBlock]:
        flat: list[NumberedBlock] = []
        for item in self.items:
            flat.extend(item.items if isinstance(item, ListGroup) else [item])
        return flat


def document_parts(document: Document, blocks=None, sections=None) -> list[Part]:
    """Two queries: all sections, all blocks. Pass preloaded lists to make it zero."""
    if sections is None:
        sections = list(document.sections.all())
    if blocks is None:
        blocks = list(document.blocks.all())
    by_id = {s.pk: s for s in sections}
    parts: list[Part] = []
    current: Part | None = None
    number = 0
    for block in blocks:
        section = by_id.get(block.section_id)
        if current is None or (current.section is not section):
            current = Part(section=section)
            parts.append(current)
        if block.kind == Block.Kind.HEADING:
            current.items.append(NumberedBlock(block, None))
            continue
        number += 1
        numbered = NumberedBlock(block, number)
        if block.kind == Block.Kind.LIST_ITEM:
            ordered = block.list_number is not None
            last = current.items[-1] if current.items else None
            if not (isinstance(last, ListGroup) and last.ordered == ordered):
                last = ListGroup(ordered=ordered)
                current.items.append(last)
            last.items.append(numbered)
        else:
            current.items.append(numbered)
    # Sections with no blocks still belong in the outline.
    present = {id(p.section) for p in parts}
    for section in sections:
        if id(section) not in present:
            parts.append(Part(section=section))
    parts.sort(key=lambda p: p.section.order if p.section else -1)
    return parts


@dataclass
class AssignedRange:
    """The blocks from one anchor to another, as a reading assigns them."""

    anchors: frozenset[str] = frozenset()
    first: NumberedBlock | None = None
    last: NumberedBlock | None = None
    error: str = ""

    def __bool__(self) -> bool:
        return bool(self.anchors)


def assigned_range(
    parts: list[Part], start: str, end: str, aliases: dict[str, str] | None = None
) -> AssignedRange:
    """Resolve `start`..`end` (inclusive) against the document's parts.

    Empty anchors mean no range. An anchor of a paragraph merged into another (`aliases`,
    old anchor -> anchor) names that paragraph. Anchors that are not in the document, or
    an end before the start, give an `error` in plain words and no range.
    """
    start, end = (start or "").strip(), (end or "").strip()
    if aliases:
        start, end = aliases.get(start, start), aliases.get(end, end)
    if not start and not end:
        return AssignedRange()
    flat = [item for part in parts for item in part.numbered()]
    position = {item.anchor: i for i, item in enumerate(flat)}
    if start not in position or (end or start) not in position:
        return AssignedRange(
            error=_(
                "That reading range does not match this text (it may have been corrected "
                "since it was assigned), so the whole text is shown."
            )
        )
    i, j = position[start], position[end or start]
    if j < i:
        return AssignedRange(
            error=_("That reading range ends before it starts, so the whole text is shown.")
        )
    chosen = flat[i : j + 1]
    return AssignedRange(
        anchors=frozenset(item.anchor for item in chosen), first=chosen[0], last=chosen[-1]
    )


def paragraph_numbers(
    pairs: Iterable[tuple[int, str]], *, follow_aliases: bool = True
) -> dict[tuple[int, str], int]:
    """Reader paragraph numbers for (document id, anchor) pairs, in one query (none for
    no pairs): the count of the document's non-heading blocks up to the anchor's block,
    which is how `document_parts` numbers them."""
    pairs = set(pairs)
    if not pairs:
        return {}
    up_to = (
        Block.objects.filter(document_id=OuterRef("document_id"), order__lte=OuterRef("order"))
        .exclude(kind=Block.Kind.HEADING)
        .order_by()
        .values("document_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Block.objects.filter(
            document_id__in={d for d, _ in pairs}, anchor__in={a for _, a in pairs}
        )
        .exclude(kind=Block.Kind.HEADING)
        .annotate(number=Subquery(up_to))
        .values_list("document_id", "anchor", "number")
    )
    numbers = {(d, a): n for d, a, n in rows if (d, a) in pairs}
    missing = pairs - numbers.keys()
    if missing and follow_aliases:
        # Anchors of paragraphs since merged into another: that paragraph's number
        # (three more queries, only when such stale anchors are asked for).
        moved = {pair: now for pair, now in anchors_current(missing).items() if now}
        found = paragraph_numbers({(d, now) for (d, _), now in moved.items()}, follow_aliases=False)
        for (d, anchor), now in moved.items():
            if (d, now) in found:
                numbers[(d, anchor)] = found[(d, now)]
    return numbers


def anchors_current(pairs: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str | None]:
    """For (document id, anchor) pairs: the anchor of the block that holds it now (itself,
    or through its alias the paragraph it was merged into), None when its paragraph was
    removed. Two queries (none for no pairs)."""
    from .models import BlockAlias

    pairs = {(d, a) for d, a in pairs if d and a}
    if not pairs:
        return {}
    documents, anchors = {d for d, _ in pairs}, {a for _, a in pairs}
    present = set(
        Block.objects.filter(document_id__in=documents, anchor__in=anchors).values_list(
            "document_id", "anchor"
        )
    )
    aliases = {
        (d, a): target
        for d, a, target in BlockAlias.objects.filter(
            document_id__in=documents, anchor__in=anchors
        ).values_list("document_id", "anchor", "target_anchor")
    }
    return {pair: pair[1] if pair in present else aliases.get(pair) for pair in pairs}
