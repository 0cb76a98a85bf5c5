"""Saving import results into the library: the only module that writes documents.

Every write goes through `studygroups.library.services`. Each source file is saved in
its own transaction: a file that fails leaves nothing behind and the batch carries on.

Entry points:
- `import_paths(paths, method=..., dry_run=..., user=...) -> BatchReport`
- `import_inputs(inputs, ...)` for already collected FileInputs (web uploads, tests).
"""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from datasketch import LeanMinHash
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from studygroups.discussions.anchoring import posts_follow_text
from studygroups.library.models import (
    Block,
    Document,
    DocumentAuthor,
    DocumentSource,
    Section,
    reading_minutes_for,
)
from studygroups.library.names import person_key
from studygroups.library.services import (
    BlockInput,
    NewDocument,
    NoteInput,
    SectionInput,
    SourceInput,
    document_add_source,
    document_replace_text,
    document_set_authors,
    document_set_notes,
    documents_create,
    paragraph_anchor_base,
    text_hash_for,
)
from studygroups.library.units import UnitBlock, propose_units, words_per_minute
from studygroups.search.schema import blocks_indexed_at_end

from .chrome import ChromeMemory
from .data import DraftDocument, FileInput, FileResult
from .dedupe import DedupeIndex, signature, signature_bytes, signature_from_bytes
from .metadata import parse_date_input
from .models import SIGNATURE_VERSION, ImportBatch, ImportedDocument, ImportFile
from .normalize import collapse_whitespace, count_words
from .pipeline import run_file
from .sources import collect, count_inputs, max_file_bytes

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED, DUPLICATE = "created", "updated", "unchanged", "duplicate"


@dataclass
class Correction:
    """A person's correction from the web preview, keyed by (file name, document index)."""

    title: str = ""
    authors: list[str] | None = None
    published: str | None = None  # as typed; "" clears the date


@dataclass
class BatchReport:
    report: dict
    batch: ImportBatch | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.report["totals"]["files_failed"] == 0

    @property
    def totals(self) -> dict:
        return self.report["totals"]


@dataclass
class _Known:
    title: str
    score: int
    files: set[str]
    needs_review: bool = True
    authors: list[str] = field(default_factory=list)


@dataclass
class _Pending:
    """A new document of the file being saved, created with the file's others at once."""

    key: str  # its key in the index until it exists
    new: NewDocument
    draft: DraftDocument
    sig: LeanMinHash
    text_hash: str
    entry: dict = field(default_factory=dict)  # its report entry; gets the document's id


# Reading ahead: in a batch of more than READ_AHEAD_AFTER files (from its first file when
# the number is known, else past the first READ_AHEAD_AFTER), the pure pipeline (and the
# documents' MinHash signatures) runs in one forked worker process, ahead of the
# database writes, so that the two use both cores. One worker, fed in order, carries the
# batch's learned chrome from file to file exactly as the importer would: the results are
# the same, only sooner. Small batches (tests, the web preview of a few files) stay in
# this process, where forking would cost more than it saves.
#
# The worker runs up to READ_AHEAD files ahead, so that a slow file on either side does
# not stall the other (measured: 2 files ahead gave ~5.0 MB/s on the benchmark, 4 gave
# ~5.7), but never more than READ_AHEAD_BYTES of input beyond the file being saved, which
# bounds the memory the waiting results hold (a file's structures take several times its
# size).
FILE_ROWS_AT_ONCE = 25
# Files read ahead are saved in groups: one transaction per group (each file in its own
# savepoint, so a file that fails still leaves nothing and the batch carries on), with
# the search index of the group's paragraphs written in one statement when the group
# commits (`search.schema.blocks_indexed_at_end`): SQLite's FTS5 index makes a segment
# per transaction and merges them, which cost about as much again as the indexing
# (measured on 10 MB: 0.40 CPU-s file by file, 0.20 s in groups). A group ends after
# GROUP_BYTES of input or GROUP_SECONDS, or before a file the worker has not finished
# (a group never waits for the worker), so the write lock other writers wait for is
# never held long, and every file of a group becomes visible, searchable and recorded
# (its ImportFile row) at the same moment. An import that stops mid-way keeps the groups
# committed before; a process killed mid-group leaves that group out, whole.
#
# When the worker sets the pace, the writer would catch up with it and commit one file
# per group, each group paying its own transaction, index segment and trigger swap: so a
# group after the first waits (outside any transaction) until GROUP_READY files are
# ready. Measured on the 10 MB typographic benchmark: the writer's CPU from 1.45 to 1.23
# s, the same wall time (the worker's pace), so the writer has room to spare where it is
# the slower side.
GROUP_BYTES = 2 * 1024 * 1024
GROUP_SECONDS = 1.0
GROUP_READY = 3
READ_AHEAD_AFTER = 8
READ_AHEAD = 4
READ_AHEAD_BYTES = 8 * 1024 * 1024
_worker_memory: ChromeMemory | None = None


