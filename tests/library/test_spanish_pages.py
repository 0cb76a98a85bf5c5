"""The library list, the reader and the search page in Spanish: no English interface text,
`lang` on the text and not on the interface around it, plurals, reading time per language."""

import re

import pytest
from django.test import override_settings
from django.utils import translation

from studygroups.library.models import Document
from studygroups.library.reading import (
    reading_minutes,
    reading_minutes_total,
    words_per_minute,
)
from tests.factories import make_document
from tests.library.spanish import english_fragments, english_left

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}


def test_the_check_knows_the_english_it_looks_for():
    fragments = english_fragments()
    assert "Search in this text" in fragments and "Go to the start of the reading" in fragments
    assert english_left("<main><p>Go to the start of the reading</p></main>")
    assert not english_left("<main><p>Ir al inicio de la lectura</p></main>")


# ---------- reading time follows the text's language ----------


@override_settings(READING_WORDS_PER_MINUTE=230)
def test_spanish_reads_slower_than_english_per_word():
    assert words_per_minute("en") == 230 and words_per_minute(None) == 230
    assert words_per_minute("es") < 230 and words_per_minute("ES-mx") == words_per_minute("es")
    assert words_per_minute("xx") == 230  # unknown languages read at the site's speed
    assert reading_minutes(230, "en") == 1
    assert reading_minutes(230, "es") == 2
    assert reading_minutes(0, "es") == 0 and reading_minutes(1, "es") == 1


@override_settings(READING_WORDS_PER_MINUTE=230)
def test_a_total_of_texts_in_two_languages_rounds_once():
    # 115 English words (half a minute) + 110 Spanish words (about half a minute).
    assert reading_minutes_total([(115, "en"), (110, "es")]) == 1
    assert reading_minutes_total([(230, "en"), (230, "es")]) == 3
    assert reading_minutes_total([]) == 0


@pytest.mark.django_db
def test_a_document_reports_its_reading_time_in_its_own_language():
    english = make_document(title="Plain words", language="en", sections=1, paragraphs=6)
    spanish = make_document(title="Palabras llanas", language="es", sections=1, paragraphs=6)
    assert english.word_count == spanish.word_count == 240
    assert english.reading_time == 2 and spanish.reading_time == 2
    long_en = make_document(language="en", sections=1, paragraphs=1, words_per_paragraph=460)
    long_es = make_document(language="es", sections=1, paragraphs=1, words_per_paragraph=460)
    assert long_en.reading_time == 2 and long_es.reading_time == 3


# ---------- pages in Spanish ----------


@pytest.fixture
def two_languages(db):
    english = make_document(title="On Reading Together", language="en")
    spanish = make_document(title="Sobre leer en compañía", language="es")
    return english, spanish


def _title_tag(page: str, title: str) -> str:
    match = re.search(r"<a [^>]*>" + re.escape(title) + "</a>", page)
    assert match, title
    return match.group(0)


def test_library_in_spanish(client, two_languages, django_assert_max_num_queries):
    english, spanish = two_languages
    with django_assert_max_num_queries(8):
        page = client.get("/library/", **ES).content.decode()
    assert english_left(page) == []
    assert "Biblioteca" in page and "2 textos." in page and "Cualquier idioma" in page
    # Titles in another language than the interface's carry theirs; the others inherit it.
    assert 'lang="en"' in _title_tag(page, english.title)
    assert "lang=" not in _title_tag(page, spanish.title)
    # The language filter names languages in Spanish.
    assert ">inglés<" in page.lower() and ">español<" in page.lower()


def test_library_plural_and_singular(client, two_languages):
    page = client.get("/library/?language=es", **ES).content.decode()
    assert "1 texto coincide con tu búsqueda." in page
    page = client.get("/library/", **ES).content.decode()
    assert "2 textos." in page
    english = client.get("/library/?language=es").content.decode()
    assert "1 document matches your search." in english


def test_reader_in_spanish_keeps_the_text_in_english(client, two_languages):
    english, _ = two_languages
    blocks = list(english.blocks.order_by("order"))
    url = f"{english.get_absolute_url()}?from={blocks[0].anchor}&to={blocks[1].anchor}"
    page = client.get(url, **ES).content.decode()
    assert english_left(page) == []
    assert "Índice" in page and "Buscar en este texto" in page and "Lectura asignada" in page
    # The text's title, contents, body carry its language; the interface does not.
    assert re.search(r'<h1 lang="en" dir="ltr">On Reading Together</h1>', page)
    assert re.search(r'<div class="reader__body" lang="en" dir="ltr"', page)
    assert re.search(r'<ol lang="en" dir="ltr">\s*<li class="toc-level', page)
    article = re.search(r"<article[^>]*>", page).group(0)
    assert "lang=" not in article
    # What the interface adds inside the text speaks Spanish again.
    assert 'lang="es"><span class="block__number">1</span>' in page
    assert re.search(r'class="reader__range-end" role="note" lang="es">Fin de la lectura', page)
    assert "In English" not in page and "En inglés" in page


def test_reader_of_a_spanish_text_in_english(client, two_languages):
    _, spanish = two_languages
    page = client.get(spanish.get_absolute_url()).content.decode()
    assert '<h1 lang="es" dir="ltr">Sobre leer en compañía</h1>' in page
    assert "In Spanish" in page and "Contents" in page


def test_reader_sets_rtl_for_a_right_to_left_text(client, db):
    arabic = make_document(title="عن القراءة", language="ar", sections=1)
    page = client.get(arabic.get_absolute_url(), **ES).content.decode()
    assert '<div class="reader__body" lang="ar" dir="rtl"' in page


def test_in_document_search_in_spanish(client, two_languages):
    english, _ = two_languages
    word = english.blocks.order_by("order").first().text.split()[-1]
    page = client.get(f"/search/document/{english.slug}/?q={word}", **ES)
    if page.status_code == 404:  # the in-document search URL is named, not fixed
        from django.urls import reverse

        page = client.get(reverse("search:document", args=[english.slug]) + f"?q={word}", **ES)
    html = page.content.decode()
    assert english_left(html) == []
    assert "1 párrafo coincide con" in html
    assert re.search(r'<ol class="document-search__list" role="list" lang="en"', html)


def test_search_page_in_spanish(client, two_languages):
    english, spanish = two_languages
    html = client.get("/search/?q=section", **ES).content.decode()
    assert english_left(html) == []
    assert "Buscar" in html and "Filtros" in html
    # An English title among Spanish results carries its language.
    assert 'lang="en"' in html
    empty = client.get("/search/", **ES).content.decode()
    assert english_left(empty) == [] and "Escribe una o dos palabras" in empty


def test_publication_dates_use_the_interface_language(db):
    from datetime import date

    document = make_document(published=date(1921, 3, 5), date_precision="month")
    with translation.override("es"):
        assert document.published_display == "marzo de 1921"
    with translation.override("en"):
        assert document.published_display == "March 1921"
    Document.objects.filter(pk=document.pk).update(date_precision="day")
    document.refresh_from_db()
    with translation.override("es"):
        assert document.published_display == "5 de marzo de 1921"
    with translation.override("en"):
        assert document.published_display == "5 March 1921"
