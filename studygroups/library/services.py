"""Every write to the library that touches several rows.

The importer, the demo loader and the admin all create and correct documents through
these functions, so derived fields (word counts, reading time, text hash) and stable
anchors are always right.
"""

from __future__ import annotations

import difflib
import hashlib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import slugify

from .models import (
    Author,
    Block,
    Document,
    DocumentAuthor,
    DocumentSource,
    Section,
    Topic,
    count_words,
    reading_minutes_for,
)


@dataclass(frozen=True)
class BlockInput:
    text: str
    kind: str = Block.Kind.PARAGRAPH
    list_number: int | None = None
    words: int | None = None  # count_words(text), when the caller has it already

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
    sections_before: list[str] = field(default_factory=list)
    sections_after: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.edited) or (
            self.sections_before != self.sections_after
        )


def normalized_text(texts: Iterable[str]) -> str:
    """The text as compared for duplicates: NFKC, casefolded, whitespace collapsed."""
    joined = " ".join(texts)
    joined = unicodedata.normalize("NFKC", joined).casefold()
    return " ".join(joined.split())


def text_hash_for(sections: Sequence[SectionInput]) -> str:
    texts = [b.text for s in sections for b in s.blocks]
    return hashlib.sha256(normalized_text(texts).encode()).hexdigest()


def _anchor_base(text: str, prefix: str) -> str:
    digest = hashlib.sha1(normalized_text([text]).encode(), usedforsecurity=False).hexdigest()
    return f"{prefix}-{digest[:6]}"


def _unique_anchor(text: str, prefix: str, taken: set[str]) -> str:
    base = _anchor_base(text, prefix)
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
    candidates = sorted(
        {base if n == 1 else f"{base}-{n}" for base in bases for n in range(1, SLUG_CANDIDATES + 1)}
    )
    taken: set[str] = set()
    for start in range(0, len(candidates), 500):  # within every backend's parameter limit
        chunk = candidates[start : start + 500]
        taken.update(existing.filter(slug__in=chunk).values_list("slug", flat=True))
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
    """The authors named in each list, found case-insensitively or created: four small
    queries however many names (none without names). Blank names are skipped; a name
    given twice (in any case) is one author."""
    cleaned = [[" ".join(n.split()) for n in names if n.strip()] for names in name_lists]
    distinct = list(dict.fromkeys(name for names in cleaned for name in names))
    if not distinct:
        return [[] for _ in cleaned]
    # One folding decides every match, the database's UPPER(), whether the other name is
    # in the table or in this same batch; the lookup goes through the index on
    # UPPER(name) (`name__iexact` is a LIKE on SQLite, which reads the whole table).
    key_of = dict(zip(distinct, _database_upper(distinct), strict=True))
    found: dict[str, Author] = {}
    rows = (
        Author.objects.annotate(upper_name=Upper("name"))
        .filter(upper_name__in=set(key_of.values()))
        .order_by("pk")
    )
    for author in rows:
        found.setdefault(author.upper_name, author)
    new: dict[str, Author] = {}
    for name in distinct:
        if key_of[name] not in found and key_of[name] not in new:
            new[key_of[name]] = Author(name=name)
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
    sections: Sequence[SectionInput], counts: Sequence[int], text_hash: str = ""
) -> dict:
    if text_hash:  # the caller's text_hash_for(sections)
        words = sum(counts)
        return {
            "word_count": words,
            "reading_minutes": reading_minutes_for(words),
            "text_hash": text_hash,
        }
    return _derived_counts([b.text for s in sections for b in s.blocks], sum(counts))


def _derived_counts(texts: Sequence[str], words: int) -> dict:
    return {
        "word_count": words,
        "reading_minutes": reading_minutes_for(words),
        "text_hash": hashlib.sha256(normalized_text(texts).encode()).hexdigest(),
    }


def document_recount(*, document: Document) -> Document:
    """Recompute the stored word count, reading time and text hash from the blocks."""
    rows = list(document.blocks.order_by("order").values_list("text", "word_count"))
    derived = _derived_counts([text for text, _ in rows], sum(words for _, words in rows))
    for name, value in derived.items():
        setattr(document, name, value)
    Document.objects.filter(pk=document.pk).update(**derived)
    return document


