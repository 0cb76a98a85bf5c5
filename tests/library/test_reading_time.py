"""The stored reading time (`Document.reading_minutes`) is at the speed of the text's
language, wherever it is written, and "Shortest read first" sorts by it."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from studygroups.library.models import Author, Document
from studygroups.library.reading import reading_minutes, words_per_minute
from studygroups.library.services import (
    BlockInput,
    SectionInput,
    document_create,
    document_recount,
    document_replace_text,
)

pytestmark = pytest.mark.django_db


def words(n: int, stem: str) -> list[SectionInput]:
    return [SectionInput("", [BlockInput(" ".join(f"{stem}{i}" for i in range(n)))])]


def spanish_and_english():
    """Two texts that English speed would call equally long: the Spanish one is slower
    to read at Spanish speed, and its title sorts first."""
    en, es = words_per_minute("en"), words_per_minute("es")
    assert es < en  # 230 and 220 words a minute by default
    english = document_create(title="B English", sections=words(2 * en, "w"), language="en")
    # More words than two minutes at Spanish speed, not more than two at English speed.
    n = 2 * es + 1
    assert -(-n // en) == 2 and -(-n // es) == 3
    spanish = document_create(title="A Español", sections=words(n, "p"), language="es")
    return english, spanish


def test_a_created_document_stores_its_languages_reading_time():
    english, spanish = spanish_and_english()
    assert english.reading_minutes == 2
    assert spanish.reading_minutes == 3 == spanish.reading_time
    assert Document.objects.get(pk=spanish.pk).reading_minutes == 3


def test_shortest_read_first_orders_by_real_reading_time(client):
    english, spanish = spanish_and_english()
    html = client.get(reverse("library:list"), {"sort": "shortest"}).content.decode()
    assert html.index(english.title) < html.index(spanish.title)
    ordered = Document.objects.order_by("reading_minutes", "title")
    assert list(ordered) == [english, spanish]


def test_replacing_the_text_recounting_and_changing_the_language_keep_it_right():
    _english, spanish = spanish_and_english()
    es = words_per_minute("es")
    document_replace_text(document=spanish, sections=words(4 * es + 1, "q"))
    assert Document.objects.get(pk=spanish.pk).reading_minutes == 5
    Document.objects.filter(pk=spanish.pk).update(reading_minutes=0)
    document_recount(document=spanish)
    assert Document.objects.get(pk=spanish.pk).reading_minutes == 5
    spanish.language = "en"
    spanish.save(update_fields=["language"])
    assert Document.objects.get(pk=spanish.pk).reading_minutes == reading_minutes(
        spanish.word_count, "en"
    )


def test_the_data_migration_recomputes_stored_times(monkeypatch):
    english, spanish = spanish_and_english()
    Document.objects.update(reading_minutes=99)
    migration = importlib.import_module(
        "studygroups.library.migrations.0006_reading_minutes_per_language"
    )
    monkeypatch.setattr(migration, "BATCH", 1)  # several batches
    migration.recompute(apps, None)
    assert dict(Document.objects.values_list("title", "reading_minutes")) == {
        english.title: 2,
        spanish.title: 3,
    }


def test_the_name_key_migration_fills_existing_authors(monkeypatch):
    Author.objects.bulk_create(
        [Author(name="Pyotr Kropotkin", slug="a"), Author(name="Lev Tolstoy", slug="b")]
    )
    migration = importlib.import_module("studygroups.library.migrations.0005_author_name_key")
    monkeypatch.setattr(migration, "BATCH", 1)
    migration.fill_name_keys(apps, None)
    assert sorted(Author.objects.values_list("name_key", flat=True)) == [
        "leo|tolstoi",
        "peter|kropotkin",
    ]