def _worker_init(memory: ChromeMemory) -> None:
    global _worker_memory
    _worker_memory = memory
    # What the worker inherited from the writer (Django, the library's index…) is never
    # garbage here: the collector leaves it alone instead of scanning it again at every
    # full collection (and copying its pages by writing to it).
    gc.freeze()


@contextmanager
def _collector_spared() -> Iterator[None]:
    """The process's objects so far set aside from the garbage collector for the
    import: its full collections then scan only what the import made, not all of
    Django's objects again (measured: 0.10 CPU-s per full collection in the bench's
    process). The garbage left so far is collected first, so none of it is kept for the
    length of the import (measured: a second import in one process peaked 41 MB higher
    without it). Where something else froze objects already (a server's pre-fork
    freeze), nothing is changed."""
    if gc.get_freeze_count():
        yield
        return
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _worker_run(
    name: str, data: bytes
) -> tuple[FileResult, list[tuple[LeanMinHash, int, list[dict]]]]:
    """The pipeline for one file, plus each document's signature and word count (counted
    here, where the paragraphs' counts are still cached, not again in the writer)."""
    result = run_file(name, data, memory=_worker_memory)  # blocks come with their counts
    # Each document's signature, word count and proposed reading units (the preview's),
    # computed here rather than in the writer.
    extras = [
        (
            d.signature if d.signature is not None else signature(b.text for b in d.blocks),
            d.word_count,
            units_for(d),
        )
        for d in result.documents
    ]
    for d in result.documents:
        # The duplicate check's hash and each paragraph's anchor digest, here in parallel
        # with the writer (NFKC and casefolding are a large share of the writer's time
        # otherwise). Both come from each paragraph's normalized text: joined by spaces
        # they are the normalized text of the whole (a space composes with nothing).
        normalized = [normalized_paragraph(b.text) for b in d.blocks]
        for b, norm in zip(d.blocks, normalized, strict=True):
            b.anchor_base = paragraph_anchor_base(b.text, norm)
        whole = " ".join(n for n in normalized if n)
        d.text_hash = hashlib.sha256(whole.encode()).hexdigest()
    return result, extras


def normalized_paragraph(text: str) -> str:
    """`library.services.normalized_text([text])` (NFKC, casefolded, whitespace
    collapsed), without splitting and joining a paragraph that has no whitespace to
    collapse (nearly every one)."""
    return collapse_whitespace(unicodedata.normalize("NFKC", text).casefold())


class _ReadAhead:
    """Yields (input, pending pipeline result or None) in input order."""

    def __init__(self, memory: ChromeMemory, *, enabled: bool = True) -> None:
        self.memory = memory
        self.enabled = enabled
        self.executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> _ReadAhead:
        return self

    def __exit__(self, *exc) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def _start(self) -> bool:
        if not self.enabled or "fork" not in multiprocessing.get_all_start_methods():
            return False
        # Forked after this process's files so far: the worker starts from the same
        # learned chrome. It never touches the database.
        self.executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_worker_init,
            initargs=(self.memory,),
        )
        return True

    def iterate(
        self,
        inputs: Iterable[FileInput],
        wanted: Callable[[FileInput], bool],
        total: int | None = None,
    ):
        """`total`, when known, lets a batch that will read ahead start doing so with its
        first file rather than after READ_AHEAD_AFTER of them in this process (about a
        tenth of the 10 MB benchmark's files, done one after the other)."""
        queue: deque[tuple[FileInput, Future | None]] = deque()
        queued_bytes = 0  # input of the files in the queue that the worker reads
        ahead = None  # None: not decided yet; False: stay in this process
        start = 0 if total is not None and total > READ_AHEAD_AFTER else READ_AHEAD_AFTER
        for n, item in enumerate(inputs):
            if ahead is None and n >= start:
                ahead = self._start()
            if not ahead:
                yield item, None
                continue
            pending = None
            if wanted(item):
                pending = self.executor.submit(_worker_run, item.name, item.data)
            queue.append((item, pending))
            queued_bytes += len(item.data) if pending else 0
            while len(queue) > READ_AHEAD or (len(queue) > 1 and queued_bytes > READ_AHEAD_BYTES):
                done, result = queue.popleft()
                queued_bytes -= len(done.data) if result else 0
                yield done, result
        yield from queue


