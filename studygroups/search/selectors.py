"""The search page's reads: `search()` over documents and posts, `search_in_document()`.

Both return plain dataclasses ready to render. Query count is constant: the viewer's
memberships (one query), on PostgreSQL the words parsed and the planner's estimates (two),
the kind shown's page of ids with its capped count (one statement), the other kind's
capped count, its snippets and the rows to show them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from studygroups.discussions.models import Post
from studygroups.groups.models import Group, Membership
from studygroups.library.models import Block, Document, DocumentAuthor

from . import snippets
from .backends import Count, Filters, Scope, backend_for
from .query import ParsedQuery, parse

PAGE_SIZE = 20
COUNT_CAP = 1000  # counts beyond this read "1,000+"; pages beyond it are not offered
MAX_PAGE = COUNT_CAP // PAGE_SIZE
IN_DOCUMENT_LIMIT = 50

DOCUMENTS = "document"
POSTS = "post"
KINDS = {DOCUMENTS: gettext_lazy("Documents"), POSTS: gettext_lazy("Discussions")}


@dataclass
class DocumentResult:
    document: Document
    authors: list[str]
    title_html: SafeString
    snippet_html: SafeString | None
    anchor: str  # of the paragraph that matched; "" when only the title or authors did
    score: float

    @property
    def url(self) -> str:
        url = self.document.get_absolute_url()
        return f"{url}#{self.anchor}" if self.anchor else url


@dataclass
class PostResult:
    post: Post
    snippet_html: SafeString
    score: float

    @property
    def url(self) -> str:
        return self.post.get_absolute_url()


@dataclass
class ResultPage:
    kind: str
    items: list
    number: int
    count: int
    capped: bool  # there are more than `count` results

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number * PAGE_SIZE < self.count and self.number < MAX_PAGE

    @property
    def start_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.items)


@dataclass
class SearchResults:
    query: ParsedQuery
    kind: str
    document_count: int
    post_count: int
    capped: dict = field(default_factory=dict)
    page: ResultPage | None = None

    @property
    def total(self) -> int:
        return self.document_count + self.post_count


@dataclass
class ParagraphHit:
    anchor: str
    snippet_html: SafeString
    url: str


def scope_for(user) -> Scope:
    """Which private groups' posts `user` may read (groups.rules.can_view_group: active
    members of a private group) and which groups they facilitate. One query."""
    if not user or not user.is_authenticated:
        return Scope()
    rows = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list(
        "group_id", "role", "group__visibility"
    )
    private, facilitated = set(), set()
    for group_id, role, visibility in rows:
        if visibility == Group.Visibility.PRIVATE:
            private.add(group_id)
        if role in {Membership.Role.ORGANIZER, Membership.Role.FACILITATOR}:
            facilitated.add(group_id)
    return Scope(frozenset(private), frozenset(facilitated))


def _document_page(backend, query, filters, number) -> tuple[list[DocumentResult], Count]:
    rows, count = backend.document_page(
        query, filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, cap=COUNT_CAP
    )
    return _document_results(backend, query, rows), count


def _document_results(backend, query, rows) -> list[DocumentResult]:
    if not rows:
        return []
    ids = [row.document_id for row in rows]
    block_ids = [row.block_id for row in rows if row.block_id]
    documents = Document.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "document_authors",
            queryset=DocumentAuthor.objects.select_related("author").order_by("order"),
        )
    )
    by_id = {d.pk: d for d in documents}
    anchors = dict(Block.objects.filter(pk__in=block_ids).values_list("pk", "anchor"))
    titles, texts = backend.document_snippets(query, ids, block_ids)
    results = []
    for row in rows:
        document = by_id.get(row.document_id)
        if document is None:  # deleted between the two reads
            continue
        marked_title = (titles.get(row.document_id) or (None, None))[0]
        results.append(
            DocumentResult(
                document=document,
                authors=[a.name for a in document.ordered_authors],
                title_html=snippets.to_html(marked_title or document.title),
                snippet_html=snippets.to_html(texts[row.block_id])
                if row.block_id in texts
                else None,
                anchor=anchors.get(row.block_id, ""),
                score=row.score,
            )
        )
    return results


def _post_page(backend, query, filters, scope, number) -> tuple[list[PostResult], Count]:
    rows, count = backend.post_page(
        query, filters, scope, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE, cap=COUNT_CAP
    )
    return _post_results(backend, query, rows), count


def _post_results(backend, query, rows) -> list[PostResult]:
    if not rows:
        return []
    ids = [pk for pk, _ in rows]
    posts = {
        p.pk: p
        for p in Post.objects.filter(pk__in=ids).select_related(
            "author", "discussion__group", "discussion__document"
        )
    }
    marked = backend.post_snippets(query, ids)
    return [
        PostResult(post=posts[pk], snippet_html=snippets.to_html(marked.get(pk, "")), score=score)
        for pk, score in rows
        if pk in posts
    ]


def search(
    *,
    user,
    text: str,
    filters: Filters | None = None,
    kind: str = "",
    page: int = 1,
) -> SearchResults:
    """Documents and posts matching `text` that `user` may read.

    `kind` picks the list to page through ("document" or "post"); when empty, documents
    unless only posts match. Both counts are always given (capped at COUNT_CAP).
    """
    filters = filters or Filters()
    query = parse(text)
    if not query:
        return SearchResults(query=query, kind=kind or DOCUMENTS, document_count=0, post_count=0)
    backend = backend_for()
    scope = scope_for(user)
    number = max(1, min(int(page or 1), MAX_PAGE))
    backend.prepare(query, filters, scope)
    # The kind shown: its page and its count in one statement; the other kind: its count.
    # With no kind asked for, documents are shown unless only posts match.
    if kind == POSTS:
        items, posts = _post_page(backend, query, filters, scope, number)
        documents = backend.count_documents(query, filters, cap=COUNT_CAP)
    else:
        items, documents = _document_page(backend, query, filters, number)
        if kind != DOCUMENTS and not documents.value:
            items, posts = _post_page(backend, query, filters, scope, number)
            kind = POSTS if posts.value else DOCUMENTS
        else:
            posts = backend.count_posts(query, filters, scope, cap=COUNT_CAP)
            kind = DOCUMENTS
    count = documents if kind == DOCUMENTS else posts
    return SearchResults(
        query=query,
        kind=kind,
        document_count=documents.value,
        post_count=posts.value,
        capped={DOCUMENTS: documents.capped, POSTS: posts.capped},
        page=ResultPage(
            kind=kind, items=items, number=number, count=count.value, capped=count.capped
        ),
    )


def search_documents(*, user, text: str, filters: Filters | None = None, page: int = 1):
    return search(user=user, text=text, filters=filters, kind=DOCUMENTS, page=page)


def search_posts(*, user, text: str, filters: Filters | None = None, page: int = 1):
    return search(user=user, text=text, filters=filters, kind=POSTS, page=page)


class ParagraphHits(list):
    """The first matching paragraphs of a document; `more`: others match after them."""

    more: bool = False


def search_in_document(
    *, document: Document, text: str, limit: int = IN_DOCUMENT_LIMIT
) -> ParagraphHits:
    """The first `limit` paragraphs of `document` that match `text`, in reading order.
    One query (one row more than shown, to tell whether more match)."""
    hits = ParagraphHits()
    query = parse(text)
    if not query:
        return hits
    url = document.get_absolute_url()
    rows = backend_for().paragraph_hits(query, document.pk, limit + 1)
    hits.extend(
        ParagraphHit(anchor=anchor, snippet_html=snippets.to_html(marked), url=f"{url}#{anchor}")
        for anchor, marked in rows[:limit]
    )
    hits.more = len(rows) > limit
    return hits
