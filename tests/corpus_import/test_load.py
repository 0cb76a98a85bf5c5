"""Saving: command, report, idempotency, updates, duplicates, bad input, transactions."""

import io
import json
import time
import zipfile
from contextlib import contextmanager

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from corpus_import import load
from corpus_import.data import FileInput
from corpus_import.load import import_inputs, import_paths
from studygroups.library.models import Block, Document, DocumentSource

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db

ARTICLE = """A Study of Tenant Organizing

By Ana Pereira

{body}
"""
PARAS = [
    f"Paragraph {i} describes how the tenants of building {i} met on the stairs, wrote "
    f"their demands on a single sheet of paper, and carried it to the office together."
    for i in range(12)
]


def article(paras=PARAS):
    return ARTICLE.format(body="\n\n".join(paras)).encode()


def test_report_fields(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(article())
    report_file = tmp_path / "r.json"
    call_command("import_corpus", str(path), "--report-json", str(report_file))
    report = json.loads(report_file.read_text())
    [entry] = report["files"]
    assert set(entry) >= {"file", "errors", "words", "documents", "status"}
    assert set(entry["words"]) >= {"read", "kept", "chrome", "metadata", "balanced"}
    [doc] = entry["documents"]
    for field in ("title", "needs_review", "authors", "organization", "published",
                  "date_precision", "language", "sections", "paragraphs", "words", "status",
                  "duplicate_of", "source", "warnings"):  # fmt: skip
        assert field in doc
    assert doc["authors"] == ["Ana Pereira"] and doc["status"] == "created"
    assert doc["source"] == {"file": "a.txt", "lines": [1, 27]}


def test_dry_run_writes_nothing(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(article())
    result = import_paths([path], dry_run=True)
    assert result.totals["created"] == 1
    assert Document.objects.count() == 0
    assert result.batch is None


def test_usage_error_exit_2(tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("import_corpus", str(tmp_path / "missing.txt"))
    assert exc.value.returncode == 2


def test_failed_file_exit_1_others_imported(tmp_path):
    (tmp_path / "good.txt").write_bytes(article())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("import_corpus", str(tmp_path), stdout=out)
    assert exc.value.code == 1
    assert Document.objects.count() == 1
    text = out.getvalue()
    assert "empty.txt: FAILED: The file is empty." in text
    assert "binary.txt: FAILED: This is a binary file, not a text." in text


def test_oversize_file_refused(tmp_path, settings):
    settings.IMPORT_MAX_FILE_BYTES = 100
    (tmp_path / "big.txt").write_bytes(article())
    result = import_paths([tmp_path])
    assert not result.ok and "limit" in result.report["files"][0]["errors"][0]
    assert Document.objects.count() == 0


def _zip(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_safety(tmp_path):
    data = _zip([
        ("ok/a.txt", article()),
        ("../evil.txt", b"Escape\n\nText here."),
        ("/abs.txt", b"Absolute\n\nText here."),
        ("bomb.txt", b"a" * 5_000_000),
        ("inner.zip", b"PK.."),
        ("image.png", b"\x89PNG"),
    ])  # fmt: skip
    (tmp_path / "batch.zip").write_bytes(data)
    result = import_paths([tmp_path / "batch.zip"])
    files = {f["file"]: f for f in result.report["files"]}
    assert files["batch.zip/ok/a.txt"]["status"] == "imported"
    assert "leaves the archive" in files["batch.zip/../evil.txt"]["errors"][0]
    assert "leaves the archive" in files["batch.zip//abs.txt"]["errors"][0]
    assert "zip bomb" in files["batch.zip/bomb.txt"]["errors"][0]
    assert "inside archives" in files["batch.zip/inner.zip"]["errors"][0]
    assert "batch.zip/image.png" not in files
    assert Document.objects.count() == 1


def test_damaged_zip(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really")
    result = import_paths([tmp_path / "bad.zip"])
    assert "damaged" in result.report["files"][0]["errors"][0]


def test_many_files(tmp_path):
    for i in range(300):
        (tmp_path / f"f{i:03}.txt").write_bytes(
            f"Note {i}\n\nThis is note number {i}, about meeting {i} of the group.".encode()
        )
    result = import_paths([tmp_path])
    assert result.totals["files"] == 300 and result.ok


def test_changed_version_updates_keeping_anchors(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(article())
    import_paths([path])
    doc = Document.objects.get()
    anchors = dict(Block.objects.values_list("text", "anchor"))
    changed = list(PARAS)
    changed[3] = changed[3].replace("single sheet", "single large sheet")
    changed.append("A new closing paragraph says what happened after the meeting at the office.")
    path.write_bytes(article(changed))
    result = import_paths([path])
    [entry] = result.report["files"][0]["documents"]
    assert entry["status"] == "updated"
    assert entry["changes"]["added"] == 1 and entry["changes"]["edited"] == 1
    assert Document.objects.count() == 1
    doc.refresh_from_db()
    new = dict(doc.blocks.values_list("text", "anchor"))
    assert new[PARAS[0]] == anchors[PARAS[0]]
    assert new[changed[3]] == anchors[PARAS[3]]  # edited paragraph keeps its anchor
    assert doc.sources.filter(is_primary=True).count() == 1


def test_exact_duplicate_from_other_file_is_second_source(tmp_path):
    (tmp_path / "a.txt").write_bytes(article())
    (tmp_path / "b.txt").write_bytes(article().replace(b"\n\n", b"\n\n\n"))
    result = import_paths([tmp_path])
    assert [d["status"] for f in result.report["files"] for d in f["documents"]] == [
        "created", "duplicate",
    ]  # fmt: skip
    doc = Document.objects.get()
    assert sorted(doc.sources.values_list("file_name", "is_primary")) == [
        ("a.txt", True), ("b.txt", False),
    ]  # fmt: skip


def test_better_version_arriving_second_replaces_text(tmp_path):
    flat = "Untitled letter follows here. " + " ".join(PARAS * 3)
    (tmp_path / "1.txt").write_text(flat + "\n")
    (tmp_path / "2.txt").write_text(
        "A Letter\n\nBy Ana Pereira\n\nUntitled letter follows here.\n\n"
        + "\n\n".join(PARAS * 3)
        + "\n"
    )
    result = import_paths([tmp_path])
    statuses = [d["status"] for f in result.report["files"] for d in f["documents"]]
    assert statuses == ["created", "duplicate"]
    doc = Document.objects.get()
    assert doc.blocks.count() == 37
    assert doc.sources.get(is_primary=True).file_name == "2.txt"
    assert [a.name for a in doc.ordered_authors] == ["Ana Pereira"]


def test_failing_file_leaves_nothing_and_batch_continues(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(article())
    (tmp_path / "b.txt").write_bytes(article([p.replace("tenants", "workers") for p in PARAS]))
    # The import record is the last row a file's new documents write.
    real = load.ImportedDocument.objects.bulk_create
    calls = {"n": 0}

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(load.ImportedDocument.objects, "bulk_create", flaky)
    result = import_paths([tmp_path])
    a, b = result.report["files"]
    assert a["status"] == "failed" and "nothing was written" in a["errors"][0]
    assert b["status"] == "imported"
    assert Document.objects.count() == 1
    assert not DocumentSource.objects.filter(file_name="a.txt").exists()


def test_fixture_folder_imports_cleanly():
    result = import_paths([FIXTURES])
    assert result.ok, result.lines
    assert all(f["words"]["balanced"] for f in result.report["files"])
    assert Document.objects.filter(needs_review=True).exists()


def test_demo_method_and_corrections(tmp_path):
    (tmp_path / "a.txt").write_bytes(article())
    corrections = {
        ("a.txt", 0): load.Correction(title="Better Title", authors=["X Y"], published="2001")
    }
    result = import_inputs(
        [FileInput("a.txt", (tmp_path / "a.txt").read_bytes())],
        method="demo",
        corrections=corrections,
    )
    doc = Document.objects.get()
    assert doc.title == "Better Title" and doc.published.year == 2001
    assert doc.sources.get().method == "demo"
    assert result.totals["created"] == 1


def _without_times(report: dict) -> dict:
    return {k: v for k, v in report.items() if k not in ("started_at", "finished_at")}


def test_read_ahead_worker_gives_the_same_report(monkeypatch):
    """The forked read-ahead worker changes when the pipeline runs, never what it finds,
    learned chrome across files included."""
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 10**9)
    in_process = import_paths([FIXTURES], dry_run=True)
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 0)
    read_ahead = import_paths([FIXTURES], dry_run=True)
    assert _without_times(read_ahead.report) == _without_times(in_process.report)
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 3)
    saved = import_paths([FIXTURES])
    assert saved.ok and saved.totals["created"] == in_process.totals["created"]


def test_a_batch_known_to_be_large_reads_ahead_from_its_first_file(monkeypatch):
    """With the number of files known (the command counts them first), a batch of more
    than READ_AHEAD_AFTER files sends its first file to the worker; unknown, the first
    READ_AHEAD_AFTER stay in this process; a small batch never forks."""
    from corpus_import.chrome import ChromeMemory

    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 3)
    inputs = [FileInput(f"f{i}.txt", article(PARAS[:2])) for i in range(6)]

    def sent_ahead(items, total):
        with load._ReadAhead(ChromeMemory()) as ahead:
            return [pending is not None for _item, pending in ahead.iterate(items, bool, total)]

    assert sent_ahead(inputs, 6) == [True] * 6
    assert sent_ahead(inputs, None) == [False] * 3 + [True] * 3
    assert sent_ahead(inputs[:3], 3) == [False] * 3


_WORKER_RUN = load._worker_run


def _slow_worker_run(name, data):
    """The read-ahead worker, slower than the writer (module level: the worker unpickles
    it by name)."""
    time.sleep(0.15)
    return _WORKER_RUN(name, data)


def test_a_group_never_waits_for_the_worker_inside_its_transaction(monkeypatch):
    """A group of files is one write transaction (on SQLite, the database's write lock):
    each file it takes is one the worker has finished, so web requests never wait on
    the worker's pace."""
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 2)
    monkeypatch.setattr(load, "_worker_run", _slow_worker_run)
    in_group = []
    waited_inside = []
    real_group = load.blocks_indexed_at_end

    @contextmanager
    def group(connection):
        with real_group(connection):
            in_group.append(True)
            try:
                yield
            finally:
                in_group.pop()

    real_import_file = load.Importer._import_file

    def import_file(self, item, pending=None):
        if in_group and pending is not None and not pending.done():
            waited_inside.append(item.name)
        return real_import_file(self, item, pending)

    monkeypatch.setattr(load, "blocks_indexed_at_end", group)
    monkeypatch.setattr(load.Importer, "_import_file", import_file)
    inputs = [FileInput(f"f{i}.txt", article([f"{p} Copy {i}." for p in PARAS])) for i in range(6)]
    result = import_inputs(inputs, total=len(inputs))
    assert result.ok and result.totals["created"] == 6
    assert waited_inside == []


def test_groups_after_the_first_wait_for_several_files(monkeypatch):
    """When the worker is the slower side, a group after the first starts once
    GROUP_READY files are ready instead of committing each file alone."""
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 2)
    monkeypatch.setattr(load, "GROUP_READY", 3)
    monkeypatch.setattr(load, "_worker_run", _slow_worker_run)
    sizes = []
    real_group = load.blocks_indexed_at_end
    real_import_one = load.Importer._import_one

    @contextmanager
    def group(connection):
        sizes.append(0)
        with real_group(connection):
            yield

    def import_one(self, n, total, item, pending):
        sizes[-1] += 1
        return real_import_one(self, n, total, item, pending)

    monkeypatch.setattr(load, "blocks_indexed_at_end", group)
    monkeypatch.setattr(load.Importer, "_import_one", import_one)
    inputs = [FileInput(f"f{i}.txt", article([f"{p} Copy {i}." for p in PARAS])) for i in range(7)]
    result = import_inputs(inputs, total=len(inputs))
    assert result.ok and result.totals["created"] == 7
    assert sizes[0] == 1  # the first group starts with the first file
    assert sum(sizes) == 7 and all(size >= 3 for size in sizes[1:-1])
    assert len(sizes) <= 3  # one file, then at least three at a time (slow worker: 7)


def test_reimport_after_read_ahead_is_unchanged(monkeypatch):
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 2)
    import_paths([FIXTURES])
    again = import_paths([FIXTURES])
    assert again.totals["documents"] == again.totals["unchanged"]


