"""Every write to the library that touches several rows.

The importer, the demo loader and the admin all create and correct documents through
these functions, so derived fields (word counts, reading time, text hash) and stable
anchors are always right.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from studygroups.search.schema import blocks_index_pending, blocks_indexed_in_bulk

from .alignment import Alignment, align
from .models import (
    Author,
    Block,
    BlockAlias,
    Document,
    DocumentAuthor,
    DocumentSource,
    Section,
    TextRevision,
    Topic,
    count_words,
    reading_minutes_for,
)
from .names import person_key


class BlockInput(NamedTuple):
    """A block of a text to write. A named tuple rather than a frozen dataclass: an import
    makes one per paragraph, and a tuple is made in a third of the time (a frozen
    dataclass sets each field through `object.__setattr__`)."""

    text: str
    kind: str = Block.Kind.PARAGRAPH
    list_number: int | None = None
    words: int | None = None  # count_words(text), when the caller has it already
    anchor_base: str = ""  # paragraph_anchor_base(text), when the caller has it already

    @property
    def word_count(self) -> int:
        return count_words(self.text) if self.words is None else self.words


@dataclass(frozen=True)
class SectionInput:
    """A run of blocks under one heading. `heading=""` is the untitled opening part."""

    heading: str
    blocks: Sequence[BlockInput]
    level: int = 2


@dataclass(frozen=True)
class SourceInput:
    file_name: str
    sha256: str
    method: str = DocumentSource.Method.COMMAND
    location: str = ""
    note: str = ""


@dataclass
class TextChange:
    """What `document_replace_text` did, for the importer's report."""

    kept: int = 0
    added: int = 0
    removed: int = 0
    edited: int = 0
    merged: int = 0
    sections_before: list[str] = field(default_factory=list)
    sections_after: list[str] = field(default_factory=list)
    alignment: Alignment | None = None
    revision: TextRevision | None = None  # the new revision, when the text changed

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.edited
            or self.merged
            or (self.alignment and self.alignment.report.moved)
        ) or (self.sections_before != self.sections_after)


def normalized_text(texts: Iterable[str]) -> str:
    """The text as compared for duplicates: NFKC, casefolded, whitespace collapsed."""
    joined = " ".join(texts)
    joined = unicodedata.normalize("NFKC", joined).casefold()
    return " ".join(joined.split())


def text_hash_for(sections: Sequence[SectionInput]) -> str:
    texts = [b.text for s in sections for b in s.blocks]
    return hashlib.sha256(normalized_text(texts).encode()).hexdigest()


def _anchor_base(text: str, prefix: str, normalized: str | None = None) -> str:
    if normalized is None:
        normalized = normalized_text([text])
    digest = hashlib.sha1(normalized.encode(), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:6]}"


def paragraph_anchor_base(text: str, normalized: str | None = None) -> str:
    """A paragraph's anchor before any -2, -3… suffix; `normalized` is
    normalized_text([text]) when the caller has it. The importer computes it ahead, in
    its read-ahead worker, and passes it in `BlockInput.anchor_base`."""
    return _anchor_base(text, "p", normalized)


def _unique_anchor(text: str, prefix: str, taken: set[str], base: str = "") -> str:
    base = base or _anchor_base(text, prefix)
    anchor, n = base, 2
    while anchor in taken:
        anchor = f"{base}-{n}"
        n += 1
    taken.add(anchor)
    return anchor


SLUG_CANDIDATES = 10  # base, base-2 … base-10 are checked in the first query


