"""Library writes: unique slugs, authors found whatever the case, documents in bulk."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studygroups.library.models import Author, Block, Document
from studygroups.library.services import (
    BlockInput,
    NewDocument,
    SectionInput,
    SourceInput,
    authors_get_or_create,
    documents_create,
    unique_slug,
    unique_slugs,
)

pytestmark = pytest.mark.django_db


def new(title, *texts, authors=(), heading=""):
    blocks = [BlockInput(t) for t in texts or ["Some words of text."]]
    return NewDocument(
        title=title,
        sections=[SectionInput(heading, blocks)],
        authors=authors,
        source=SourceInput(file_name=f"{title}.txt", sha256="0" * 64),
    )


def test_slugs_are_unique_among_the_table_and_each_other():
    Author.objects.bulk_create(
        [Author(name="Ada", slug="ada")] + [Author(name="Ada", slug=f"ada-{n}") for n in (2, 3)]
    )
    assert unique_slugs(Author, ["Ada", "ADA", "Bea", "Ada!"]) == ["ada-4", "ada-5", "bea", "ada-6"]
    assert unique_slug(Author, "") == "untitled"


def test_slugs_beyond_the_first_candidates_are_found_by_prefix():
    Author.objects.bulk_create(
        [Author(name="Ada", slug="ada")]
        + [Author(name="Ada", slug=f"ada-{n}") for n in range(2, 14)]
    )
    assert unique_slug(Author, "Ada") == "ada-14"
    # The record being renamed does not collide with itself.
    own = Author.objects.get(slug="ada-13")
    assert unique_slug(Author, "Ada", exclude_pk=own.pk) == "ada-13"


def test_authors_are_found_whatever_the_case_and_created_once():
    existing = Author.objects.create(name="Rosa Luxemburg", slug="rosa-luxemburg")
    (first, second), (third,), () = authors_get_or_create(
        [["rosa  luxemburg", "Clara Zetkin"], ["CLARA ZETKIN"], ["  "]]
    )
    assert first == existing
    assert second == third and second.name == "Clara Zetkin"
    assert Author.objects.count() == 2


def test_a_batch_matches_names_as_separate_calls_would():
    """One folding (the database's UPPER) decides, in the table and within a batch:
    SQLite folds only ASCII, so there "Émile" and "émile" are two people either way;
    PostgreSQL folds both, so there they are one either way."""
    (first,), (second,) = authors_get_or_create([["Émile Zola"], ["émile zola"]])
    (third,), (fourth,) = authors_get_or_create([["Ève Curie"]]) + authors_get_or_create(
        [["ève curie"]]
    )
    assert (first == second) == (third == fourth)


def test_documents_are_created_in_order_with_their_text_authors_and_source():
    made = documents_create(
        [
            new("Same title", "One.", "Two.", authors=["A. Writer"]),
            new("Same title", "Three.", authors=["a. writer", "B. Writer"], heading="Part"),
        ]
    )
    assert [d.slug for d in made] == ["same-title", "same-title-2"]
    first, second = (Document.objects.get(pk=d.pk) for d in made)
    assert [b.text for b in first.blocks.order_by("order")] == ["One.", "Two."]
    assert [b.order for b in second.blocks.order_by("order")] == [0]
    assert second.sections.get().heading == "Part"
    assert Block.objects.get(document=second).section == second.sections.get()
    assert [a.name for a in second.ordered_authors] == ["A. Writer", "B. Writer"]
    assert first.sources.get().file_name == "Same title.txt"
    assert (first.word_count, second.word_count) == (2, 1)


def test_one_empty_document_writes_nothing():
    with pytest.raises(ValidationError):
        documents_create([new("Fine", "Text."), new("Empty", " ")])
    assert not Document.objects.exists()


def test_queries_do_not_grow_with_the_documents():
    def queries(n, offset):
        with CaptureQueriesContext(connection) as captured:
            documents_create(
                [new(f"Doc {offset + k}", "Text.", authors=[f"W {offset + k}"]) for k in range(n)]
            )
        return len(captured)

    assert queries(30, 0) == queries(3, 100)


def test_forms_of_one_persons_name_are_one_author():
    """Transliterations, translations, catalogue order and titles of one name resolve to
    the author first stored, in the table and within a batch; namesakes do not."""
    stored = Author.objects.create(name="Peter Kropotkin", slug="peter-kropotkin")
    (a, b), (c,), (d,) = authors_get_or_create(
        [["Pyotr Kropotkin", "Lev Tolstoy"], ["Kropotkin, Peter"], ["Leo Tolstoy"]]
    )
    assert a == c == stored and a.name == "Peter Kropotkin"
    assert b == d and b.name == "Lev Tolstoy"
    (brother,), (other_tolstoy,) = authors_get_or_create(
        [["Alexander Kropotkin"], ["Alexei Tolstoy"]]
    )
    assert brother != stored and other_tolstoy != b
    assert Author.objects.count() == 4
    assert Author.objects.get(pk=b.pk).name_key == "leo|tolstoi"


def test_authors_written_without_save_are_still_found_by_name():
    """A bulk load (the demo data) writes authors without their key: they are still found
    by their name, ignoring case, and not created again."""
    Author.objects.bulk_create([Author(name="Clara Zetkin", slug="clara-zetkin")])
    (found,) = authors_get_or_create([["CLARA ZETKIN"]])[0]
    assert found.slug == "clara-zetkin" and Author.objects.count() == 1


def test_renaming_an_author_updates_the_key():
    author = Author.objects.create(name="Mikhail Bakunin", slug="bakunin")
    author.name = "Emma Goldman"
    author.save(update_fields=["name"])
    assert Author.objects.get(pk=author.pk).name_key == "ema|goldman"
