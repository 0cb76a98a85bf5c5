"""Reading ranges and questions follow merged paragraphs; removed range ends are flagged
(issue 12)."""

import pytest

from studygroups.curricula import services
from studygroups.curricula.models import DiscussionQuestion, Unit
from studygroups.curricula.ranges import questions_tie, reading_paragraphs
from studygroups.curricula.selectors import flag_removed_range_ends
from studygroups.curricula.warnings import unit_warnings
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_replace_text,
)
from tests.factories import make_curriculum

pytestmark = pytest.mark.django_db

A = "The first paragraph talks about the weather in the valley for a while."
B = "The second paragraph is about the river that runs through the old town."
C = "The third paragraph describes the market square and its Saturday crowds."
D = "The fourth paragraph ends the walk at the church on the hill above it all."


def _setup(user):
    document = document_create(
        title="A walk", sections=[SectionInput("", [BlockInput(t) for t in (A, B, C, D)])]
    )
    anchors = dict(document.blocks.values_list("text", "anchor"))
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(
        unit=unit, document=document, start_anchor=anchors[B], end_anchor=anchors[C]
    )
    return document, anchors, unit, reading


def _replace(document, *texts):
    document_replace_text(
        document=document, sections=[SectionInput("", [BlockInput(t) for t in texts])]
    )


def test_range_ending_on_a_merged_paragraph_still_resolves(user):
    document, anchors, unit, reading = _setup(user)
    question = DiscussionQuestion.objects.create(
        unit=unit, reading=reading, text="Why the square?", anchor=anchors[C]
    )
    _replace(document, A, B + " " + C, D)
    reading.refresh_from_db()
    paragraphs = reading_paragraphs([reading])[reading.pk]
    assert [p.anchor for p in paragraphs] == [anchors[B]]  # not the whole text
    questions_tie([question], [reading])
    assert question.paragraph_number == 2
    flag_removed_range_ends([reading])
    assert reading.range_ends_removed == []


def test_range_whose_first_paragraph_was_removed_is_flagged(user):
    document, anchors, unit, reading = _setup(user)
    _replace(document, A, "Something else entirely, nothing to do with any river or town.", C, D)
    reading.refresh_from_db()
    flag_removed_range_ends([reading])
    assert reading.range_ends_removed == ["first"]
    warnings = unit_warnings(Unit.objects.with_totals().get(pk=unit.pk), 60, [reading])
    assert "range-removed" in {w.kind for w in warnings}
    message = next(w.message for w in warnings if w.kind == "range-removed")
    assert "first paragraph" in message and "choose the range again" in message