@dataclass(frozen=True)
class _StructureJob:
    document: Document
    sections: Sequence[SectionInput]
    counts: Sequence[int]  # the blocks' word counts, in order
    reuse: dict[str, list[str]]  # normalized text -> anchors to keep (consumed in order)


def _write_structure(
    *,
    document: Document,
    sections: Sequence[SectionInput],
    counts: Sequence[int],
    reuse: dict[str, list[str]],
) -> None:
    """Write sections and blocks in two bulk inserts."""
    _write_structures([_StructureJob(document, sections, counts, reuse)])


def _write_structures(jobs: Sequence[_StructureJob]) -> None:
    """Write the sections and blocks of several documents in two bulk inserts."""
    planned: list[tuple[_StructureJob, list[Section | None]]] = []
    headed: list[Section] = []
    for job in jobs:
        taken_sections: set[str] = set()
        section_rows: list[Section | None] = []
        order = 0
        for part in job.sections:
            section = None
            if part.heading.strip():
                section = Section(
                    document=job.document,
                    heading=part.heading.strip()[:500],
                    level=min(max(part.level, 1), 6),
                    order=order,
                    anchor=_unique_anchor(part.heading, "s", taken_sections),
                )
                headed.append(section)
                order += 1
            section_rows.append(section)
        planned.append((job, section_rows))
    Section.objects.bulk_create(headed)
    rows: list[tuple] = []
    for job, section_rows in planned:
        # Anchors being reused are reserved first so a new block cannot take one.
        taken_blocks = {anchor for anchors in job.reuse.values() for anchor in anchors}
        order = 0
        for part, section in zip(job.sections, section_rows, strict=True):
            section_id = section.pk if section else None
            for item in part.blocks:
                anchor = None
                if job.reuse:
                    kept = job.reuse.get(normalized_text([item.text]))
                    anchor = kept.pop(0) if kept else None
                if anchor is None:
                    anchor = _unique_anchor(item.text, "p", taken_blocks)
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
            **_derived_from_inputs(item.sections, counts, item.text_hash),
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
    _write_structures(
        [
            _StructureJob(document, item.sections, counts, {})
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
def document_replace_text(*, document: Document, sections: Sequence[SectionInput]) -> TextChange:
    """Replace the text of a document, keeping the anchor of every paragraph that survives.

    A paragraph keeps its anchor when its text is unchanged, or when it is the edited
    version of an old paragraph at the same place in the sequence (difflib alignment,
    similarity >= 0.6). Discussions and reading ranges that point at it stay attached.
    """
    old_blocks = list(document.blocks.order_by("order").values_list("anchor", "text"))
    change = TextChange(
        sections_before=list(document.sections.values_list("heading", flat=True)),
        sections_after=[s.heading.strip() for s in sections if s.heading.strip()],
    )
    new_texts = [b.text for s in sections for b in s.blocks]
    old_keys = [normalized_text([t]) for _, t in old_blocks]
    new_keys = [normalized_text([t]) for t in new_texts]
    reuse: dict[str, list[str]] = {}
    matcher = difflib.SequenceMatcher(a=old_keys, b=new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                reuse.setdefault(new_keys[j1 + offset], []).append(old_blocks[i1 + offset][0])
                change.kept += 1
        elif tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for offset in range(pairs):
                old_key, new_key = old_keys[i1 + offset], new_keys[j1 + offset]
                ratio = difflib.SequenceMatcher(a=old_key, b=new_key, autojunk=False).ratio()
                if ratio >= 0.6:
                    reuse.setdefault(new_key, []).append(old_blocks[i1 + offset][0])
                    change.edited += 1
                else:
                    change.removed += 1
                    change.added += 1
            change.removed += (i2 - i1) - pairs
            change.added += (j2 - j1) - pairs
        elif tag == "delete":
            change.removed += i2 - i1
        elif tag == "insert":
            change.added += j2 - j1
    if not change.changed:
        return change
    document.blocks.all().delete()
    document.sections.all().delete()
    counts = _block_counts(sections)
    _write_structure(document=document, sections=sections, counts=counts, reuse=reuse)
    document.text_changed_at = timezone.now()
    for name, value in _derived_from_inputs(sections, counts).items():
        setattr(document, name, value)
    derived_fields = ["word_count", "reading_minutes", "text_hash"]
    document.save(update_fields=["text_changed_at", "updated_at", *derived_fields])
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
