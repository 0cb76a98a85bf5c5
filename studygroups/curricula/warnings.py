"""What the builder warns about in a unit (pure; uses prefetched readings and annotated
totals)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Reading, Unit


@dataclass(frozen=True)
class Warning:
    kind: str
    message: str


def unit_warnings(unit: Unit, target_minutes: int, readings: Iterable[Reading]) -> list[Warning]:
    """Needs `Unit.objects.with_totals()` (or `selectors.unit_editor`'s totals) and the
    unit's readings with their documents (and `range_ends_removed` from
    `selectors.flag_removed_range_ends`, when set)."""
    warnings: list[Warning] = []
    minutes = unit.required_minutes
    if target_minutes and minutes > target_minutes:
        warnings.append(
            Warning(
                "long",
                ngettext(
                    "Required reading takes about %(minutes)d minute, more than the "
                    "target of %(target)d minutes.",
                    "Required reading takes about %(minutes)d minutes, more than the "
                    "target of %(target)d minutes.",
                    minutes,
                )
                % {"minutes": minutes, "target": target_minutes},
            )
        )
    if not unit.question_count:
        warnings.append(Warning("no-questions", _("No discussion questions yet.")))
    for reading in readings:
        if reading.document_id is None:
            warnings.append(
                Warning(
                    "missing",
                    _("“%(title)s” is no longer in the library.")
                    % {"title": reading.document_title},
                )
            )
        elif getattr(reading, "range_ends_removed", ()):
            warnings.append(
                Warning(
                    "range-removed",
                    _range_removed_text(reading.range_ends_removed)
                    % {"title": reading.document_title},
                )
            )
        elif reading.text_changed:
            warnings.append(
                Warning(
                    "changed",
                    _("The text of “%(title)s” changed since it was assigned.")
                    % {"title": reading.document_title},
                )
            )
    return warnings


def _range_removed_text(ends) -> str:
    if list(ends) == ["first"]:
        return _(
            "The first paragraph of the range assigned in “%(title)s” was removed when the "
            "text was corrected: choose the range again."
        )
    if list(ends) == ["last"]:
        return _(
            "The last paragraph of the range assigned in “%(title)s” was removed when the "
            "text was corrected: choose the range again."
        )
    return _(
        "The first and the last paragraph of the range assigned in “%(title)s” were removed "
        "when the text was corrected: choose the range again."
    )