def unique_slugs(model, values: Sequence[str], *, max_length: int = 300, exclude_pk=None):
    """Slugs for `values`, each with -2, -3… appended when taken, unique among the table's
    and each other's.

    One query on the slug's unique index for the first candidates of all values (a new
    title's slug is nearly always free); a prefix search only for a value whose first
    candidates are all taken. A prefix search alone (LIKE) reads the whole table on
    SQLite, which made bulk imports slow down as the library grew."""
    bases = [slugify(value)[: max_length - 8].strip("-") or "untitled" for value in values]
    existing = model.objects.all()
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    taken: set[str] = set()

    def look_up(candidates: list[str]) -> None:
        for start in range(0, len(candidates), 500):  # within every backend's limit
            chunk = candidates[start : start + 500]
            taken.update(existing.filter(slug__in=chunk).values_list("slug", flat=True))

    # The bases first; the numbered candidates only of bases that are taken (a second
    # small query, rarely needed): a bulk import's titles cost one query of one
    # parameter each instead of ten.
    look_up(sorted(set(bases)))
    repeated = {base for base, n in Counter(bases).items() if n > 1}
    crowded = sorted(
        {
            f"{base}-{n}"
            for base in set(bases)
            if base in taken or base in repeated
            for n in range(2, SLUG_CANDIDATES + 1)
        }
    )
    look_up(crowded)
    searched: set[str] = set()
    slugs = []
    for base in bases:
        n = 1
        while True:
            if n > SLUG_CANDIDATES and base not in searched:
                searched.add(base)
                taken.update(existing.filter(slug__startswith=base).values_list("slug", flat=True))
            slug = base if n == 1 else f"{base}-{n}"
            if slug not in taken:
                break
            n += 1
        taken.add(slug)
        slugs.append(slug)
    return slugs


def unique_slug(model, value: str, *, max_length: int = 300, exclude_pk=None) -> str:
    """The slug of `value`, with -2, -3… appended if taken. One query, nearly always."""
    return unique_slugs(model, [value], max_length=max_length, exclude_pk=exclude_pk)[0]


def _database_upper(values: Sequence[str]) -> list[str]:
    """Each value as the database's UPPER() folds it: SQLite folds ASCII letters only,
    PostgreSQL by its locale. One small query per 500 values."""
    folded: list[str] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), 500):
            chunk = list(values[start : start + 500])
            cursor.execute("SELECT " + ", ".join(["UPPER(%s)"] * len(chunk)), chunk)
            folded.extend(cursor.fetchone())
    return folded


def authors_get_or_create(name_lists: Sequence[Sequence[str]]) -> list[list[Author]]:
    """The authors named in each list, found by person or created: a few small queries
    however many names (none without names). Blank names are skipped.

    Two forms of one person's name are one author (`names.person_key`: case, accents,
    transliteration, "Surname, Given" order, titles and patronymics aside: "Pyotr
    Kropotkin", "PETER KROPOTKIN" and "Kropotkin, Peter"), in the table and within the
    batch; the first form stored is the one shown. Rows written without `save()` (a
    bulk load) have no key yet: they are still found by their name, ignoring case, as
    before keys existed."""
    cleaned = [[" ".join(n.split()) for n in names if n.strip()] for names in name_lists]
    distinct = list(dict.fromkeys(name for names in cleaned for name in names))
    if not distinct:
        return [[] for _ in cleaned]
    key_of = {name: person_key(name) or f"={name.casefold()}" for name in distinct}
    # Keyless rows are matched by the database's UPPER() through the index on
    # UPPER(name) (SQLite folds ASCII letters only, as Python does: there only the other
    # names need the database's own folding; PostgreSQL folds by its locale).
    sqlite = connection.vendor == "sqlite"
    others = [name for name in distinct if not (sqlite and name.isascii())]
    upper_of = {name: name.upper() for name in distinct if sqlite and name.isascii()}
    upper_of.update(zip(others, _database_upper(others), strict=True))
    key_of_upper = {upper_of[name]: key_of[name] for name in distinct}
    found: dict[str, Author] = {}
    rows = (
        Author.objects.annotate(upper_name=Upper("name"))
        .filter(
            Q(name_key__in=set(key_of.values()))
            | Q(name_key="", upper_name__in=set(upper_of.values()))
        )
        .order_by("pk")
    )
    for author in rows:
        key = author.name_key or key_of_upper.get(author.upper_name)
        if key:
            found.setdefault(key, author)
    new: dict[str, Author] = {}
    for name in distinct:
        key = key_of[name]
        if key not in found and key not in new:
            new[key] = Author(name=name, name_key=key[:200])
    if new:
        slugs = unique_slugs(Author, [a.name for a in new.values()], max_length=220)
        for author, slug in zip(new.values(), slugs, strict=True):
            author.slug = slug
        Author.objects.bulk_create(new.values())
        found.update(new)
    return [[found[key_of[name]] for name in names] for names in cleaned]