def bylines_agree(these: list[str], those: list[str]) -> bool:
    """Whether two bylines can be one work's: either is empty, or they share a person,
    whatever the forms of the names ("Petr" and "Peter Kropotkin": `names.person_key`)."""
    if not these or not those:
        return True
    return bool({person_key(a) for a in these} & {person_key(a) for a in those} - {""})


def location_for(draft: DraftDocument, result: FileResult) -> str:
    """Where the document is in its file, unique within the file: "lines 3–40", or, when
    several documents share those lines (a feed written on one line), "entry 2, lines 1–1".
    The "same file, same part" check relies on it."""
    lines = f"lines {draft.line_start}–{draft.line_end}"
    shared = sum(
        1
        for d in result.documents
        if (d.line_start, d.line_end) == (draft.line_start, draft.line_end)
    )
    return lines if shared == 1 else f"entry {draft.index + 1}, {lines}"


def sections_for(draft: DraftDocument) -> list[SectionInput]:
    return [
        SectionInput(
            heading=s.heading,
            level=s.level,
            blocks=[
                BlockInput(
                    b.text,
                    b.kind,
                    b.list_number,
                    words=b.words if b.words is not None else count_words(b.text),
                    anchor_base=b.anchor_base,
                )
                for b in s.blocks
            ],
        )
        for s in draft.sections
    ]


