"""The series editor, unit editor and syllabus in Spanish; reading time of texts in two
languages; a unit refuses the same paragraphs of a text twice (issue #15)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from studygroups.curricula import selectors, services
from studygroups.curricula.models import Curriculum, Unit
from tests.factories import make_curriculum, make_document
from tests.library.spanish import english_left

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def _anchors(document):
    return list(document.blocks.order_by("order").values_list("anchor", flat=True))


# ---------- no paragraph assigned twice in one unit ----------


@pytest.fixture
def unit(user):
    return make_curriculum(owner=user, units=1).units.get()


def test_the_same_range_twice_is_refused(unit, document):
    a = _anchors(document)
    services.reading_add(unit=unit, document=document, start_anchor=a[1], end_anchor=a[3])
    with pytest.raises(ValidationError) as error:
        services.reading_add(unit=unit, document=document, start_anchor=a[1], end_anchor=a[3])
    assert "exactly these paragraphs" in error.value.messages[0]
    assert "(¶ 2–4)" in error.value.messages[0]
    assert unit.readings.count() == 1


def test_an_overlapping_range_is_refused_and_names_the_assigned_paragraphs(unit, document):
    a = _anchors(document)
    services.reading_add(unit=unit, document=document, start_anchor=a[1], end_anchor=a[3])
    for start, end in [(a[0], a[1]), (a[3], a[5]), (a[2], a[2]), (a[0], a[5])]:
        with pytest.raises(ValidationError) as error:
            services.reading_add(unit=unit, document=document, start_anchor=start, end_anchor=end)
        assert "overlaps paragraphs 2–4" in error.value.messages[0]
    assert unit.readings.count() == 1


def test_whole_text_and_a_part_of_it_are_refused_both_ways(unit, document, user):
    a = _anchors(document)
    services.reading_add(unit=unit, document=document)
    with pytest.raises(ValidationError, match="as the whole text"):
        services.reading_add(unit=unit, document=document)
    with pytest.raises(ValidationError, match="this part of it is assigned already"):
        services.reading_add(unit=unit, document=document, start_anchor=a[0], end_anchor=a[1])
    other = make_curriculum(owner=user, units=1).units.get()
    services.reading_add(unit=other, document=document, start_anchor=a[0], end_anchor=a[1])
    with pytest.raises(ValidationError, match="Part of “On Reading Together” is already"):
        services.reading_add(unit=other, document=document)


def test_ranges_that_do_not_touch_other_texts_and_units_are_accepted(unit, document, user):
    a = _anchors(document)
    services.reading_add(unit=unit, document=document, start_anchor=a[0], end_anchor=a[1])
    services.reading_add(unit=unit, document=document, start_anchor=a[2], end_anchor=a[3])
    services.reading_add(unit=unit, document=make_document())
    second = Unit.objects.create(curriculum=unit.curriculum, title="Second", order=1)
    services.reading_add(unit=second, document=document, start_anchor=a[0], end_anchor=a[1])
    assert unit.readings.count() == 3 and second.readings.count() == 1


def test_the_unit_editor_shows_the_refusal_as_a_form_error(client, user, password, unit, document):
    client.login(email=user.email, password=password)
    a = _anchors(document)
    services.reading_add(unit=unit, document=document, start_anchor=a[1], end_anchor=a[3])
    data = {
        "document": document.pk,
        "extent": "paragraphs",
        "start_paragraph": a[2],
        "end_paragraph": a[4],
        "required": "on",
    }
    url = reverse("curricula:reading_add", args=[unit.curriculum.slug, unit.pk])
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(url, data, **headers, **ES)
        html = response.content.decode()
        assert "se solapa con los párrafos 2–4" in html, headers
        assert unit.readings.count() == 1


# ---------- reading time of a unit whose texts are in two languages ----------


@override_settings(READING_WORDS_PER_MINUTE=230)
def test_unit_and_series_totals_read_each_text_at_its_languages_speed(user):
    curriculum = make_curriculum(owner=user, units=1)
    unit = curriculum.units.get()
    english = make_document(language="en", sections=1, paragraphs=1, words_per_paragraph=230)
    spanish = make_document(language="es", sections=1, paragraphs=1, words_per_paragraph=230)
    services.reading_add(unit=unit, document=english)
    services.reading_add(unit=unit, document=spanish)
    # 1 minute of English and a little more than 1 of Spanish: 3 minutes, not 2 (460 / 230).
    annotated = Unit.objects.with_totals().get(pk=unit.pk)
    assert annotated.required_words == 460 and annotated.required_minutes == 3
    series = Curriculum.objects.with_totals().get(pk=curriculum.pk)
    assert series.required_minutes == 3
    editor = selectors.unit_editor(Unit.objects.get(pk=unit.pk))
    assert editor["unit"].required_minutes == 3
    readings = editor["readings"]
    assert [r.minutes for r in readings] == [1, 2]
    page = selectors.unit_page(user, Unit.objects.get(pk=unit.pk))
    assert page["required_minutes"] == 3


# ---------- the builder pages in Spanish ----------


@pytest.fixture
def es_series(user):
    curriculum = make_curriculum(owner=user, title="Leer juntos", units=2)
    first, _ = curriculum.units.order_by("order")
    english = make_document(title="On Reading Together", language="en")
    spanish = make_document(title="Sobre leer en compañía", language="es")
    a = _anchors(english)
    services.reading_add(unit=first, document=english, start_anchor=a[0], end_anchor=a[2])
    services.reading_add(unit=first, document=spanish, required=False)
    services.question_add(unit=first, text="¿Qué afirma el párrafo 2?")
    return curriculum


@pytest.fixture
def owner_client(client, user, password):
    client.login(email=user.email, password=password)
    return client


def test_series_editor_in_spanish(owner_client, es_series, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        html = owner_client.get(
            reverse("curricula:edit", args=[es_series.slug]), **ES
        ).content.decode()
    assert english_left(html) == []
    assert "Unidades" in html and "Ajustes" in html and "Añadir unidad" in html
    # Plurals and whole sentences: one reading vs two, no required reading.
    assert "2 unidades" in html and "2 lecturas" in html and "0 preguntas" in html
    assert "Sin lectura obligatoria" in html and "of reading" not in html
    assert "min en total" in html


def test_unit_editor_in_spanish(owner_client, es_series):
    unit = es_series.units.order_by("order").first()
    html = owner_client.get(reverse("curricula:unit_edit", args=[es_series.slug, unit.pk]), **ES)
    html = html.content.decode()
    assert english_left(html) == []
    assert "Lecturas" in html and "Preguntas para el debate" in html
    assert "palabras obligatorias; objetivo: 60 min" in html
    # The English title carries its language in a Spanish interface; the Spanish one not.
    assert re.search(r'lang="en">On Reading Together</a>', html)
    assert re.search(r'">Sobre leer en compañía</a>', html)
    assert not re.search(r'lang="es">Sobre leer en compañía', html)


def test_syllabus_and_unit_page_in_spanish(client, es_series):
    es_series.status = Curriculum.Status.PUBLISHED
    es_series.save()
    html = client.get(es_series.get_absolute_url(), **ES).content.decode()
    assert english_left(html) == []
    assert "Unidad 1" in html and "1 pregunta" in html and "Texto completo" in html
    unit = es_series.units.order_by("order").first()
    html = client.get(unit.get_absolute_url(), **ES).content.decode()
    assert english_left(html) == []
    assert "Unidad 1 de 2" in html
    packet = client.get(
        reverse("curricula:packet", args=[es_series.slug, unit.pk]), **ES
    ).content.decode()
    assert english_left(packet) == [] and '<html lang="es"' in packet
    assert '<div class="reader__body packet__body" lang="en"' in packet


def test_series_list_in_spanish(client, es_series):
    es_series.status = Curriculum.Status.PUBLISHED
    es_series.save()
    html = client.get(reverse("curricula:list"), **ES).content.decode()
    assert english_left(html) == []
    assert "1 serie de lecturas." in html and "2 unidades" in html
    html = client.get(reverse("curricula:list") + "?q=nada-coincide", **ES).content.decode()
    assert "0 series de lecturas coinciden con «nada-coincide»." in html