def test_one_line_feed_gives_each_entry_its_own_location():
    """Three entries on one line share 'lines 1–1': each still gets its own document,
    and a re-import finds each unchanged against its own document, not the first one."""
    first = import_paths([FIXTURES / "feed_one_line.xml"])
    assert first.totals["documents"] == 3 and first.totals["created"] == 3
    assert Document.objects.count() == 3
    locations = list(DocumentSource.objects.values_list("location", flat=True))
    assert len(set(locations)) == 3
    again = import_paths([FIXTURES / "feed_one_line.xml"])
    assert again.totals["unchanged"] == 3
    docs = again.report["files"][0]["documents"]
    assert [d["title"] for d in docs] == [
        "A reading room opens",
        "The first reading group",
        "Retired members staff the desk",
    ]
    assert Document.objects.count() == 3


def test_command_reads_inputs_lazily(tmp_path, monkeypatch, capsys):
    """The command counts first (for the progress bar), then reads one file at a time."""
    from corpus_import.management.commands import import_corpus

    for i in range(21):
        (tmp_path / f"{i:02}.txt").write_bytes(article(PARAS[:3] + [f"Note {i}."]))
    monkeypatch.setattr(load, "READ_AHEAD_AFTER", 10**9)  # keep it in this process
    produced = []
    real_collect = import_corpus.collect

    def counting_collect(paths):
        for item in real_collect(paths):
            produced.append(item.name)
            yield item

    ahead = []
    real_import_file = load.Importer._import_file

    def import_file(self, item, pending=None):
        ahead.append(len(produced) - len(self.files))
        return real_import_file(self, item, pending)

    monkeypatch.setattr(import_corpus, "collect", counting_collect)
    monkeypatch.setattr(load.Importer, "_import_file", import_file)
    call_command("import_corpus", str(tmp_path), "--dry-run")
    assert len(ahead) == 21 and max(ahead) == 1  # never more than the file in hand
    out = capsys.readouterr()
    assert "21/21 files" in out.err
    assert "21 files: 21 documents found" in out.out


