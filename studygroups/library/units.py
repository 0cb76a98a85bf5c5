"""Proposed reading units: a default split of a document into readings of at most a
target reading time (25 minutes at 230 words per minute by default).

Units are cut at section boundaries where possible; a section longer than a unit is cut
between paragraphs, never inside one. A single paragraph longer than a unit is a unit by
itself. Units are computed from the document's current blocks, so they always carry
live anchors.

The one unit-proposal algorithm: `propose_units` is a pure function on plain dataclasses
(the importer may call it on what it read); `proposed_units_for` feeds it a stored
document's blocks, for the series editor and the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

DEFAULT_MINUTES = 25
DEFAULT_WPM = 230


@dataclass(frozen=True)
class UnitBlock:
    anchor: str
    words: int
    section: str  # heading of the block's section; "" for the opening part


@dataclass(frozen=True)
class ProposedUnitData:
    title: str
    first_anchor: str
    last_anchor: str
    words: int
    words_per_minute: int = DEFAULT_WPM

    @property
    def minutes(self) -> int:
        return max(1, -(-self.words // self.words_per_minute)) if self.words else 0


def propose_units(
    blocks: list[UnitBlock],
    *,
    document_title: str = "",
    minutes: int = DEFAULT_MINUTES,
    words_per_minute: int = DEFAULT_WPM,
) -> list[ProposedUnitData]:
    limit = max(1, minutes * words_per_minute)
    # Group blocks by section, in order.
    sections: list[tuple[str, list[UnitBlock]]] = []
    for block in blocks:
        if sections and sections[-1][0] == block.section:
            sections[-1][1].append(block)
        else:
            sections.append((block.section, [block]))
    # Pieces: whole sections when they fit, else runs of paragraphs.
    pieces: list[tuple[str, list[UnitBlock]]] = []
    for heading, items in sections:
        total = sum(b.words for b in items)
        if total <= limit:
            pieces.append((heading, items))
            continue
        run: list[UnitBlock] = []
        for b in items:
            if run and sum(x.words for x in run) + b.words > limit:
                pieces.append((heading, run))
                run = []
            run.append(b)
        if run:
            pieces.append((heading, run))
    # Units: consecutive pieces while they fit.
    units: list[tuple[list[str], list[UnitBlock]]] = []
    for heading, items in pieces:
        words = sum(b.words for b in items)
        if units and sum(b.words for b in units[-1][1]) + words <= limit:
            if heading not in units[-1][0]:
                units[-1][0].append(heading)
            units[-1][1].extend(items)
        else:
            units.append(([heading], list(items)))
    result = []
    for n, (headings, items) in enumerate(units, start=1):
        named = [h for h in headings if h]
        if named:
            title = named[0] if len(named) == 1 else f"{named[0]} – {named[-1]}"
        else:
            title = document_title or _("Reading")
        if len(units) > 1 and not named:
            title = _("%(title)s (part %(number)d)") % {"title": title, "number": n}
        result.append(
            ProposedUnitData(
                title=title[:300],
                first_anchor=items[0].anchor,
                last_anchor=items[-1].anchor,
                words=sum(b.words for b in items),
                words_per_minute=words_per_minute,
            )
        )
    return result


def words_per_minute(language: str | None = None) -> int:
    """The reading speed the proposals use for a text in `language` (the library's one
    table, `reading.words_per_minute`)."""
    from .reading import words_per_minute as for_language

    return for_language(language)


def proposed_units_for(document, *, minutes: int = DEFAULT_MINUTES) -> list[ProposedUnitData]:
    """Proposed reading units of a library document (one query); [] for a text without
    blocks."""
    rows = document.blocks.order_by("order").values_list("anchor", "word_count", "section__heading")
    blocks = [UnitBlock(anchor, words, heading or "") for anchor, words, heading in rows]
    return propose_units(
        blocks,
        document_title=document.title,
        minutes=minutes,
        words_per_minute=words_per_minute(document.language),
    )
