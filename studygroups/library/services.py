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

from django.db import transaction
from django.db.models import Sum
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


def unique_slug(model, value: str, *, max_length: int = 300, exclude_pk=None) -> str:
    base = slugify(value)[: max_length - 8].strip("-") or "untitled"
    slug, n = base, 2
    existing = model.objects.all()
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    while existing.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def author_get_or_create(*, name: str) -> Author:
    name = " ".join(name.split())
    author = Author.objects.filter(name__iexact=name).first()
    if author:
        return author
    return Author.objects.create(name=name, slug=unique_slug(Author, name, max_length=220))


def topic_get_or_create(*, name: str) -> Topic:
    name = " ".join(name.split())
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic
    return Topic.objects.create(name=name, slug=unique_slug(Topic, name, max_length=120))


def document_set_authors(*, document: Document, names: Sequence[str]) -> None:
    DocumentAuthor.objects.filter(document=document).delete()
    seen: set[int] = set()
    for order, name in enumerate(n for n in names if n.strip()):
        author = author_get_or_create(name=name)
        if author.pk in seen:
            continue
        seen.add(author.pk)
        DocumentAuthor.objects.create(document=document, author=author, order=order)


def document_recount(*, document: Document) -> Document:
    """Recompute the stored word count and reading time from the blocks."""
    words = document.blocks.aggregate(total=Sum("word_count"))["total"] or 0
    document.word_count = words
    document.reading_minutes = reading_minutes_for(words)
    document.text_hash = hashlib.sha256(
        normalized_text(document.blocks.order_by("order").values_list("text", flat=True)).encode()
    ).hexdigest()
    Document.objects.filter(pk=document.pk).update(
        word_count=document.word_count,
        reading_minutes=document.reading_minutes,
        text_hash=document.text_hash,
    )
    return document


def _write_structure(
    *, document: Document, sections: Sequence[SectionInput], reuse: dict[str, list[str]]
) -> None:
    """Write sections and blocks. `reuse` maps normalized text to anchors to keep."""
    taken_blocks: set[str] = set()
    taken_sections: set[str] = set()
    # Anchors being reused are reserved first so a new block cannot take one.
    for anchors in reuse.values():
        taken_blocks.update(anchors)
    block_rows: list[Block] = []
    order = 0
    section_order = 0
    for part in sections:
        section = None
        if part.heading.strip():
            section = Section.objects.create(
                document=document,
                heading=part.heading.strip()[:500],
                level=min(max(part.level, 1), 6),
                order=section_order,
                anchor=_unique_anchor(part.heading, "s", taken_sections),
            )
            section_order += 1
        for item in part.blocks:
            key = normalized_text([item.text])
            if reuse.get(key):
                anchor = reuse[key].pop(0)
            else:
                anchor = _unique_anchor(item.text, "p", taken_blocks)
            block_rows.append(
                Block(
                    document=document,
                    section=section,
                    kind=item.kind,
                    order=order,
                    anchor=anchor,
                    text=item.text,
                    list_number=item.list_number,
                    word_count=count_words(item.text),
                )
            )
            order += 1
    Block.objects.bulk_create(block_rows, batch_size=500)


@transaction.atomic
def document_create(
    *,
    title: str,
    sections: Sequence[SectionInput],
    subtitle: str = "",
    authors: Sequence[str] = (),
    organization: str = "",
    venue: str = "",
    language: str = "en",
    published: date | None = None,
    date_precision: str = "",
    needs_review: bool = False,
    review_note: str = "",
    topics: Sequence[str] = (),
    source: SourceInput | None = None,
) -> Document:
    """Create a document with its text. Precondition: at least one non-empty block."""
    if not any(b.text.strip() for s in sections for b in s.blocks):
        from django.core.exceptions import ValidationError

        raise ValidationError("A document needs at least one paragraph of text.")
    title = " ".join(title.split())[:300] or "Untitled document"
    document = Document(
        title=title,
        subtitle=" ".join(subtitle.split())[:300],
        slug=unique_slug(Document, title, max_length=320),
        organization=organization[:200],
        venue=venue[:300],
        language=language or "en",
        published=published,
        date_precision=date_precision if published else "",
        needs_review=needs_review,
        review_note=review_note[:500],
        text_changed_at=timezone.now(),
    )
    document.full_clean()
    document.save()
    document_set_authors(document=document, names=authors)
    for name in topics:
        document.topics.add(topic_get_or_create(name=name))
    _write_structure(document=document, sections=sections, reuse={})
    if source is not None:
        document_add_source(document=document, source=source, primary=True)
    document_recount(document=document)
    return document


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
    return DocumentSource.objects.create(
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
    _write_structure(document=document, sections=sections, reuse=reuse)
    document.text_changed_at = timezone.now()
    document.save(update_fields=["text_changed_at", "updated_at"])
    document_recount(document=document)
    return change