def test_count_inputs_matches_collect_without_reading(tmp_path):
    from corpus_import.sources import collect, count_inputs

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", b"One.")
        archive.writestr("../evil.txt", b"Escape.")
        archive.writestr("inner.zip", b"PK")
        archive.writestr("image.png", b"\x89PNG")
        archive.writestr("__MACOSX/._a.txt", b"x")
    (tmp_path / "batch.zip").write_bytes(buffer.getvalue())
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    paths = [FIXTURES, tmp_path]
    assert count_inputs(paths) == len(list(collect(paths)))


def test_file_rows_written_in_groups_and_kept_when_the_batch_stops(monkeypatch):
    """Per-file rows are written a few files at a time; files saved before a batch stops
    keep theirs, in order."""
    from corpus_import.models import ImportBatch, ImportFile

    monkeypatch.setattr(load, "FILE_ROWS_AT_ONCE", 2)
    inputs = [
        FileInput(f"f{i}.txt", article([f"{p} Copy {i} of {n}." for n, p in enumerate(PARAS)]))
        for i in range(5)
    ]
    report = import_inputs(inputs)
    assert [f.name for f in report.batch.files.all()] == [f"f{i}.txt" for i in range(5)]
    assert report.batch.files_total == 5

    def stop(n, total, name):
        if n == 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_inputs(
            inputs[:1] + [FileInput(f"g{i}.txt", b"Short text.") for i in range(4)], progress=stop
        )
    stopped = ImportBatch.objects.exclude(pk=report.batch.pk).get()
    assert [f.name for f in ImportFile.objects.filter(batch=stopped)] == [
        "f0.txt",
        "g0.txt",
        "g1.txt",
    ]


