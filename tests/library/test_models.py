import datetime

import pytest
from django.core.exceptions import ValidationError

from studygroups.library.models import Block, Document, count_words, reading_minutes_for
from studygroups.library.reading import assigned_range, document_parts
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_replace_text,
)
from tests.factories import make_document


def test_count_words_handles_typographic_punctuation():
    assert count_words("Workers’ councils — “all power” to the self-organized") == 7
    assert count_words("") == 0
    assert count_words("well-known state-of-the-art") == 2


def test_reading_minutes_rounds_up_and_is_zero_only_for_no_words():
    assert reading_minutes_for(0) == 0
    assert reading_minutes_for(1) == 1
    assert reading_minutes_for(230) == 1
    assert reading_minutes_for(231) == 2


@pytest.mark.django_db
def test_document_create_stores_derived_counts_and_anchors():
    doc = make_document(sections=2, paragraphs=3, words_per_paragraph=50)
    assert doc.word_count == sum(b.word_count for b in doc.blocks.all())
    assert doc.word_count == 300
    assert doc.reading_minutes == reading_minutes_for(doc.word_count)
    anchors = list(doc.blocks.values_list("anchor", flat=True))
    assert len(set(anchors)) == 6
    assert all(a.startswith("p-") for a in anchors)
    assert doc.text_hash and len(doc.text_hash) == 64


@pytest.mark.django_db
def test_identical_paragraphs_get_distinct_anchors():
    doc = document_create(
        title="Repeats",
        sections=[SectionInput(heading="", blocks=[BlockInput("Same."), BlockInput("Same.")])],
    )
    assert len(set(doc.blocks.values_list("anchor", flat=True))) == 2


@pytest.mark.django_db
def test_document_without_text_is_refused():
    with pytest.raises(ValidationError):
        document_create(title="Empty", sections=[SectionInput(heading="A", blocks=[])])
    assert not Document.objects.exists()


@pytest.mark.django_db
def test_date_needs_precision():
    with pytest.raises(ValidationError):
        document_create(
            title="Dated",
            published=datetime.date(2019, 4, 18),
            date_precision="",
            sections=[SectionInput(heading="", blocks=[BlockInput("Text.")])],
        )


@pytest.mark.django_db
def test_published_display_respects_precision():
    doc = make_document(published=datetime.date(2003, 1, 1), date_precision="year")
    assert doc.published_display == "2003"
    doc.date_precision = "month"
    assert doc.published_display == "January 2003"
    doc.date_precision = "day"
    assert doc.published_display == "1 January 2003"


@pytest.mark.django_db
def test_replace_text_keeps_anchors_of_unchanged_and_lightly_edited_paragraphs():
    original = [
        BlockInput("The first paragraph stays exactly as it was written."),
        BlockInput("The second paragraph has a typo in teh middle of it."),
        BlockInput("The third paragraph will be removed entirely."),
    ]
    doc = document_create(title="Corrected", sections=[SectionInput("", original)])
    before = dict(doc.blocks.values_list("text", "anchor"))
    change = document_replace_text(
        document=doc,
        sections=[
            SectionInput(
                "",
                [
                    BlockInput("The first paragraph stays exactly as it was written."),
                    BlockInput("The second paragraph has a typo in the middle of it."),
                    BlockInput("A brand new closing paragraph arrives."),
                ],
            )
        ],
    )
    after = dict(doc.blocks.values_list("text", "anchor"))
    assert after[original[0].text] == before[original[0].text]
    assert after["The second paragraph has a typo in the middle of it."] == before[original[1].text]
    assert before[original[2].text] not in after.values()
    assert (change.kept, change.edited, change.added, change.removed) == (1, 1, 1, 1)
    doc.refresh_from_db()
    assert doc.word_count == sum(count_words(t) for t in after)


@pytest.mark.django_db
def test_replace_text_with_same_text_changes_nothing():
    doc = make_document()
    stamp = doc.text_changed_at
    sections = [
        SectionInput(s.heading, [BlockInput(b.text) for b in s.blocks.all()])
        for s in doc.sections.all()
    ]
    change = document_replace_text(document=doc, sections=sections)
    assert not change.changed
    doc.refresh_from_db()
    assert doc.text_changed_at == stamp


@pytest.mark.django_db
def test_parts_number_paragraphs_across_sections_and_group_lists():
    doc = document_create(
        title="Structured",
        sections=[
            SectionInput("", [BlockInput("Opening.")]),
            SectionInput(
                "Steps",
                [
                    BlockInput("Intro."),
                    BlockInput("One.", kind=Block.Kind.LIST_ITEM, list_number=1),
                    BlockInput("Two.", kind=Block.Kind.LIST_ITEM, list_number=2),
                    BlockInput("Quoted.", kind=Block.Kind.QUOTATION),
                ],
            ),
        ],
    )
    parts = document_parts(doc)
    assert [p.section.heading if p.section else None for p in parts] == [None, "Steps"]
    numbers = [item.number for p in parts for item in p.numbered()]
    assert numbers == [1, 2, 3, 4, 5]
    steps = parts[1].items
    assert steps[1].is_list and steps[1].ordered and len(steps[1].items) == 2


@pytest.mark.django_db
def test_assigned_range_validates_anchors():
    doc = make_document(sections=1, paragraphs=4)
    other = make_document(sections=1, paragraphs=1)
    parts = document_parts(doc)
    anchors = [i.anchor for p in parts for i in p.numbered()]
    chosen = assigned_range(parts, anchors[1], anchors[2])
    assert chosen.anchors == {anchors[1], anchors[2]}
    assert (chosen.first.number, chosen.last.number) == (2, 3)
    assert not assigned_range(parts, "", "")
    assert assigned_range(parts, anchors[2], anchors[1]).error
    foreign = other.blocks.first().anchor
    assert assigned_range(parts, foreign, anchors[1]).error