def topic_get_or_create(*, name: str) -> Topic:
    name = " ".join(name.split())
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic
    return Topic.objects.create(name=name, slug=unique_slug(Topic, name, max_length=120))


def _author_links(document: Document, authors: Sequence[Author]) -> list[DocumentAuthor]:
    links: list[DocumentAuthor] = []
    seen: set[int] = set()
    for author in authors:
        if author.pk not in seen:
            seen.add(author.pk)
            links.append(DocumentAuthor(document=document, author=author, order=len(links)))
    return links


def document_set_authors(*, document: Document, names: Sequence[str], new: bool = False) -> None:
    """Replace the byline. `new=True` skips the delete for a document just created."""
    if not new:
        DocumentAuthor.objects.filter(document=document).delete()
    DocumentAuthor.objects.bulk_create(_author_links(document, authors_get_or_create([names])[0]))


def _block_counts(sections: Sequence[SectionInput]) -> list[int]:
    return [b.word_count for s in sections for b in s.blocks]


def _derived_from_inputs(
    sections: Sequence[SectionInput], counts: Sequence[int], language: str, text_hash: str = ""
) -> dict:
    if text_hash:  # the caller's text_hash_for(sections)
        words = sum(counts)
        return {
            "word_count": words,
            "reading_minutes": reading_minutes_for(words, language),
            "text_hash": text_hash,
        }
    return _derived_counts([b.text for s in sections for b in s.blocks], sum(counts), language)


def _derived_counts(texts: Sequence[str], words: int, language: str) -> dict:
    """Word count, reading time at the speed of the text's language, and text hash."""
    return {
        "word_count": words,
        "reading_minutes": reading_minutes_for(words, language),
        "text_hash": hashlib.sha256(normalized_text(texts).encode()).hexdigest(),
    }


def document_recount(*, document: Document) -> Document:
    """Recompute the stored word count, reading time and text hash from the blocks."""
    rows = list(document.blocks.order_by("order").values_list("text", "word_count"))
    derived = _derived_counts(
        [text for text, _ in rows], sum(words for _, words in rows), document.language
    )
    for name, value in derived.items():
        setattr(document, name, value)
    Document.objects.filter(pk=document.pk).update(**derived)
    return document


@dataclass(frozen=True)
class _StructureJob:
    document: Document
    sections: Sequence[SectionInput]
    counts: Sequence[int]  # the blocks' word counts, in order
    anchors: Sequence[str] | None = None  # one per block, decided by the alignment


def _write_structure(
    *,
    document: Document,
    sections: Sequence[SectionInput],
    counts: Sequence[int],
    anchors: Sequence[str] | None = None,
) -> None:
    """Write sections and blocks in two bulk inserts."""
    _write_structures([_StructureJob(document, sections, counts, anchors)])


