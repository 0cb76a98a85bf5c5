"""The library's pages as ready data: the filtered list and the reader of one document."""

from dataclasses import dataclass, field, fields

from django.core.paginator import Page, Paginator
from django.db import connection
from django.http import Http404

from studygroups.core import versions

from .forms import LibraryFilterForm, language_name
from .models import Author, Block, BlockAlias, Document, DocumentAuthor, Note, Section
from .reading import AssignedRange, Part, assigned_range, document_parts

PAGE_SIZE = 20
# The data version that follows every table the library's pages show (settings.DATA_VERSIONS).
LIBRARY_VERSION = "library"


class PageData:
    """A page's data as a dataclass; `as_context()` hands it to a template."""

    def as_context(self) -> dict:
        """The fields as a template context (shallow: the objects themselves)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass
class DocumentListPage(PageData):
    form: LibraryFilterForm
    page: Page
    documents: list
    querystring: str
    filtered: bool


def document_list_page(params) -> DocumentListPage:
    """A page of the documents matching the filter form bound to `params` (a QueryDict)."""
    form = LibraryFilterForm(params or None)
    if form.is_bound:
        form.is_valid()
    documents = form.filter(Document.objects.for_listing())
    page = Paginator(documents, PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return DocumentListPage(
        form=form,
        page=page,
        documents=page.object_list,
        querystring=query.urlencode(),
        filtered=any(v for k, v in params.items() if k not in {"page", "sort"}),
    )


def document_authors(document: Document) -> list[Author]:
    """The document's authors in their order (one query)."""
    return [
        link.author
        for link in DocumentAuthor.objects.filter(document=document).select_related("author")
    ]


@dataclass
class Reader(PageData):
    """A document as the reader shows it: numbered parts, the outline, the authors.
    Pages that read a document (the library, a group's discussion) add their own
    margin to it; see `templates/library/reader.html`."""

    document: Document
    authors: list[Author]
    parts: list[Part]
    sections: list[Section] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)


def reader(document: Document) -> Reader:
    """Five queries: authors, sections, blocks, notes, old anchors of merged paragraphs."""
    authors = document_authors(document)
    parts = document_parts(document)
    aliases: dict[str, list[str]] = {}
    for anchor, target in BlockAlias.objects.filter(document=document).values_list(
        "anchor", "target_anchor"
    ):
        aliases.setdefault(target, []).append(anchor)
    if aliases:
        for part in parts:
            for item in part.numbered():
                item.aliases = aliases.get(item.anchor, [])
    return Reader(
        document=document,
        authors=authors,
        parts=parts,
        sections=[p.section for p in parts if p.section],
        notes=list(document.notes.all()),
    )


@dataclass
class LibraryReader(Reader):
    language_name: str = ""
    assigned: AssignedRange = field(default_factory=AssignedRange)
    highlight: frozenset[str] = frozenset()


def library_reader(slug: str, *, start: str = "", end: str = "") -> LibraryReader:
    """The library's reader of a document, with the reading range `start`..`end` marked
    (an unusable range comes back as `assigned.error`). Http404 when there is none."""
    document = Document.objects.prefetch_related("topics", "sources").filter(slug=slug).first()
    if document is None:
        raise Http404("No such document.")
    base = reader(document)
    moved = {
        alias: item.anchor
        for part in base.parts
        for item in part.numbered()
        for alias in item.aliases
    }
    assigned = assigned_range(base.parts, start, end, moved)
    return LibraryReader(
        **base.as_context(),
        language_name=language_name(document.language, in_sentence=True),
        assigned=assigned,
        highlight=assigned.anchors,
    )


@dataclass(frozen=True)
class DocumentStamp:
    """What the library's reader of one document is rendered from, as a few numbers
    that change whenever it does (see `document_stamp`)."""

    document_id: int
    library_version: int | None
    newest_block_id: int | None
    block_count: int


def document_stamp(slug: str) -> DocumentStamp:
    """One query: the document's id, the library's data version (every write to the
    library's tables but paragraph inserts), and its newest paragraph id and paragraph
    count (which any added paragraph changes: ids only grow). Http404 when there is no
    such document, as for the reader itself."""
    block = Block._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id, (SELECT number FROM {versions.TABLE} WHERE name = %s), "  # noqa: S608
            f"(SELECT MAX(b.id) FROM {block} b WHERE b.document_id = d.id), "
            f"(SELECT COUNT(*) FROM {block} b WHERE b.document_id = d.id) "
            f"FROM {Document._meta.db_table} d WHERE d.slug = %s",
            [LIBRARY_VERSION, slug],
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such document.")
    return DocumentStamp(*row)


def anchor_resolve(document: Document, anchor: str) -> str | None:
    """The anchor of the block `anchor` names now: itself, or the block a merged
    paragraph joined (through its alias); None when it names nothing. One or two queries."""
    if Block.objects.filter(document=document, anchor=anchor).exists():
        return anchor
    return (
        BlockAlias.objects.filter(document=document, anchor=anchor)
        .values_list("target_anchor", flat=True)
        .first()
    )


def anchors_resolve(document_id: int, anchors) -> dict[str, str]:
    """{stored anchor: the anchor that holds it now} for those that moved through a merge
    (one query; anchors naming blocks are left out)."""
    anchors = {a for a in anchors if a}
    if not anchors:
        return {}
    return dict(
        BlockAlias.objects.filter(document_id=document_id, anchor__in=anchors).values_list(
            "anchor", "target_anchor"
        )
    )


def document_history(slug: str) -> dict:
    """A document and its text revisions, newest first (two queries). Http404 if none."""
    document = Document.objects.filter(slug=slug).first()
    if document is None:
        raise Http404("No such document.")
    return {"document": document, "revisions": list(document.revisions.order_by("-number"))}
