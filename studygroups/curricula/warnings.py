"""What the builder warns about in a unit (pure; uses prefetched readings and annotated
totals)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from studygroups.library.models import reading_minutes_for

from .models import Reading, Unit


@dataclass(frozen=True)
class Warning:
    kind: str
    message: str


def unit_warnings(unit: Unit, target_minutes: int, readings: Iterable[Reading]) -> list[Warning]:
    """Needs `Unit.objects.with_totals()` and the unit's readings with their documents
    (and `range_ends_removed` from `selectors.flag_removed_range_ends`, when set)."""
    warnings: list[Warning] = []
    minutes = reading_minutes_for(unit.required_words)
    if target_minutes and minutes > target_minutes:
        warnings.append(
            Warning(
                "long",
                f"Required reading takes about {minutes} minutes, more than the "
                f"{target_minutes}-minute target.",
            )
        )
    if not unit.question_count:
        warnings.append(Warning("no-questions", "No discussion questions yet."))
    for reading in readings:
        if reading.document_id is None:
            warnings.append(
                Warning("missing", f"“{reading.document_title}” is no longer in the library.")
            )
        elif getattr(reading, "range_ends_removed", ()):
            ends = " and ".join(reading.range_ends_removed)
            warnings.append(
                Warning(
                    "range-removed",
                    f"The {ends} paragraph of the range assigned in “{reading.document_title}” "
                    "was removed when the text was corrected: choose the range again.",
                )
            )
        elif reading.text_changed:
            warnings.append(
                Warning(
                    "changed",
                    f"The text of “{reading.document_title}” changed since it was assigned.",
                )
            )
    return warnings