def _write_structures(jobs: Sequence[_StructureJob]) -> None:
    """Write the sections and blocks of several documents in two bulk inserts."""
    planned: list[tuple[_StructureJob, list[int | None]]] = []
    headed: list[tuple] = []  # values in SECTION_COLUMNS order
    for job in jobs:
        taken_sections: set[str] = set()
        section_orders: list[int | None] = []
        order = 0
        for part in job.sections:
            section_order = None
            heading = part.heading.strip()
            if heading:
                anchor = _unique_anchor(part.heading, "s", taken_sections)
                level = min(max(part.level, 1), 6)
                headed.append((job.document.pk, heading[:500], level, order, anchor))
                section_order = order
                order += 1
            section_orders.append(section_order)
        planned.append((job, section_orders))
    section_ids = _insert_sections(headed)
    rows: list[tuple] = []
    for job, section_orders in planned:
        taken_blocks: set[str] = set()
        order = 0
        document_pk = job.document.pk
        for part, section_order in zip(job.sections, section_orders, strict=True):
            section_id = None if section_order is None else section_ids[document_pk, section_order]
            for item in part.blocks:
                if job.anchors is not None:
                    anchor = job.anchors[order]
                else:
                    anchor = _unique_anchor(item.text, "p", taken_blocks, item.anchor_base)
                # The order of BLOCK_COLUMNS.
                rows.append(
                    (
                        job.document.pk,
                        section_id,
                        item.kind,
                        order,
                        anchor,
                        item.text,
                        item.list_number,
                        job.counts[order],
                    )
                )
                order += 1
    _insert_blocks(rows)


SECTION_COLUMNS = ("document", "heading", "level", "order", "anchor")