def units_for(draft: DraftDocument) -> list[dict]:
    """The reading units the series editor would propose for this text (the library's one
    algorithm), so the preview shows how a new text would be read in a series."""
    blocks = [
        UnitBlock(f"{n}-{i}", b.words if b.words is not None else count_words(b.text), s.heading)
        for n, s in enumerate(draft.sections)
        for i, b in enumerate(s.blocks)
    ]
    wpm = words_per_minute()
    units = propose_units(blocks, document_title=draft.title, words_per_minute=wpm)
    return [{"title": u.title, "minutes": max(1, -(-u.words // wpm))} for u in units]


def notes_for(draft: DraftDocument) -> list[NoteInput]:
    return [NoteInput(marker=n.marker, text=n.text) for n in draft.notes]


def published_for_report(value: date | None, precision: str) -> str | None:
    if value is None:
        return None
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return value.strftime("%Y-%m")
    return value.isoformat()


class Importer:
    def __init__(
        self,
        *,
        method: str = "command",
        dry_run: bool = False,
        user=None,
        batch: ImportBatch | None = None,
        corrections: dict[tuple[str, int], Correction] | None = None,
        progress: Callable[[int, int | None, str], None] | None = None,
    ) -> None:
        self.method = method
        self.dry_run = dry_run
        self.user = user
        self.batch = batch
        self.corrections = corrections or {}
        self.progress = progress
        self.memory = ChromeMemory()
        self._index: DedupeIndex | None = None
        self.virtual: dict[str, _Known] = {}
        self.files: list[dict] = []
        self.lines: list[str] = []
        self._source_locations: set[str] = set()
        # Per document index of the current file, when the read-ahead worker made them.
        self._signatures: dict[int, LeanMinHash] = {}
        self._word_counts: dict[int, int] = {}
        self._units: dict[int, list[dict]] = {}
        # New documents of the current file, written together (see `_create_pending`).
        self._pending: list[_Pending] = []
        self._pending_seq = 0
        self._file_rows: list[ImportFile] = []  # see `_write_file_rows`

    # -- the library's near-duplicate index, loaded on first use ---------------------
    @property
    def index(self) -> DedupeIndex:
        if self._index is None:
            self._index = DedupeIndex()
            records, outdated = {}, set()
            stored = ImportedDocument.objects.values_list(
                "document_id", "signature", "signature_version"
            )
            for pk, sig, version in stored:
                if version == SIGNATURE_VERSION:
                    records[pk] = sig
                else:
                    outdated.add(pk)
            library = list(Document.objects.values_list("pk", "text_hash"))
            missing = [pk for pk, _hash in library if pk not in records]
            if missing:
                records.update(self._backfill(missing, outdated))
            for pk, text_hash in library:
                self._index.add(f"doc:{pk}", signature_from_bytes(records[pk]), text_hash)
        return self._index

    @staticmethod
    def _backfill(pks: list[int], outdated: set[int]) -> dict[int, bytes]:
        """Signatures (and structure scores) of library documents the importer has no
        record of (made by hand or before it existed), or whose signature an earlier
        definition of word ids made (`SIGNATURE_VERSION`): computed from all their blocks
        in one query and stored, so the next import reads them like any other."""
        texts: dict[int, list[str]] = {pk: [] for pk in pks}
        stale = Q(document__import_record__isnull=True) | ~Q(
            document__import_record__signature_version=SIGNATURE_VERSION
        )
        blocks = Block.objects.filter(stale).order_by("document_id", "order")
        for pk, text in blocks.values_list("document_id", "text").iterator(chunk_size=2000):
            if pk in texts:
                texts[pk].append(text)
        sections = dict(
            Section.objects.filter(stale)
            .values("document_id")
            .annotate(n=Count("pk"))
            .values_list("document_id", "n")
        )
        signatures = {pk: signature_bytes(signature(texts[pk])) for pk in pks}
        if outdated:  # their structure scores and the rest still hold
            rows = list(ImportedDocument.objects.exclude(signature_version=SIGNATURE_VERSION))
            for row in rows:
                row.signature = signatures[row.document_id]
                row.signature_version = SIGNATURE_VERSION
            ImportedDocument.objects.bulk_update(
                rows, ["signature", "signature_version"], batch_size=500
            )
        ImportedDocument.objects.bulk_create(
            [
                ImportedDocument(
                    document_id=pk,
                    signature=signatures[pk],
                    # As `_known` scores a document without a record.
                    structure_score=len(texts[pk]) + 2 * sections.get(pk, 0),
                )
                for pk in pks
                if pk not in outdated
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        return signatures

    def _known(self, key: str) -> _Known:
        if key in self.virtual:
            return self.virtual[key]
        pk = int(key.split(":", 1)[1])
        doc = Document.objects.annotate(n=Count("blocks")).get(pk=pk)
        record = ImportedDocument.objects.filter(document_id=pk).first()
        score = record.structure_score if record else doc.n + 2 * doc.sections.count()
        files = set(
            DocumentSource.objects.filter(document_id=pk).values_list("file_name", flat=True)
        )
        authors = list(
            DocumentAuthor.objects.filter(document_id=pk)
            .order_by("order")
            .values_list("author__name", flat=True)
        )
        return _Known(doc.title, score, files, doc.needs_review, authors)

    # -- running -------------------------------------------------------------------
    def run(self, inputs: Iterable[FileInput], total: int | None = None) -> BatchReport:
        started = timezone.now()
        if self.batch is None and not self.dry_run:
            self.batch = ImportBatch.objects.create(
                method=self.method, created_by=self.user, status=ImportBatch.Status.DONE
            )
        # Only the command line reads ahead: a web worker process must never fork.
        read_ahead = self.method == DocumentSource.Method.COMMAND
        try:
            with _collector_spared(), _ReadAhead(self.memory, enabled=read_ahead) as ahead:
                self._import_all(ahead.iterate(inputs, self._wants_pipeline, total), total)
        except BaseException:
            # The files saved so far keep their rows (the batch page lists them).
            try:
                self._write_file_rows()
            except Exception:
                logger.exception("Recording the files of import batch failed")
            raise
        self._write_file_rows()
        return self._finish(started)

    def _import_all(self, items: Iterable[tuple[FileInput, Future | None]], total) -> None:
        """Each file in its own transaction, or, for files read ahead, in groups (see
        GROUP_BYTES). A dry run writes nothing and needs no group."""
        queue = iter(items)
        ahead: deque[tuple[FileInput, Future | None]] = deque()  # taken from `queue` early

        def take() -> tuple[FileInput, Future | None] | None:
            return ahead.popleft() if ahead else next(queue, None)

        item = take()
        n = 0
        while item is not None:
            if item[1] is None or self.dry_run:
                n += 1
                self._import_one(n, total, *item)
                item = take()
                continue
            stop: BaseException | None = None
            # A group opens a write transaction (on SQLite, the database's write lock):
            # it never waits for the worker inside one. The first starts once its first
            # file is ready, the others once GROUP_READY files are (or the last ones);
            # a group ends before a file the worker has not finished.
            while n and len(ahead) < GROUP_READY - 1:
                following = next(queue, None)
                if following is None:
                    break
                ahead.append(following)
            wait([item[1]] + [pending for _, pending in ahead if pending is not None])
            with transaction.atomic(), blocks_indexed_at_end(connection):
                started, size, full = time.monotonic(), 0, False
                try:
                    while True:
                        n += 1
                        # A savepoint of its own, around the file's own: a database
                        # error outside the latter (a failed look-up) takes back this
                        # file alone and leaves the group's transaction usable (on
                        # PostgreSQL it would be aborted, and the group lost).
                        with transaction.atomic():
                            self._import_one(n, total, *item)
                        size += len(item[0].data)
                        full = size >= GROUP_BYTES or time.monotonic() - started >= GROUP_SECONDS
                        if full:  # committed before taking the next file
                            break
                        item = take()
                        if item is None or item[1] is None or not item[1].done():
                            break
                except BaseException as exc:  # noqa: BLE001 - re-raised below
                    # Stopped (interrupted, or a failure outside any file's own
                    # savepoint): the group's finished files are kept, as a file by file
                    # import keeps the files saved before it stopped.
                    stop = exc
                self._write_file_rows()
            if stop is not None:
                raise stop
            if full:
                item = take()

    def _import_one(self, n: int, total, item: FileInput, pending: Future | None) -> None:
        if self.progress:
            self.progress(n, total, item.name)
        self.files.append(self._import_file(item, pending))

    def _wants_pipeline(self, item: FileInput) -> bool:
        return not item.error and len(item.data) <= max_file_bytes()

    def _import_file(self, item: FileInput, pending: Future | None = None) -> dict:
        entry = {
            "file": item.name,
            "sha256": "",
            "bytes": len(item.data),
            "format": "",
            "family": "",
            "evidence": [],
            "status": "failed",
            "errors": [],
            "words": {"read": 0, "kept": 0, "chrome": 0, "metadata": 0, "balanced": True},
            "documents": [],
        }
        if item.error:
            entry["errors"].append(item.error)
            return self._record_file(entry)
        if len(item.data) > max_file_bytes():
            entry["errors"].append(
                _("The file is over the %(limit)d MB limit.")
                % {"limit": max_file_bytes() // (1024 * 1024)}
            )
            return self._record_file(entry)
        self._signatures, self._word_counts, self._units = {}, {}, {}
        try:
            if pending is None:
                result = run_file(item.name, item.data, memory=self.memory)
            else:
                result, extras = pending.result()
                self._signatures = {n: extra[0] for n, extra in enumerate(extras)}
                self._word_counts = {n: extra[1] for n, extra in enumerate(extras)}
                self._units = {n: extra[2] for n, extra in enumerate(extras)}
        except Exception as exc:  # a bug must not stop the batch
            logger.exception("Importer failed on %s", item.name)
            entry["errors"].append(
                _("The importer could not read this file (%(error)s).") % {"error": repr(exc)}
            )
            return self._record_file(entry)
        entry.update(
            sha256=result.sha256,
            format=result.format,
            family=result.family,
            evidence=list(result.evidence),
            words=result.ledger.as_dict(),
        )
        if result.errors:
            entry["errors"].extend(result.errors)
            return self._record_file(entry)
        self._apply_corrections(result)
        # Parts of this very file already recorded as sources: one query per file instead
        # of one per document (most files are new, so most documents need no lookup).
        self._source_locations = set(
            DocumentSource.objects.filter(
                sha256=result.sha256, file_name=result.name[:500]
            ).values_list("location", flat=True)
        )
        added_keys: list[str] = []
        try:
            if self.dry_run:
                entry["documents"] = [self._save(d, result, added_keys) for d in result.documents]
            else:
                with transaction.atomic():
                    entry["documents"] = [
                        self._save(d, result, added_keys) for d in result.documents
                    ]
                    self._create_pending(added_keys)
        except Exception as exc:
            logger.exception("Saving %s failed", item.name)
            self._pending = []
            for key in added_keys:
                self.index.remove(key)
                self.virtual.pop(key, None)
            entry["documents"] = []
            entry["errors"].append(
                _("The file could not be saved (%(error)s); nothing was written.") % {"error": exc}
            )
            return self._record_file(entry)
        statuses = {d["status"] for d in entry["documents"]}
        entry["status"] = "unchanged" if statuses == {UNCHANGED} else "imported"
        return self._record_file(entry)

    def _apply_corrections(self, result: FileResult) -> None:
        for draft in result.documents:
            fix = self.corrections.get((result.name, draft.index))
            if not fix:
                continue
            if fix.title and fix.title != draft.title:
                draft.title = fix.title.strip()[:300]
                self._units.pop(draft.index, None)  # unit titles may name the document
                draft.needs_review = False
                draft.review_note = ""
            if fix.authors is not None:
                draft.authors = [a for a in fix.authors if a.strip()]
            if fix.published is not None:
                try:
                    found, precision = parse_date_input(fix.published)
                except ValueError:
                    # The web form refuses such a date; never clear a date on a typo.
                    draft.warnings.append(
                        _(
                            "The corrected date “%(date)s” could not be read; "
                            "the file's date was kept."
                        )
                        % {"date": fix.published}
                    )
                else:
                    draft.published, draft.date_precision = found, precision

    # -- one document --------------------------------------------------------------
    def _save(self, draft: DraftDocument, result: FileResult, added: list[str]) -> dict:
        sections = sections_for(draft)
        text_hash = draft.text_hash or text_hash_for(sections)
        sig = self._signatures.pop(draft.index, None)
        if sig is None:
            sig = draft.signature
        if sig is None:
            sig = signature(b.text for b in draft.blocks)
        location = location_for(draft, result)
        source = SourceInput(
            file_name=result.name[:500],
            sha256=result.sha256,
            method=self.method,
            location=location,
            note=f"{result.format} format",
        )
        status, duplicate_of, changes, doc_pk = CREATED, None, None, None
        pending = None  # a new document, written with the file's others
        # Same file, same part: nothing to do. Only a location known to be recorded (before
        # this file, or by an earlier document of it) needs the query that picks the row.
        existing = None
        if location in self._source_locations:
            existing = DocumentSource.objects.filter(
                sha256=result.sha256, location=location, file_name=result.name[:500]
            ).first()
        if not self.dry_run:
            # Whatever happens below may record this location as a source.
            self._source_locations.add(location)
        match_key = None
        exact = False
        if existing is not None:
            status, doc_pk = UNCHANGED, existing.document_id
        else:
            match_key = self.index.exact.get(text_hash)
            exact = match_key is not None
            if match_key is None:
                best = self.index.best_match(sig)
                match_key = best[0] if best else None
            if match_key is None and len(result.documents) == 1:
                match_key = self._same_file_name(result.name)
        if match_key is not None and match_key.startswith("pending:"):
            # An earlier document of this very file: it must exist before it can change.
            match_key = self._create_pending(added)[match_key]
        if match_key is not None:
            known = self._known(match_key)
            same_file = result.name in known.files
            if not same_file and not bylines_agree(draft.authors, known.authors):
                draft.warnings.append(
                    _(
                        "The text is the same as “%(title)s”, but the byline names someone "
                        "else (%(these)s, there %(those)s): check that it is the same work."
                    )
                    % {
                        "title": known.title,
                        "these": ", ".join(draft.authors),
                        "those": ", ".join(known.authors),
                    }
                )
            doc_pk = int(match_key.split(":", 1)[1]) if match_key.startswith("doc:") else None
            if exact and (same_file or draft.structure_score <= known.score):
                # The same text (paragraphing aside) and no better structured.
                status = UNCHANGED if same_file else DUPLICATE
                if status == DUPLICATE:
                    duplicate_of = known.title
                    if not self.dry_run:
                        document_add_source(document=Document.objects.get(pk=doc_pk), source=source)
                    known.files.add(result.name)
            elif same_file or draft.structure_score > known.score:
                status = UPDATED if same_file else DUPLICATE
                if status == DUPLICATE:
                    duplicate_of = known.title
                if not self.dry_run:
                    changes = self._replace(doc_pk, draft, sections, source, sig, same_file)
                    self.index.add(match_key, sig, text_hash)
                known.score = max(known.score, draft.structure_score)
                known.files.add(result.name)
            else:
                status, duplicate_of = DUPLICATE, known.title
                if not self.dry_run:
                    document_add_source(document=Document.objects.get(pk=doc_pk), source=source)
                known.files.add(result.name)
        elif status == CREATED:
            if self.dry_run:
                key = f"new:{len(self.virtual)}"
                self.virtual[key] = _Known(
                    draft.title, draft.structure_score, {result.name}, authors=list(draft.authors)
                )
            else:
                self._pending_seq += 1
                key = f"pending:{self._pending_seq}"
                self.virtual[key] = _Known(
                    draft.title,
                    draft.structure_score,
                    {result.name},
                    draft.needs_review,
                    list(draft.authors),
                )
                new = NewDocument(
                    title=draft.title,
                    subtitle=draft.subtitle,
                    sections=sections,
                    authors=draft.authors,
                    organization=draft.organization,
                    venue=draft.venue,
                    language=draft.language,
                    published=draft.published,
                    date_precision=draft.date_precision,
                    needs_review=draft.needs_review,
                    review_note=draft.review_note,
                    source=source,
                    text_hash=text_hash,
                )
                pending = _Pending(key, new, draft, sig, text_hash)
            self.index.add(key, sig, text_hash)
            added.append(key)
        entry = self._document_entry(draft, result, status, duplicate_of, changes, doc_pk)
        if pending is not None:
            pending.entry = entry
            self._pending.append(pending)
        return entry

    def _create_pending(self, added: list[str]) -> dict[str, str]:
        """Create the file's new documents so far in one go (a constant number of queries
        for a feed of any length) and give them their real keys. Returns old key -> new."""
        pending, self._pending = self._pending, []
        if not pending:
            return {}
        documents = documents_create([p.new for p in pending])
        ImportedDocument.objects.bulk_create(
            [
                ImportedDocument(
                    document=document,
                    signature=signature_bytes(p.sig),
                    structure_score=p.draft.structure_score,
                    resegmented=p.draft.resegmented,
                )
                for p, document in zip(pending, documents, strict=True)
            ]
        )
        for p, document in zip(pending, documents, strict=True):
            if p.draft.notes:
                document_set_notes(document=document, notes=notes_for(p.draft))
        renamed = {}
        for p, document in zip(pending, documents, strict=True):
            key = f"doc:{document.pk}"
            self.index.remove(p.key)
            self.index.add(key, p.sig, p.text_hash)
            self.virtual.pop(p.key, None)
            p.entry["document_id"] = document.pk
            renamed[p.key] = key
        added[:] = [renamed.get(key, key) for key in added]
        return renamed

    def _same_file_name(self, name: str) -> str | None:
        """A single-document file seen before under the same name: its new version."""
        docs = set(
            DocumentSource.objects.filter(file_name=name).values_list("document_id", flat=True)
        )
        if len(docs) == 1:
            return f"doc:{docs.pop()}"
        return None

    def _replace(self, pk, draft, sections, source, sig, same_file) -> dict:
        document = Document.objects.get(pk=pk)
        change = document_replace_text(
            document=document, sections=sections, source_name=source.file_name
        )
        follow = posts_follow_text(document=document, change=change)  # issue 12
        DocumentSource.objects.filter(document=document, is_primary=True).update(is_primary=False)
        added = document_add_source(document=document, source=source, primary=True)
        DocumentSource.objects.filter(pk=added.pk).update(is_primary=True)
        fields: dict = {}
        if same_file and document.needs_review:
            # Nobody has corrected the metadata yet: take the new version's.
            fields.update(title=draft.title[:300], subtitle=draft.subtitle[:300])
        if not document.published and draft.published:
            fields.update(published=draft.published, date_precision=draft.date_precision)
        if not document.organization and draft.organization:
            fields["organization"] = draft.organization[:200]
        if draft.language and (same_file or document.needs_review):
            fields["language"] = draft.language
            # Reading time is stored at the speed of the text's language.
            fields["reading_minutes"] = reading_minutes_for(document.word_count, draft.language)
        if fields:
            Document.objects.filter(pk=pk).update(**fields)
        if draft.notes or same_file:
            document_set_notes(document=document, notes=notes_for(draft))
        if draft.authors and (same_file and document.needs_review or not document.authors.exists()):
            document_set_authors(document=document, names=draft.authors)
        ImportedDocument.objects.update_or_create(
            document=document,
            defaults={
                "signature": signature_bytes(sig),
                "signature_version": SIGNATURE_VERSION,
                "structure_score": draft.structure_score,
                "resegmented": draft.resegmented,
            },
        )
        return {
            "kept": change.kept,
            "added": change.added,
            "removed": change.removed,
            "edited": change.edited,
            "sections_before": change.sections_before,
            "sections_after": change.sections_after,
            "text_changed": change.changed,
            # What the change did to paragraphs and discussions (issue 12).
            "paragraphs": change.alignment.report.counts() if change.alignment else {},
            "discussions": follow.as_dict(),
        }

    def _document_entry(self, draft, result, status, duplicate_of, changes, doc_pk) -> dict:
        return {
            "title": draft.title,
            "subtitle": draft.subtitle,
            "needs_review": draft.needs_review,
            "review_note": draft.review_note,
            "authors": list(draft.authors),
            "organization": draft.organization,
            "venue": draft.venue,
            "published": published_for_report(draft.published, draft.date_precision),
            "date_precision": draft.date_precision,
            "language": draft.language,
            "sections": draft.headings,
            "notes": len(draft.notes),
            "units": self._units[draft.index] if draft.index in self._units else units_for(draft),
            "paragraphs": draft.paragraph_count,
            "words": self._word_counts.get(draft.index) or draft.word_count,
            "status": status,
            "duplicate_of": duplicate_of,
            "source": {"file": result.name, "lines": [draft.line_start, draft.line_end]},
            "warnings": list(draft.warnings),
            "changes": changes,
            "document_id": doc_pk,
            "index": draft.index,
        }

    # -- bookkeeping ---------------------------------------------------------------
    def _record_file(self, entry: dict) -> dict:
        if self.batch is not None and not self.dry_run:
            words = entry["words"]
            self._file_rows.append(
                ImportFile(
                    batch=self.batch,
                    name=entry["file"][:500],
                    sha256=entry["sha256"],
                    size=entry["bytes"],
                    format=entry["format"],
                    status=entry["status"],
                    errors=entry["errors"],
                    documents=len(entry["documents"]),
                    words_read=words["read"],
                    words_kept=words["kept"],
                    words_chrome=words["chrome"],
                    words_metadata=words["metadata"],
                )
            )
            if len(self._file_rows) >= FILE_ROWS_AT_ONCE:
                self._write_file_rows()
        self.lines.append(summary_line(entry))
        return entry

    def _write_file_rows(self) -> None:
        """The batch's per-file rows, written FILE_ROWS_AT_ONCE at a time (one insert
        instead of a model save per file) and at the end of the batch."""
        rows, self._file_rows = self._file_rows, []
        if rows:
            ImportFile.objects.bulk_create(rows)

    def _finish(self, started) -> BatchReport:
        docs = [d for f in self.files for d in f["documents"]]
        totals = {
            "files": len(self.files),
            "files_failed": sum(1 for f in self.files if f["status"] == "failed"),
            "documents": len(docs),
            CREATED: sum(1 for d in docs if d["status"] == CREATED),
            UPDATED: sum(1 for d in docs if d["status"] == UPDATED),
            UNCHANGED: sum(1 for d in docs if d["status"] == UNCHANGED),
            DUPLICATE: sum(1 for d in docs if d["status"] == DUPLICATE),
            "needs_review": sum(1 for d in docs if d["needs_review"]),
            "words_read": sum(f["words"]["read"] for f in self.files),
            "words_kept": sum(f["words"]["kept"] for f in self.files),
            "words_chrome": sum(f["words"]["chrome"] for f in self.files),
            "words_metadata": sum(f["words"]["metadata"] for f in self.files),
        }
        report = {
            "batch": self.batch.pk if self.batch and not self.dry_run else None,
            "dry_run": self.dry_run,
            "method": self.method,
            "started_at": started.isoformat(),
            "finished_at": timezone.now().isoformat(),
            "totals": totals,
            "files": self.files,
        }
        self.lines.append(totals_line(totals, self.dry_run))
        if self.batch is not None and not self.dry_run:
            batch = self.batch
            batch.report = report
            batch.finished_at = timezone.now()
            batch.status = (
                ImportBatch.Status.PARTIAL if totals["files_failed"] else ImportBatch.Status.DONE
            )
            batch.files_total = totals["files"]
            batch.files_failed = totals["files_failed"]
            batch.documents_found = totals["documents"]
            batch.created_count = totals[CREATED]
            batch.updated_count = totals[UPDATED]
            batch.unchanged_count = totals[UNCHANGED]
            batch.duplicate_count = totals[DUPLICATE]
            batch.save()
            batch.staged.all().delete()
        return BatchReport(report=report, batch=self.batch, lines=self.lines)


def summary_line(entry: dict) -> str:
    if entry["status"] == "failed":
        return f"{entry['file']}: FAILED: {' '.join(entry['errors'])}"
    counts: dict[str, int] = {}
    for d in entry["documents"]:
        counts[d["status"]] = counts.get(d["status"], 0) + 1
    detail = ", ".join(f"{n} {status}" for status, n in counts.items())
    n = len(entry["documents"])
    w = entry["words"]
    return (
        f"{entry['file']}: {n} document{'s' if n != 1 else ''} ({detail}); words read "
        f"{w['read']} = kept {w['kept']} + chrome {w['chrome']} + metadata {w['metadata']}"
    )


def totals_line(t: dict, dry_run: bool) -> str:
    prefix = "Dry run, nothing written: would import" if dry_run else "Imported"
    return (
        f"{prefix} {t['files']} file{'s' if t['files'] != 1 else ''}: {t['documents']} "
        f"document{'s' if t['documents'] != 1 else ''} found, {t[CREATED]} created, "
        f"{t[UPDATED]} updated, {t[UNCHANGED]} unchanged, {t[DUPLICATE]} duplicate; "
        f"{t['needs_review']} need review; "
        f"{t['files_failed']} file{'s' if t['files_failed'] != 1 else ''} failed."
    )


def import_inputs(
    inputs: Iterable[FileInput],
    *,
    method: str = "command",
    dry_run: bool = False,
    user=None,
    batch: ImportBatch | None = None,
    corrections: dict[tuple[str, int], Correction] | None = None,
    progress: Callable[[int, int | None, str], None] | None = None,
    total: int | None = None,
) -> BatchReport:
    importer = Importer(
        method=method,
        dry_run=dry_run,
        user=user,
        batch=batch,
        corrections=corrections,
        progress=progress,
    )
    return importer.run(inputs, total=total)


def import_paths(
    paths, *, method: str = "command", dry_run: bool = False, user=None, progress=None
) -> BatchReport:
    """Import files, directories (recursive) and zip archives. See `Importer`."""
    paths = [str(p) for p in paths]
    return import_inputs(
        collect(paths),
        method=method,
        dry_run=dry_run,
        user=user,
        progress=progress,
        total=count_inputs(paths),  # names and zip directories only, as the command does
    )
