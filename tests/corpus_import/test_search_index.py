"""A bulk import indexes its paragraphs for search in one statement per file (the
per-row trigger is off meanwhile): the index must come out exactly as the triggers
would have left it, on SQLite and PostgreSQL, and a failed file must leave nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from corpus_import.data import FileInput
from corpus_import.load import import_inputs
from studygroups.library import services
from studygroups.library.models import Block, Document
from studygroups.library.services import BlockInput, SectionInput, document_create
from studygroups.search import schema
from studygroups.search.selectors import search

pytestmark = pytest.mark.django_db
anonymous = AnonymousUser()


def article(word: str, n: int = 6) -> bytes:
    paragraphs = [
        f"Paragraph {i} tells how the {word} committee met on the stairs of building {i}, "
        "wrote its demands on one sheet of paper and carried it to the office together."
        for i in range(n)
    ]
    return ("A Study of Stairwell Meetings\n\n" + "\n\n".join(paragraphs)).encode()


def feed(word: str, items: int = 3) -> bytes:
    entries = "".join(
        f"<item><title>Entry {i} on {word}s</title><link>https://example.org/{i}</link>"
        f"<description>&lt;p&gt;The {word} entry number {i} says something long enough "
        f"to be kept as a paragraph of its own by the importer.&lt;/p&gt;</description>"
        f"</item>"
        for i in range(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Notes</title>'
        f"<link>https://example.org/</link>{entries}</channel></rss>"
    ).encode()


def found(word: str) -> int:
    return search(user=anonymous, text=word).document_count


def test_imported_text_is_found_and_the_index_is_exact():
    before = document_create(
        title="Older text",
        sections=[SectionInput(heading="", blocks=[BlockInput("A quarrelsome older text.")])],
    )
    report = import_inputs(
        [
            FileInput("stairs.txt", article("zanthoxylum")),
            FileInput("notes.xml", feed("quillwort")),
        ]
    )
    assert report.ok and report.totals["created"] >= 4
    assert found("zanthoxylum") == 1
    assert found("quillwort") == 3
    assert found("quarrelsome") == 1
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()
    # The trigger is back: a later single write is indexed as before, and so are
    # edits and deletions of the imported paragraphs.
    document_create(
        title="Later text",
        sections=[SectionInput(heading="", blocks=[BlockInput("A xerophytic later text.")])],
    )
    assert found("xerophytic") == 1
    block = Block.objects.filter(text__contains="zanthoxylum").first()
    Block.objects.filter(pk=block.pk).update(text="Now about hornbeams instead.")
    assert found("hornbeams") == 1
    before.delete()
    assert found("quarrelsome") == 0
    assert schema.block_index_mismatches(connection) == 0


def test_a_failed_file_leaves_tables_and_index_unchanged(monkeypatch):
    import_inputs([FileInput("first.txt", article("marrowfat"))])
    documents, blocks = Document.objects.count(), Block.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    # Fails after the blocks were inserted, inside the file's transaction.
    monkeypatch.setattr(services.DocumentSource.objects, "bulk_create", broken)
    other = "\n\n".join(
        f"Letter {i}: the gallimaufry of harbour tolls in year {1850 + i} ruined every "
        f"fisher family north of the river, wrote the clerk in his ledger number {i * 7}."
        for i in range(8)
    )
    report = import_inputs([FileInput("second.txt", f"Harbour Tolls\n\n{other}".encode())])
    assert not report.ok
    assert "nothing was written" in report.report["files"][0]["errors"][0]
    assert (Document.objects.count(), Block.objects.count()) == (documents, blocks)
    assert found("gallimaufry") == 0
    assert found("marrowfat") == 1
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()


def test_mismatch_check_sees_a_stale_index():
    """The consistency check itself can fail: a block written with the trigger off and
    never indexed is reported."""
    indexed = document_create(
        title="Indexed", sections=[SectionInput(heading="", blocks=[BlockInput("Some text.")])]
    )
    assert schema.block_index_mismatches(connection) == 0
    ids: list[int] = []
    with pytest.raises(RuntimeError), schema.blocks_indexed_in_bulk(connection, ids):
        # Rolled back: the trigger comes back even though the body failed.
        raise RuntimeError("boom")
    assert schema.missing_triggers(connection) == set()
    with schema.blocks_indexed_in_bulk(connection, ids):
        document = document_create(  # its own blocks are indexed by documents_create
            title="Other",
            sections=[SectionInput(heading="", blocks=[BlockInput("Unindexed words.")])],
        )
        # A block of a document not listed in `ids`: left out of the index.
        stray = Block.objects.create(document=indexed, order=9, text="Stray.")
    # The nested call's document was indexed by the outer one; the stray block was not.
    assert found("unindexed") == 1
    assert schema.block_index_mismatches(connection) > 0
    stray.delete()
    assert document.blocks.count() == 1