def test_the_import_spares_the_collector_and_gives_it_back(tmp_path, monkeypatch):
    """Objects that exist before the import are frozen out of garbage collection while
    it runs (full collections would scan all of Django again), and thawed after it; a
    freeze made by someone else (a server's pre-fork freeze) is left as it was."""
    import gc
    import weakref

    seen = []
    real = load.Importer._import_file

    def spy(self, item, pending=None):
        seen.append(gc.get_freeze_count())
        return real(self, item, pending)

    monkeypatch.setattr(load.Importer, "_import_file", spy)
    (tmp_path / "a.txt").write_bytes(article())
    assert gc.get_freeze_count() == 0
    import_paths([tmp_path / "a.txt"])
    assert seen[-1] > 0 and gc.get_freeze_count() == 0

    # Garbage left before the import is collected, not frozen with the rest for its
    # length (automatic collection off, so only the import's own collection can free it).
    class Cycle:
        pass

    gc.disable()
    try:
        cycle = Cycle()
        cycle.itself = cycle
        alive = weakref.ref(cycle)
        del cycle
        freed = []

        def check(self, item, pending=None):
            freed.append(alive() is None)
            return real(self, item, pending)

        monkeypatch.setattr(load.Importer, "_import_file", check)
        import_paths([tmp_path / "a.txt"])
        assert freed == [True]
    finally:
        gc.enable()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        import_paths([tmp_path / "a.txt"])
        # Still frozen (less the few frozen objects freed meanwhile), not thawed.
        assert gc.get_freeze_count() > frozen // 2
    finally:
        gc.unfreeze()