def _insert_sections(rows: Sequence[tuple]) -> dict[tuple[int, int], int]:
    """Insert section rows (values in SECTION_COLUMNS order) with one prepared statement
    and return {(document id, order): section id}.

    The documents must have no other sections (new documents, or a replaced text whose
    old sections were deleted). bulk_create would build a model instance and compile
    SQL per field per row: with thousands of headings that was most of the writer's
    Python time. Validation is the same as before (none beyond the database's
    constraints: level is clamped above, order and anchor are unique per document by
    construction)."""
    if not rows:
        return {}
    quote = connection.ops.quote_name
    table = quote(Section._meta.db_table)
    columns = ", ".join(quote(Section._meta.get_field(name).column) for name in SECTION_COLUMNS)
    placeholders = ", ".join(["%s"] * len(SECTION_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
    document_column = quote(Section._meta.get_field("document").column)
    order_column = quote(Section._meta.get_field("order").column)
    ids: dict[tuple[int, int], int] = {}
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
        pks = list(dict.fromkeys(row[0] for row in rows))
        for start in range(0, len(pks), 500):
            chunk = pks[start : start + 500]
            cursor.execute(
                f"SELECT id, {document_column}, {order_column} FROM {table} "  # noqa: S608
                f"WHERE {document_column} IN ({', '.join(['%s'] * len(chunk))})",
                chunk,
            )
            for pk, document_id, order in cursor.fetchall():
                ids[document_id, order] = pk
    return ids


BLOCK_COLUMNS = (
    "document",
    "section",
    "kind",
    "order",
    "anchor",
    "text",
    "list_number",
    "word_count",
)


def _insert_blocks(rows: Sequence[tuple]) -> None:
    """Insert block rows (values in BLOCK_COLUMNS order) with one prepared statement.

    Importing is dominated by block inserts; Django's bulk_create builds a model instance
    and compiles SQL per field per row, several times the cost of the statement itself.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(Block._meta.db_table)
    columns = ", ".join(quote(Block._meta.get_field(name).column) for name in BLOCK_COLUMNS)
    placeholders = ", ".join(["%s"] * len(BLOCK_COLUMNS))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass(frozen=True)
class NewDocument:
    """A document to create: its text and what is known about it."""

    title: str
    sections: Sequence[SectionInput]
    subtitle: str = ""
    authors: Sequence[str] = ()
    organization: str = ""
    venue: str = ""
    language: str = "en"
    published: date | None = None
    date_precision: str = ""
    needs_review: bool = False
    review_note: str = ""
    topics: Sequence[str] = ()
    source: SourceInput | None = None
    text_hash: str = ""  # text_hash_for(sections), when the caller has it already


def document_create(**fields) -> Document:
    """Create a document with its text (the fields of `NewDocument`). Precondition: at
    least one non-empty block."""
    return documents_create([NewDocument(**fields)])[0]


@transaction.atomic
def documents_create(items: Sequence[NewDocument]) -> list[Document]:
    """Create documents with their text, authors and sources, in order.

    A constant number of queries however many documents (topics aside, which the
    importer does not set): a feed of a hundred articles costs what one article does.
    Every document needs at least one non-empty block; nothing is written otherwise."""
    from django.core.exceptions import ValidationError

    documents: list[Document] = []
    counts_of: list[list[int]] = []
    for item in items:
        if not any(b.text.strip() for s in item.sections for b in s.blocks):
            raise ValidationError("A document needs at least one paragraph of text.")
        counts = _block_counts(item.sections)
        document = Document(
            title=" ".join(item.title.split())[:300] or "Untitled document",
            subtitle=" ".join(item.subtitle.split())[:300],
            organization=item.organization[:200],
            venue=item.venue[:300],
            language=item.language or "en",
            published=item.published,
            date_precision=item.date_precision if item.published else "",
            needs_review=item.needs_review,
            review_note=item.review_note[:500],
            text_changed_at=timezone.now(),
            **_derived_from_inputs(item.sections, counts, item.language or "en", item.text_hash),
        )
        if bool(document.published) != bool(document.date_precision):
            raise ValidationError("A publication date needs a precision, and a precision a date.")
        documents.append(document)
        counts_of.append(counts)
    slugs = unique_slugs(Document, [d.title for d in documents], max_length=320)
    for document, slug in zip(documents, slugs, strict=True):
        document.slug = slug
        # The slug was made unique above, and the one check constraint (a date has a
        # precision) is checked above in Python: the database enforces both again.
        document.full_clean(validate_unique=False, validate_constraints=False)
    Document.objects.bulk_create(documents)
    authors = authors_get_or_create([item.authors for item in items])
    DocumentAuthor.objects.bulk_create(
        [
            link
            for document, named in zip(documents, authors, strict=True)
            for link in _author_links(document, named)
        ]
    )
    for document, item in zip(documents, items, strict=True):
        for name in item.topics:
            document.topics.add(topic_get_or_create(name=name))
    # New documents' blocks: indexed for search in one statement after the insert,
    # instead of by the per-row trigger (most of an import's database time otherwise).
    with blocks_indexed_in_bulk(connection, [d.pk for d in documents]):
        _write_structures(
            [
                _StructureJob(document, item.sections, counts)
                for document, item, counts in zip(documents, items, counts_of, strict=True)
            ]
        )
    DocumentSource.objects.bulk_create(
        [
            _source(document=document, source=item.source, primary=True)
            for document, item in zip(documents, items, strict=True)
            if item.source is not None
        ]
    )
    return documents


@transaction.atomic
def document_add_source(
    *, document: Document, source: SourceInput, primary: bool = False
) -> DocumentSource:
    """Record a file as a source of the document; safe to repeat for the same file part."""
    existing = DocumentSource.objects.filter(
        document=document, sha256=source.sha256, location=source.location
    ).first()
    if existing:
        return existing
    return _source_create(document=document, source=source, primary=primary)


def _source_create(*, document: Document, source: SourceInput, primary: bool) -> DocumentSource:
    source = _source(document=document, source=source, primary=primary)
    source.save()
    return source


def _source(*, document: Document, source: SourceInput, primary: bool) -> DocumentSource:
    return DocumentSource(
        document=document,
        file_name=source.file_name[:500],
        sha256=source.sha256,
        location=source.location[:200],
        method=source.method,
        note=source.note[:500],
        is_primary=primary,
    )


@transaction.atomic
def document_replace_text(
    *, document: Document, sections: Sequence[SectionInput], source_name: str = ""
) -> TextChange:
    """Replace the text of a document, keeping the anchor of every paragraph that survives.

    Paragraph identity is decided by `alignment.align`: unchanged paragraphs keep their
    anchor wherever they move, edited ones by fuzzy match, a split keeps it on its largest
    part, a merge keeps the first anchor and records the others as `BlockAlias`es. A
    changed text gets a new `TextRevision` holding the report; discussions follow it
    through `TextChange.alignment` (see `discussions.anchoring.posts_follow_text`).
    """
    old_blocks = list(document.blocks.order_by("order").values_list("anchor", "text"))
    change = TextChange(
        sections_before=list(document.sections.values_list("heading", flat=True)),
        sections_after=[s.heading.strip() for s in sections if s.heading.strip()],
    )
    new_texts = [b.text for s in sections for b in s.blocks]
    existing_aliases = dict(
        BlockAlias.objects.filter(document=document).values_list("anchor", "target_anchor")
    )
    alignment = align(
        old_blocks,
        new_texts,
        make_anchor=lambda text, taken: _unique_anchor(text, "p", taken),
        reserved=set(existing_aliases),
    )
    report = alignment.report
    change.alignment = alignment
    change.kept = len(report.kept) + len(report.moved)
    change.edited = len(report.edited)
    change.removed = len(report.removed)
    change.added = len(report.added) + sum(len(parts) for parts in report.split.values())
    change.merged = len(report.merged)
    text_differs = [t for _, t in old_blocks] != new_texts
    if not (change.changed or text_differs):
        return change
    # In an import's run of files (`search.schema.blocks_indexed_at_end`) the blocks
    # written so far are indexed first: the index must hold a block to take it out.
    blocks_index_pending(connection)
    document.blocks.all().delete()
    document.sections.all().delete()
    counts = _block_counts(sections)
    with blocks_indexed_in_bulk(connection, [document.pk]):
        _write_structure(
            document=document, sections=sections, counts=counts, anchors=alignment.anchors
        )
    document.text_revision += 1
    document.text_changed_at = timezone.now()
    for name, value in _derived_from_inputs(sections, counts, document.language).items():
        setattr(document, name, value)
    derived_fields = ["word_count", "reading_minutes", "text_hash"]
    document.save(update_fields=["text_changed_at", "text_revision", "updated_at", *derived_fields])
    _aliases_update(document=document, alignment=alignment, existing=existing_aliases)
    change.revision = TextRevision.objects.create(
        document=document,
        number=document.text_revision,
        source_name=source_name[:500],
        report={"paragraphs": report.counts(), "detail": _report_detail(report)},
    )
    return change


@dataclass(frozen=True)
class NoteInput:
    marker: str
    text: str


@transaction.atomic
def document_set_notes(*, document: Document, notes: Sequence[NoteInput]) -> None:
    """Replace the document's notes (footnotes, endnotes) with `notes`, in order."""
    from .models import Note

    Note.objects.filter(document=document).delete()
    Note.objects.bulk_create(
        [
            Note(document=document, order=n, marker=note.marker[:20], text=note.text)
            for n, note in enumerate(notes, start=1)
            if note.text.strip()
        ]
    )


def _report_detail(report) -> dict:
    return {
        "moved": report.moved,
        "edited": report.edited,
        "split": report.split,
        "merged": report.merged,
        "removed": report.removed,
        "added": report.added,
    }


def _aliases_update(*, document: Document, alignment, existing: dict[str, str]) -> None:
    """Record the merged anchors, and re-point older aliases whose target was merged in
    turn, so an alias always names a block in one step."""
    revision = document.text_revision
    for anchor, target in existing.items():
        final = alignment.aliases.get(target)
        if final and final != target:
            BlockAlias.objects.filter(document=document, anchor=anchor).update(target_anchor=final)
    BlockAlias.objects.bulk_create(
        [
            BlockAlias(document=document, anchor=anchor, target_anchor=target, revision=revision)
            for anchor, target in alignment.aliases.items()
            if anchor not in existing
        ]
    )


def document_text_revision_record(*, revision: TextRevision, discussions: dict) -> TextRevision:
    """Add what discussions did after a text change to the revision's report (called by
    the app that moved them; the library knows nothing of discussions)."""
    report = dict(revision.report)
    report["discussions"] = discussions
    revision.report = report
    revision.save(update_fields=["report"])
    return revision
