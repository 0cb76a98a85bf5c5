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


# -- groups of files (files read ahead are saved a group per transaction) ----------------


def letters(word: str, n: int = 8) -> bytes:
    """A text of its own for each word (no near-duplicate of another word's)."""
    import random

    rng = random.Random(word)
    vocabulary = ["harbour", "tolls", "fisher", "river", "clerk", "ledger", "family", "north"]
    text = "\n\n".join(
        f"Letter {i} on the {word}: "
        + " ".join(f"{rng.choice(vocabulary)}{rng.randint(1, 999)}" for _ in range(25))
        + "."
        for i in range(n)
    )
    return f"Harbour Tolls\n\n{text}".encode()


@pytest.fixture
def grouped(monkeypatch):
    """Every file read ahead (so saved in groups), a group of about three small files."""
    from corpus_import import load

    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 0)
    monkeypatch.setattr(load, "GROUP_BYTES", 5000)
    monkeypatch.setattr(load, "GROUP_SECONDS", 3600)
    return load


WORDS = ["zanthoxylum", "quillwort", "marrowfat", "gallimaufry", "hornbeam", "xerophyte"]


def test_grouped_files_are_found_and_the_index_is_exact(grouped):
    before = document_create(
        title="Older text",
        sections=[SectionInput(heading="", blocks=[BlockInput("A quarrelsome older text.")])],
    )
    inputs = [FileInput(f"{w}.txt", letters(w)) for w in WORDS[:3]]
    inputs += [FileInput("feed.xml", feed(WORDS[3]))]
    inputs += [FileInput(f"{w}.txt", letters(w)) for w in WORDS[4:]]
    report = grouped.import_inputs(inputs)
    assert report.ok and report.totals["created"] == 5 + 3
    for word in WORDS:
        assert found(word) == (3 if word == WORDS[3] else 1), word
    assert found("quarrelsome") == 1
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()
    # Not left inside a run: a later write is indexed by the trigger as before.
    assert not getattr(connection, "_search_block_run", False)
    later = Block.objects.create(document=before, order=5, text="A lycopodium later.")
    assert found("lycopodium") == 1
    later.delete()
    assert schema.block_index_mismatches(connection) == 0


def test_a_file_replacing_a_text_of_its_own_group(grouped):
    """The second "notes.txt" is a new version of the first, saved in the same group
    (before the group's paragraphs are indexed): the old paragraphs leave the index,
    the new ones enter it, and the group's other files stay searchable."""
    inputs = [
        FileInput("other.txt", letters("zanthoxylum")),
        FileInput("notes.txt", letters("marrowfat")),
        FileInput(
            "notes.txt", letters("marrowfat").replace(b"Letter 3 on", b"Letter 3 hornbeam on")
        ),
    ]
    report = grouped.import_inputs(inputs)
    statuses = [d["status"] for f in report.report["files"] for d in f["documents"]]
    assert report.ok and statuses == ["created", "created", "updated"]
    assert found("hornbeam") == 1 and found("marrowfat") == 1 and found("zanthoxylum") == 1
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()


def test_a_failed_file_of_a_group_leaves_nothing_and_the_others_are_found(grouped, monkeypatch):
    """A file that fails after its update indexed its group's earlier files (inside its
    own savepoint) leaves nothing; the earlier files are still indexed when the group
    commits, and the later ones as well."""
    from corpus_import.models import ImportedDocument

    real = ImportedDocument.objects.update_or_create

    def failing(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ImportedDocument.objects, "update_or_create", failing)
    inputs = [
        FileInput("a.txt", letters("zanthoxylum")),
        FileInput("notes.txt", letters("marrowfat")),
        # A new version of notes.txt: its update fails after the replaced text was written.
        FileInput(
            "notes.txt", letters("marrowfat").replace(b"Letter 3 on", b"Letter 3 hornbeam on")
        ),
        FileInput("b.txt", letters("quillwort")),
    ]
    report = grouped.import_inputs(inputs)
    files = report.report["files"]
    assert [f["status"] for f in files] == ["imported", "imported", "failed", "imported"]
    assert "nothing was written" in files[2]["errors"][0]
    assert found("zanthoxylum") == 1 and found("marrowfat") == 1 and found("quillwort") == 1
    assert found("hornbeam") == 0
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()
    monkeypatch.setattr(ImportedDocument.objects, "update_or_create", real)
    assert [f.name for f in report.batch.files.all()] == [
        "a.txt",
        "notes.txt",
        "notes.txt",
        "b.txt",
    ]


