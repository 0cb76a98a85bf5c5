from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from studygroups.curricula import services
from studygroups.curricula.models import Curriculum, Reading, Unit
from tests.factories import make_curriculum, make_document

pytestmark = pytest.mark.django_db


def test_reading_range_must_be_complete(user, document):
    curriculum = make_curriculum(owner=user, units=1)
    unit = curriculum.units.get()
    with pytest.raises(IntegrityError):
        Reading.objects.create(
            unit=unit, document=document, document_title="x", start_anchor="p-1", end_anchor=""
        )


def test_reader_url_links_to_the_exact_range(user, document):
    unit, other_unit = make_curriculum(owner=user, units=2).units.order_by("order")
    blocks = list(document.blocks.order_by("order"))
    reading = services.reading_add(
        unit=unit, document=document, start_anchor=blocks[1].anchor, end_anchor=blocks[3].anchor
    )
    assert reading.reader_url == (
        f"/library/{document.slug}/?from={blocks[1].anchor}&to={blocks[3].anchor}"
        f"#{blocks[1].anchor}"
    )
    whole = services.reading_add(unit=other_unit, document=document)
    assert whole.reader_url == f"/library/{document.slug}/"
    assert whole.is_whole_document and not reading.is_whole_document


def test_reader_url_empty_when_document_deleted(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(unit=unit, document=document)
    document.delete()
    reading.refresh_from_db()
    assert reading.document is None and reading.reader_url == ""
    assert reading.document_title == "On Reading Together"


def test_text_changed_compares_document_change_to_seen_or_assigned(user, document):
    unit = make_curriculum(owner=user, units=1).units.get()
    reading = services.reading_add(unit=unit, document=document)
    assert not reading.text_changed
    document.text_changed_at = timezone.now() + timedelta(minutes=1)
    assert reading.text_changed
    reading.text_seen_at = None
    reading.assigned_at = document.text_changed_at + timedelta(seconds=1)
    assert not reading.text_changed
    document.text_changed_at = None
    assert not reading.text_changed


def test_unit_totals_by_aggregation(user, django_assert_num_queries):
    long_doc = make_document(words_per_paragraph=100)
    short_doc = make_document(words_per_paragraph=10)
    curriculum = make_curriculum(owner=user, units=2)
    first, second = curriculum.units.order_by("order")
    r1 = services.reading_add(unit=first, document=long_doc)
    r2 = services.reading_add(unit=first, document=short_doc, required=False)
    services.question_add(unit=first, text="Why?")
    with django_assert_num_queries(1):
        units = list(Unit.objects.filter(curriculum=curriculum).with_totals().order_by("order"))
    assert units[0].required_words == r1.word_count == 600
    assert units[0].optional_words == r2.word_count == 60
    assert units[0].question_count == 1
    assert units[1].required_words == 0 and units[1].question_count == 0
    assert units[0].required_minutes == 3 and units[1].required_minutes == 0
    totals = Curriculum.objects.with_totals().get(pk=curriculum.pk)
    assert totals.unit_count == 2 and totals.required_words == 600
    assert totals.optional_words == 60


def test_search_and_published_public(user):
    make_curriculum(owner=user, title="Mutual aid", summary="Kropotkin and after")
    make_curriculum(owner=user, title="Hidden", status=Curriculum.Status.DRAFT)
    make_curriculum(owner=user, title="Closed", visibility=Curriculum.Visibility.PRIVATE)
    public = Curriculum.objects.published_public()
    assert [c.title for c in public] == ["Mutual aid"]
    assert public.search("kropotkin").count() == 1
    assert public.search("mutual kropotkin").count() == 1
    assert public.search("nothing").count() == 0
    assert Curriculum.objects.owned_by(user).count() == 3