def test_a_stopped_import_keeps_the_finished_files_of_its_group(grouped):
    """Interrupted in the middle of a group: the group's finished files are saved,
    recorded and searchable; nothing of the file being read when it stopped."""
    from corpus_import.models import ImportBatch, ImportFile

    def stop(n, total, name):
        if n == 3:
            raise KeyboardInterrupt

    inputs = [FileInput(f"{w}.txt", letters(w)) for w in WORDS]
    with pytest.raises(KeyboardInterrupt):
        grouped.import_inputs(inputs, progress=stop)
    batch = ImportBatch.objects.get()
    assert [f.name for f in ImportFile.objects.filter(batch=batch)] == [
        f"{w}.txt" for w in WORDS[:2]
    ]
    assert [found(w) for w in WORDS] == [1, 1, 0, 0, 0, 0]
    assert Document.objects.count() == 2
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()


def test_a_database_error_outside_a_files_savepoint_keeps_the_group(grouped, monkeypatch):
    """A database error in a group outside the file's own savepoint (a failed look-up,
    say) stops the import with that error, not with PostgreSQL's "current transaction is
    aborted" from the bookkeeping after it; the group's finished files are kept."""
    from django.db import DatabaseError

    from corpus_import.models import ImportBatch, ImportFile

    real = grouped.Importer._import_file

    def import_file(self, item, pending=None):
        if item.name == f"{WORDS[2]}.txt":
            with connection.cursor() as cursor:
                cursor.execute("SELECT no_such_column FROM library_document")
        return real(self, item, pending)

    monkeypatch.setattr(grouped.Importer, "_import_file", import_file)
    inputs = [FileInput(f"{w}.txt", letters(w)) for w in WORDS]
    with pytest.raises(DatabaseError) as raised:
        grouped.import_inputs(inputs)
    assert "no_such_column" in str(raised.value)
    batch = ImportBatch.objects.get()
    assert [f.name for f in ImportFile.objects.filter(batch=batch)] == [
        f"{w}.txt" for w in WORDS[:2]
    ]
    assert [found(w) for w in WORDS] == [1, 1, 0, 0, 0, 0]
    assert schema.block_index_mismatches(connection) == 0
    assert schema.missing_triggers(connection) == set()


def test_a_run_that_fails_leaves_the_trigger_and_the_index_as_they_were():
    ids: list[int] = []
    with pytest.raises(RuntimeError), schema.blocks_indexed_at_end(connection):
        document_create(title="Gone", sections=[SectionInput("", [BlockInput("Sphagnum words.")])])
        raise RuntimeError("boom")
    assert schema.missing_triggers(connection) == set()
    assert not Document.objects.exists() and found("sphagnum") == 0
    with schema.blocks_indexed_at_end(connection):
        with schema.blocks_indexed_in_bulk(connection, ids):
            document_create(title="Kept", sections=[SectionInput("", [BlockInput("Fern.")])])
        # Inside the run nothing is indexed yet on SQLite (one FTS5 segment per run);
        # PostgreSQL indexes each bulk insert in its own statement, as outside a run.
        assert found("fern") == (0 if connection.vendor == "sqlite" else 1)
    assert found("fern") == 1
    assert schema.block_index_mismatches(connection) == 0


def test_a_paragraph_the_index_refuses_fails_its_file_alone(grouped):
    """PostgreSQL's tsvector holds at most 1 MB: a paragraph of more distinct words than
    that fails its own file (nothing of it is written), and its group's other files are
    imported and found."""
    if connection.vendor != "postgresql":
        pytest.skip("the tsvector size limit is PostgreSQL's")
    import random

    rng = random.Random(7)
    huge = " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) for _ in range(90_000)
    )
    inputs = [
        FileInput("a.txt", letters("zanthoxylum")),
        FileInput("huge.txt", f"Word list\n\n{huge}.".encode()),
        FileInput("b.txt", letters("quillwort")),
    ]
    report = grouped.import_inputs(inputs)
    files = report.report["files"]
    assert [f["status"] for f in files] == ["imported", "failed", "imported"]
    assert "nothing was written" in files[1]["errors"][0]
    assert found("zanthoxylum") == 1 and found("quillwort") == 1
    assert Document.objects.count() == 2
    assert schema.block_index_mismatches(connection) == 0
