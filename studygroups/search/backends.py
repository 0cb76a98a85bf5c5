"""The two search backends behind one interface; `backend_for(connection)` picks one.

Each backend answers in ids, scores and marked snippets (see snippets.py); selectors.py
turns them into results ready to render. Scores are "higher is better" on both. Ranking
is exact among the CANDIDATES newest matches of each kind; counts stop at the caller's
cap (the page shows "1,000+"). The kind being shown is read in one statement per search:
its page and its capped count come from the same newest matches (`document_page`,
`post_page`), so its index is scanned once; the other kind is only counted.

Who may read which posts is given as a `Scope` (computed once per request by
selectors.scope_for from the groups' rules): posts of non-private groups, and of the
private groups where the searcher is an active member. Posts in threads that answer a
question "answer before seeing others" are left out unless the searcher facilitates the
group (the discussion page's AnswerGate decides per thread; search does not reveal them).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from .query import ParsedQuery
from .schema import PG_CONFIGS
from .snippets import START, STOP

TITLE_BOOST = 10.0  # a match in the title, an author or the organization comes first
CANDIDATES = 1000  # the newest matches ranked per kind, so a common word costs what a rare one does
# The newest rows are first walked this far, then looked up in the index (PostgreSQL; see
# `PostgresBackend._newest`): ~20 ms at most, found there if in one row of fifty.
PHRASE_WALK = 50 * CANDIDATES


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool  # there are more than `value`


@dataclass(frozen=True)
class Scope:
    private_group_ids: frozenset[int] = frozenset()
    facilitated_group_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Filters:
    language: str = ""
    author_id: int | None = None
    group_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class DocumentRow:
    document_id: int
    score: float
    block_id: int | None  # the best matching paragraph, if the text matched


@dataclass
class Sql:
    parts: list[str] = field(default_factory=list)
    params: list = field(default_factory=list)

    def add(self, sql: str, *params) -> Sql:
        self.parts.append(sql)
        self.params.extend(params)
        return self

    def extend(self, other: Sql) -> Sql:
        self.parts.extend(other.parts)
        self.params.extend(other.params)
        return self

    @property
    def sql(self) -> str:
        return "\n".join(self.parts)


def _ids(values) -> str:
    return ", ".join(str(int(v)) for v in values)


def _rowids(ids) -> str:
    """FTS5: `rowid` among `ids`, as one scan of the MATCH over their range. FTS5 reads a
    term's whole doclist for each `rowid =` it is given, so `rowid IN (20 ids)` cost 20
    such reads (~18 ms for the snippets of a phrase of common words at 1M posts, 0.7 ms
    this way); `+` keeps the IN from being handed to FTS5."""
    ids = [int(v) for v in ids]
    return f"rowid >= {min(ids)} AND rowid <= {max(ids)} AND +rowid IN ({_ids(ids)})"


class Backend:
    vendor = ""

    def __init__(self, connection: BaseDatabaseWrapper):
        self.connection = connection

    # -- pieces each backend provides
    def _date(self, value: dt.date):
        raise NotImplementedError

    def _day_start(self, value: dt.date):
        raise NotImplementedError

    def _readable(self, scope) -> str:
        """Live, and not in a thread answering a question its author must answer first.

        Only a thread's root answers a question (a constraint on Post): a root is checked
        by its own question, with no lookup when it has none; a reply by its root's. The
        root's lookup cost ~2 µs a row, and four posts in ten are roots."""
        gate = (
            "CASE WHEN p.parent_id IS NULL THEN (p.question_id IS NULL OR NOT EXISTS ("
            "SELECT 1 FROM curricula_discussionquestion q "
            "WHERE q.id = p.question_id AND q.answer_before_seeing)) "
            "ELSE NOT EXISTS (SELECT 1 FROM discussions_post r "
            "JOIN curricula_discussionquestion q ON q.id = r.question_id "
            f"WHERE r.id = {self._root_id()} AND q.answer_before_seeing) END"
        )
        if scope.facilitated_group_ids:
            gate += (
                " OR p.discussion_id IN (SELECT id FROM discussions_discussion "
                f"WHERE group_id IN ({_ids(scope.facilitated_group_ids)}))"
            )
        return f"p.deleted_at IS NULL AND p.hidden_at IS NULL AND ({gate})"

    def _root_id(self) -> str:
        raise NotImplementedError

    def document_snippets(self, query, document_ids, block_ids) -> tuple[dict, dict]:
        raise NotImplementedError

    def post_snippets(self, query, post_ids) -> dict[int, str]:
        raise NotImplementedError

    def paragraph_hits(self, query, document_id: int, limit: int) -> list[tuple[str, str]]:
        """(anchor, marked snippet) of the matching blocks of one document, in order."""
        raise NotImplementedError

    # -- shared SQL
    def _document_filters(self, filters: Filters) -> Sql:
        where = Sql()
        if filters.language:
            where.add("AND d.language = %s", filters.language)
        if filters.author_id:
            where.add(
                "AND EXISTS (SELECT 1 FROM library_documentauthor da "
                "WHERE da.document_id = d.id AND da.author_id = %s)",
                filters.author_id,
            )
        if filters.group_id:
            where.add(
                "AND EXISTS (SELECT 1 FROM discussions_discussion dg "
                "WHERE dg.document_id = d.id AND dg.group_id = %s)",
                filters.group_id,
            )
        if filters.since:
            where.add("AND d.published >= %s", self._date(filters.since))
        if filters.until:
            where.add("AND d.published <= %s", self._date(filters.until))
        return where

    def _fetch(self, sql: Sql) -> list[tuple]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql.sql, sql.params)
            return cursor.fetchall()

    # -- the interface
    def prepare(self, query: ParsedQuery, filters: Filters, scope: Scope) -> None:
        """Called once before a search's statements, with everything they will need."""

    def count_documents(self, query: ParsedQuery, filters: Filters, *, cap: int) -> Count:
        """The same count as `document_page`'s (the same newest paragraphs), so the tab's
        "349+" does not change with the tab shown; without ranking."""
        sql = self._document_ctes(query, filters, score=False).add(self._document_counts())
        return self._page_and_count(self._fetch(sql), cap)[1]

    def document_page(
        self, query: ParsedQuery, filters: Filters, *, offset: int, limit: int, cap: int
    ) -> tuple[list[DocumentRow], Count]:
        """One page of documents, best first, and their count capped at `cap` (the same
        count as `count_documents`), from one statement."""
        sql = self._document_ctes(query, filters)
        sql.add(", page AS (SELECT document_id, score, block_id FROM grouped")
        sql.add(f"  ORDER BY score DESC, document_id LIMIT {int(limit)} OFFSET {int(offset)})")
        sql.add("SELECT t.total, t.more, page.document_id, page.score, page.block_id")
        sql.add(f"FROM ({self._document_counts()}) AS t LEFT JOIN page ON true")
        sql.add("ORDER BY page.score DESC, page.document_id")
        page, count = self._page_and_count(self._fetch(sql), cap)
        return [DocumentRow(int(d), float(s), b) for d, s, b in page], count

    def count_posts(self, query: ParsedQuery, filters: Filters, scope: Scope, *, cap: int) -> Count:
        raise NotImplementedError

    def post_page(
        self,
        query: ParsedQuery,
        filters: Filters,
        scope: Scope,
        *,
        offset: int,
        limit: int,
        cap: int,
    ) -> tuple[list[tuple[int, float]], Count]:
        """(post id, score) of one page, best first, and the posts' count capped at `cap`
        (the same count as `count_posts`), from one statement."""
        raise NotImplementedError

    @staticmethod
    def _page_and_count(rows, cap: int) -> tuple[list[tuple], Count]:
        """Rows of `SELECT <count>, <more>, <page columns...> FROM (one row of counts)
        LEFT JOIN page ON true`: the page (no rows past its end) and the count capped at
        `cap`, capped too when `more` says the count is a lower bound."""
        count, more = rows[0][0], bool(rows[0][1])
        page = [row[2:] for row in rows if len(row) > 2 and row[2] is not None]
        return page, Count(min(count, cap), count > cap or more)

    # -- documents: each backend's `_document_ctes` defines `candidates` (the newest
    # CANDIDATES matching paragraphs) and `grouped` (one row per document, its score).
    def _document_ctes(self, query: ParsedQuery, filters: Filters, *, score: bool = True) -> Sql:
        raise NotImplementedError

    @staticmethod
    def _document_counts() -> str:
        """The documents found (`grouped`), and whether that is a lower bound: they were
        gathered from the newest CANDIDATES matching paragraphs, and more may match."""
        return (
            "SELECT (SELECT count(*) FROM grouped) AS total, "
            f"(SELECT count(*) FROM candidates) >= {CANDIDATES} AS more"
        )


class SQLiteBackend(Backend):
    """FTS5 with bm25 (lower is better there, so scores are negated)."""

    vendor = "sqlite"

    def _date(self, value):
        return value.isoformat()

    def _day_start(self, value):
        return value.isoformat()

    def _root_id(self) -> str:
        return "CAST(substr(p.path, 1, 12) AS INTEGER)"

    # Ranking is exact among the CANDIDATES most recent matches of each kind: a word
    # found in a tenth of a million posts is ranked over its newest matches (bm25 for
    # every match of such a word costs ~100 ms at 1M posts; see tests/bench).
    def _document_ctes(self, query, filters, *, score: bool = True) -> Sql:
        match = query.fts5()
        k = CANDIDATES
        meta_score = "bm25(search_document_fts, 10.0, 4.0, 6.0)" if score else "0"
        sql = Sql().add("WITH meta AS MATERIALIZED (")
        sql.add(
            f"  SELECT * FROM (SELECT rowid AS document_id, {TITLE_BOOST} - "
            f"{meta_score} AS score, NULL AS block_id"
        )
        sql.add("  FROM search_document_fts WHERE search_document_fts MATCH %s", match)
        sql.add(f"  ORDER BY rowid DESC LIMIT {k})")
        # Every word in the title itself counts for more than in the subtitle or a name.
        sql.add(f"  UNION ALL SELECT * FROM (SELECT rowid, {TITLE_BOOST}, NULL")
        sql.add(
            "  FROM search_document_fts WHERE search_document_fts MATCH %s", f"title : ( {match} )"
        )
        sql.add(f"  ORDER BY rowid DESC LIMIT {k})")
        sql.add("), candidates AS MATERIALIZED (")
        sql.add("  SELECT b.document_id, b.id AS block_id")
        sql.add("  FROM search_block_fts JOIN library_block b ON b.id = search_block_fts.rowid")
        filters_sql = self._document_filters(filters)
        if filters_sql.parts:
            sql.add("  JOIN library_document d ON d.id = b.document_id")
        sql.add("  WHERE search_block_fts MATCH %s", match).extend(filters_sql)
        sql.add(f"  ORDER BY search_block_fts.rowid DESC LIMIT {k}")
        if score:
            # bm25 from a MATCH of the words alone over the candidates' range (see posts).
            sql.add("), ranked AS MATERIALIZED (")
            sql.add("  SELECT rowid AS block_id, -bm25(search_block_fts) AS score")
            sql.add("  FROM search_block_fts WHERE search_block_fts MATCH %s", query.fts5_words())
            sql.add("  AND rowid >= (SELECT min(block_id) FROM candidates)")
            sql.add("  AND rowid <= (SELECT max(block_id) FROM candidates)")
            sql.add("), body AS MATERIALIZED (")
            sql.add("  SELECT c.document_id, c.block_id, r.score FROM candidates c")
            sql.add("  JOIN ranked r ON r.block_id = c.block_id")
        else:
            sql.add("), body AS MATERIALIZED (")
            sql.add("  SELECT document_id, block_id, 0 AS score FROM candidates")
        sql.add("), best AS (")
        # SQLite: the bare column block_id comes from the row holding max(score).
        sql.add(
            "  SELECT document_id, block_id, max(score) AS score FROM body GROUP BY document_id"
        )
        sql.add("), hits AS (")
        sql.add("  SELECT document_id, score, block_id FROM meta")
        sql.add("  UNION ALL SELECT document_id, score, block_id FROM best")
        sql.add("), grouped AS (")
        sql.add(
            "  SELECT h.document_id AS document_id, sum(h.score) AS score, "
            "max(h.block_id) AS block_id"
        )
        sql.add("  FROM hits h JOIN library_document d ON d.id = h.document_id WHERE 1 = 1")
        sql.extend(self._document_filters(filters))
        sql.add("  GROUP BY h.document_id")
        sql.add(")")
        return sql

    def _post_candidates(self, query, filters, scope, *, limit: int) -> Sql:
        """Ids of live posts the scope may read, newest first: permissions and the group
        filter are scope tokens inside the MATCH (no join per matching row)."""
        # "Not in a closed group, unless one of mine": FTS5 evaluates NOT over the closed
        # groups' (smaller) doclist several times faster than AND over the open ones'.
        closed = '"closed"'
        if scope.private_group_ids:
            mine = " OR ".join(f'"g{int(pk)}"' for pk in sorted(scope.private_group_ids))
            closed = f'"closed" NOT scope : ( {mine} )'
        match = f"body : ( {query.fts5()} ) NOT scope : ( {closed} )"
        if filters.group_id:
            match += f' AND scope : "g{int(filters.group_id)}"'
        sql = Sql().add(
            "SELECT f.rowid AS id FROM search_post_fts f JOIN discussions_post p ON p.id = f.rowid"
        )
        needs_document = filters.language or filters.author_id
        if needs_document:
            sql.add("JOIN discussions_discussion di ON di.id = p.discussion_id")
            sql.add("JOIN library_document d ON d.id = di.document_id")
        sql.add("WHERE search_post_fts MATCH %s", match)
        sql.add("AND " + self._readable(scope))
        if filters.language:
            sql.add("AND d.language = %s", filters.language)
        if filters.author_id:
            sql.add(
                "AND EXISTS (SELECT 1 FROM library_documentauthor da "
                "WHERE da.document_id = d.id AND da.author_id = %s)",
                filters.author_id,
            )
        if filters.since:
            sql.add("AND p.created_at >= %s", self._day_start(filters.since))
        if filters.until:
            sql.add("AND p.created_at < %s", self._day_start(filters.until + dt.timedelta(days=1)))
        return sql.add(f"ORDER BY f.rowid DESC LIMIT {int(limit)}")

    def count_posts(self, query, filters, scope, *, cap):
        inner = self._post_candidates(query, filters, scope, limit=cap + 1)
        count = self._fetch(Sql().add("SELECT count(*) FROM (").extend(inner).add(")"))[0][0]
        return Count(min(count, cap), count > cap)

    def post_page(self, query, filters, scope, *, offset, limit, cap):
        # The newest max(cap + 1, CANDIDATES) readable matches give the count; the newest
        # CANDIDATES of them are ranked. bm25 is computed by a second MATCH on the body's
        # words alone, over the candidates' rowid range: bm25 weighs each phrase of its
        # MATCH by first finding it in every row, which for the scope tokens meant every
        # post of every open group (~50 ms at 1M posts) and for a quoted phrase every
        # position of its words.
        inner = self._post_candidates(query, filters, scope, limit=max(cap + 1, CANDIDATES))
        sql = Sql().add("WITH newest AS MATERIALIZED (").extend(inner).add(")")
        sql.add(", candidates AS MATERIALIZED (")
        sql.add(f"  SELECT id FROM newest ORDER BY id DESC LIMIT {CANDIDATES}")
        sql.add("), ranked AS MATERIALIZED (")
        sql.add("  SELECT rowid AS id, -bm25(search_post_fts, 1.0, 0.0) AS score")
        sql.add(
            "  FROM search_post_fts WHERE search_post_fts MATCH %s",
            f"body : ( {query.fts5_words()} )",
        )
        sql.add("  AND rowid >= (SELECT min(id) FROM candidates)")
        sql.add("  AND rowid <= (SELECT max(id) FROM candidates)")
        sql.add("), page AS (")
        sql.add("  SELECT r.id, r.score FROM ranked r JOIN candidates c ON c.id = r.id")
        sql.add(f"  ORDER BY r.score DESC, r.id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
        sql.add(")")
        sql.add("SELECT t.total, 0, page.id, page.score")
        sql.add("FROM (SELECT count(*) AS total FROM newest) AS t LEFT JOIN page ON 1")
        sql.add("ORDER BY page.score DESC, page.id DESC")
        page, count = self._page_and_count(self._fetch(sql), cap)
        return [(int(pk), float(score)) for pk, score in page], count

    def document_snippets(self, query, document_ids, block_ids):
        titles, snippets = {}, {}
        match = query.fts5()
        if document_ids:
            rows = self._fetch(
                Sql().add(
                    f"SELECT rowid, highlight(search_document_fts, 0, '{START}', '{STOP}'), "
                    f"highlight(search_document_fts, 2, '{START}', '{STOP}') "
                    "FROM search_document_fts WHERE search_document_fts MATCH %s "
                    f"AND {_rowids(document_ids)}",
                    match,
                )
            )
            titles = {pk: (title, authors) for pk, title, authors in rows}
        if block_ids:
            rows = self._fetch(
                Sql().add(
                    f"SELECT rowid, snippet(search_block_fts, 0, '{START}', '{STOP}', '…', 40) "
                    "FROM search_block_fts WHERE search_block_fts MATCH %s "
                    f"AND {_rowids(block_ids)}",
                    match,
                )
            )
            snippets = dict(rows)
        return titles, snippets

    def post_snippets(self, query, post_ids):
        if not post_ids:
            return {}
        return dict(
            self._fetch(
                Sql().add(
                    f"SELECT rowid, snippet(search_post_fts, 0, '{START}', '{STOP}', '…', 40) "
                    "FROM search_post_fts WHERE search_post_fts MATCH %s "
                    f"AND {_rowids(post_ids)}",
                    f"body : ( {query.fts5()} )",
                )
            )
        )

    def paragraph_hits(self, query, document_id, limit):
        return self._fetch(
            Sql().add(
                "SELECT b.anchor, snippet(search_block_fts, 0, "
                f"'{START}', '{STOP}', '…', 40) FROM search_block_fts "
                "JOIN library_block b ON b.id = search_block_fts.rowid "
                "WHERE search_block_fts MATCH %s AND b.document_id = %s "
                f'ORDER BY b."order" LIMIT {int(limit)}',
                query.fts5(),
                document_id,
            )
        )


HEADLINE = f"StartSel={START}, StopSel={STOP}, MaxWords=40, MinWords=15, ShortWord=2, " + (
    'MaxFragments=2, FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


class PostgresBackend(Backend):
    """tsvector tables with GIN indexes; the query is parsed by every configuration and
    the results OR-ed, so a word finds texts in each language by that language's stem."""

    vendor = "postgresql"

    def _date(self, value):
        return value

    def _day_start(self, value):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)

    def _root_id(self) -> str:
        return "CAST(substr(p.path, 1, 12) AS bigint)"

    def _tsquery(self, query: ParsedQuery, config: str | None = None) -> Sql:
        """The tsquery for `config` (an SQL expression), or for every configuration OR-ed.

        For every configuration, the distinct parsed queries are fetched first and
        passed as constants: the same lexeme OR-ed seven times (most words parse alike
        in every language) made the planner expect seven times the matches and pick a
        sequential scan."""
        if config is None:
            texts = self._distinct_tsqueries(query)
            if not texts:
                return Sql(["''::tsquery"], [])
            return Sql([" || ".join(["%s::tsquery"] * len(texts))], list(texts))
        return self._tsquery_sql(query, config)

    def _tsquery_sql(self, query: ParsedQuery, cfg: str) -> Sql:
        pieces = Sql()
        if query.plain_words:
            pieces.add(f"plainto_tsquery({cfg}, %s)", " ".join(query.plain_words))
        for phrase in query.phrases:
            pieces.add(f"phraseto_tsquery({cfg}, %s)", phrase)
        return Sql(["(" + " && ".join(pieces.parts) + ")"], pieces.params)

    def _distinct_tsqueries(self, query: ParsedQuery) -> tuple[str, ...]:
        """Also reads the index tables' sizes for `_estimate`, in the same statement."""
        cache = self.__dict__.setdefault("_parsed", {})
        if query not in cache:
            inner = self._tsquery_sql(query, "cfg")
            sql = Sql().add("SELECT ARRAY(SELECT DISTINCT q::text FROM (SELECT ").extend(inner)
            sql.add("AS q FROM unnest(%s::regconfig[]) AS cfg) AS parsed", list(PG_CONFIGS))
            sql.add("WHERE q::text <> '' ORDER BY 1)")
            for table in ("search_block", "search_post"):
                sql.add(
                    ", (SELECT greatest(reltuples, 0) FROM pg_class "
                    f"WHERE oid = '{table}'::regclass)"
                )
            texts, blocks, posts = self._fetch(sql)[0]
            cache[query] = tuple(texts)
            self.__dict__["_rows"] = {"search_block": float(blocks), "search_post": float(posts)}
        return cache[query]

    # As on SQLite, ranking is exact among the CANDIDATES newest matching blocks and
    # posts: ts_rank over every match of a common word reads every matching vector.
    def _document_ctes(self, query, filters, *, score: bool = True) -> Sql:
        """meta (title, authors), candidates (the newest CANDIDATES matching paragraphs),
        body (each document's best of them), grouped (one row per document, filtered).
        Counted "more than" when the paragraphs reached CANDIDATES: the documents are
        then counted from some of their matching paragraphs only (a lower bound, "349+";
        349 documents can hold 38,000 matching paragraphs, "reading" at 10,000 documents)."""
        q = self._tsquery(query)
        filters_sql = self._document_filters(filters)
        sql = Sql().add("WITH meta AS MATERIALIZED (")
        if score:
            sql.add(f"  SELECT document_id, {TITLE_BOOST} + 10 * ts_rank(vector, ").extend(q)
            sql.add("  ) AS score,")
        else:
            sql.add("  SELECT document_id, 0 AS score,")
        sql.add("  NULL::bigint AS block_id FROM search_document WHERE vector @@ (").extend(q)
        sql.add(")")
        sql.add("), candidates AS MATERIALIZED (")
        where = self._block_where(query, filters, vector=score)
        sql.extend(self._newest(where, "search_block", "s.block_id", CANDIDATES, query=query))
        sql.add("), body AS MATERIALIZED (")
        if score:
            sql.add("  SELECT DISTINCT ON (document_id) document_id, block_id, 10 * ts_rank(")
            sql.add("  vector, ").extend(q).add(") AS score FROM candidates")
            sql.add("  ORDER BY document_id, score DESC, block_id")
        else:
            sql.add("  SELECT DISTINCT document_id, NULL::bigint AS block_id, 0 AS score")
            sql.add("  FROM candidates")
        sql.add("), hits AS (")
        sql.add("  SELECT document_id, score, block_id FROM meta")
        sql.add("  UNION ALL SELECT document_id, score, block_id FROM body")
        sql.add("), grouped AS MATERIALIZED (")
        sql.add(
            "  SELECT h.document_id AS document_id, sum(h.score) AS score, "
            "max(h.block_id) AS block_id"
        )
        sql.add("  FROM hits h JOIN library_document d ON d.id = h.document_id WHERE true")
        sql.extend(filters_sql)
        sql.add("  GROUP BY h.document_id")
        sql.add(")")
        return sql

    def _block_where(self, query, filters, *, vector: bool) -> Sql:
        """Matching paragraphs of documents that pass the filters."""
        filters_sql = self._document_filters(filters)
        where = Sql().add(
            "SELECT s.document_id, s.block_id"
            + (", s.vector" if vector else "")
            + " FROM search_block s"
        )
        if filters_sql.parts:
            where.add("JOIN library_document d ON d.id = s.document_id")
        where.add("WHERE s.vector @@ (").extend(self._tsquery(query)).add(")")
        return where.extend(filters_sql)

    def _post_where(self, query, filters, scope, *, vector: bool) -> Sql:
        """Matching posts the scope may read (search_post carries group, document and
        date, so only the group's visibility needs a join); live and not gated is checked
        after (`_readable`), on the few rows kept."""
        sql = Sql().add(
            "SELECT s.post_id" + (", s.vector" if vector else "") + " FROM search_post s "
            "JOIN groups_group g ON g.id = s.group_id"
        )
        if filters.language or filters.author_id:
            sql.add("JOIN library_document d ON d.id = s.document_id")
        sql.add("WHERE s.vector @@ (").extend(self._tsquery(query)).add(")")
        if scope.private_group_ids:
            sql.add(f"AND (g.visibility <> 'private' OR g.id IN ({_ids(scope.private_group_ids)}))")
        else:
            sql.add("AND g.visibility <> 'private'")
        if filters.language:
            sql.add("AND d.language = %s", filters.language)
        if filters.author_id:
            sql.add(
                "AND EXISTS (SELECT 1 FROM library_documentauthor da "
                "WHERE da.document_id = s.document_id AND da.author_id = %s)",
                filters.author_id,
            )
        if filters.group_id:
            sql.add("AND s.group_id = %s", filters.group_id)
        if filters.since:
            sql.add("AND s.created_at >= %s", self._day_start(filters.since))
        if filters.until:
            sql.add("AND s.created_at < %s", self._day_start(filters.until + dt.timedelta(days=1)))
        return sql

    def _newest(
        self,
        where: Sql,
        table: str,
        id_column: str,
        limit: int,
        *,
        query: ParsedQuery,
        any_when_indexed: bool = False,
    ) -> Sql:
        """`where`'s newest `limit` rows.

        Two ways, and the cheaper one depends on how common the matches are: walking the
        primary key backwards and testing every row reads about `limit` × rows ÷ matches
        rows (~40 ms for a word in every tenth of 1M posts, seconds for a rare word); a
        bitmap scan of the GIN index reads every match (a millisecond for a rare word, a
        second for a word in every tenth post). The walk is cheaper when matches exceed
        √(limit × rows); both figures are the planner's (`_estimate`), for `where` with
        its filters. `+ 0` rules the walk out, since the planner's estimates for our
        OR-ed tsqueries are too poor for it to choose.

        The walk is bounded (`_walk_then_index`): an estimate too high (or a filter the
        planner misjudges) costs at most the bounded walk, never a walk of the whole
        table. A quoted phrase is always walked first: the planner estimates a phrase
        from its words as if independent (12,942 expected where 58,696 of 1M posts hold
        "reading together"), and the index's bitmap of the words' rows must be checked
        row by row for the phrase (~300 ms for a phrase of common words).

        `any_when_indexed` (counting): where the index is the cheaper, any `limit` of
        them, in the order the planner likes (it stops at `limit`, where the newest must
        collect every match to sort them)."""
        matches, rows = self._estimate(where, table)
        walk = matches * matches > limit * rows
        if not walk and not query.phrases:
            if any_when_indexed:
                return Sql().extend(where).add(f"LIMIT {int(limit)}")
            return Sql().extend(where).add(f"ORDER BY {id_column} + 0 DESC LIMIT {int(limit)}")
        span = PHRASE_WALK
        if walk:  # twice the rows it should take to find `limit`
            span = max(span, math.ceil(2 * limit * rows / max(matches, 1)))
        return self._walk_then_index(where, table, id_column, limit, span)

    def _walk_then_index(
        self, where: Sql, table: str, id_column: str, limit: int, span: int
    ) -> Sql:
        """`where`'s newest `limit` rows: first by walking the newest `span` rows, then,
        only if fewer were found there, from the GIN index among the older rows. The
        same rows as either way alone."""
        column = id_column.split(".")[1]
        floor = f"(SELECT coalesce(max({column}), 0) - {int(span)} FROM {table})"
        sql = Sql().add("WITH walked AS MATERIALIZED (").extend(where)
        sql.add(f"AND {id_column} > {floor} ORDER BY {id_column} DESC LIMIT {int(limit)}")
        sql.add(") SELECT * FROM (SELECT * FROM walked UNION ALL SELECT * FROM (").extend(where)
        sql.add(f"AND {id_column} <= {floor} ORDER BY {id_column} + 0 DESC LIMIT {int(limit)}")
        # The gate stands above the older rows' LIMIT, so that nothing under it starts
        # when the walk found enough: below it, a parallel plan launched its workers
        # (~10 ms) only to find the gate closed.
        sql.add(f") AS older WHERE (SELECT count(*) FROM walked) < {int(limit)}) AS newest")
        return sql.add(f"ORDER BY newest.{column} DESC LIMIT {int(limit)}")

    def prepare(self, query, filters, scope):
        """The planner's estimates for both kinds' matches in one EXPLAIN (each an
        InitPlan of its own), so that choosing how to find the newest costs one round
        trip per search, not one per kind."""
        wheres = {
            "search_block": self._block_where(query, filters, vector=False),
            "search_post": self._post_where(query, filters, scope, vector=False),
        }
        sql = Sql().add("EXPLAIN (FORMAT JSON) SELECT")
        for n, where in enumerate(wheres.values()):
            sql.add(", ARRAY(SELECT 1 FROM (" if n else "ARRAY(SELECT 1 FROM (")
            sql.extend(where).add(") AS w)")
        plan = self._fetch(sql)[0][0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        initplans = [node for node in plan[0]["Plan"].get("Plans", ()) if "Subplan Name" in node]
        if len(initplans) != len(wheres):  # not the plan's expected shape: ask one by one
            return
        cache = self.__dict__.setdefault("_estimates", {})
        for (table, where), node in zip(wheres.items(), initplans, strict=True):
            cache[self._where_key(where, table)] = float(node["Plan Rows"])

    @staticmethod
    def _where_key(where: Sql, table: str) -> tuple:
        """The same for a `where` whatever columns it selects (its first part)."""
        return (table, tuple(where.parts[1:]), tuple(map(str, where.params)))

    def _estimate(self, where: Sql, table: str) -> tuple[float, float]:
        """The planner's figures, no rows read: how many rows `where` gives (from
        `prepare`, else an EXPLAIN of its own), and how many `table` holds
        (pg_class.reltuples, read with the parsed query, which `where` holds). Cached
        for the request."""
        cache = self.__dict__.setdefault("_estimates", {})
        key = self._where_key(where, table)
        if key not in cache:
            plan = self._fetch(Sql().add("EXPLAIN (FORMAT JSON)").extend(where))[0][0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            cache[key] = float(plan[0]["Plan"]["Plan Rows"])
        return cache[key], self.__dict__["_rows"][table]

    def _readable_counts(self, scope, cap: int, *, vector: bool) -> Sql:
        """`newest` (matches in scope) and `readable` (those live and not gated) as CTEs,
        then `counts`: how many are readable, and whether there are more than `cap` in
        scope — then the readable count is a lower bound ("more than"), even if a few of
        them were left out by `_readable`."""
        sql = Sql().add(", readable AS MATERIALIZED (")
        sql.add("  SELECT n.post_id" + (", n.vector" if vector else ""))
        sql.add("  FROM newest n JOIN discussions_post p ON p.id = n.post_id")
        sql.add("  WHERE " + self._readable(scope))
        sql.add("), counts AS (")
        sql.add("  SELECT (SELECT count(*) FROM readable) AS total,")
        sql.add(f"  (SELECT count(*) FROM newest) > {int(cap)} AS more")
        return sql.add(")")

    def count_posts(self, query, filters, scope, *, cap):
        """The newest `cap` + 1 where they are found by walking (common words, phrases),
        else any `cap` + 1 of them; then the readable. Not any of a common word's: the
        planner reads those from the oldest pages on, whose posts then cost ~3 times as
        much to check as the newest (14 ms against 4 ms for "reading" at 1M posts)."""
        where = self._post_where(query, filters, scope, vector=False)
        inner = self._newest(
            where, "search_post", "s.post_id", cap + 1, query=query, any_when_indexed=True
        )
        sql = Sql().add("WITH newest AS MATERIALIZED (").extend(inner).add(")")
        sql.extend(self._readable_counts(scope, cap, vector=False))
        sql.add("SELECT total, more FROM counts")
        return self._page_and_count(self._fetch(sql), cap)[1]

    def post_page(self, query, filters, scope, *, offset, limit, cap):
        """The newest max(cap + 1, CANDIDATES) matches in scope give the count; the
        newest CANDIDATES readable of them are ranked."""
        q = self._tsquery(query)
        where = self._post_where(query, filters, scope, vector=True)
        newest = self._newest(
            where, "search_post", "s.post_id", max(cap + 1, CANDIDATES), query=query
        )
        sql = Sql().add("WITH newest AS MATERIALIZED (").extend(newest).add(")")
        sql.extend(self._readable_counts(scope, cap, vector=True))
        sql.add(", page AS (")
        sql.add("  SELECT post_id, ts_rank(vector, ").extend(q).add(") AS score FROM (")
        sql.add(f"    SELECT * FROM readable ORDER BY post_id DESC LIMIT {CANDIDATES}")
        sql.add("  ) AS candidates")
        sql.add(f"  ORDER BY score DESC, post_id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
        sql.add(")")
        sql.add("SELECT counts.total, counts.more, page.post_id, page.score")
        sql.add("FROM counts LEFT JOIN page ON true ORDER BY page.score DESC, page.post_id DESC")
        page, count = self._page_and_count(self._fetch(sql), cap)
        return [(int(pk), float(score)) for pk, score in page], count

    def document_snippets(self, query, document_ids, block_ids):
        titles, snippets = {}, {}
        cfg = "search_config(d.language)"
        if document_ids:
            q = self._tsquery(query, cfg)
            sql = Sql().add("SELECT d.id, ts_headline(" + cfg + ", d.title, ").extend(q)
            sql.add(", %s), ts_headline('search_simple', ", TITLE_HEADLINE)
            sql.add("coalesce((SELECT string_agg(a.name, ', ' ORDER BY da.\"order\") ")
            sql.add("FROM library_documentauthor da JOIN library_author a ON a.id = da.author_id")
            sql.add("WHERE da.document_id = d.id), ''), ")
            sql.extend(self._tsquery(query, "'search_simple'::regconfig"))
            sql.add(f", %s) FROM library_document d WHERE d.id IN ({_ids(document_ids)})")
            sql.params.append(TITLE_HEADLINE)
            titles = {pk: (title, authors) for pk, title, authors in self._fetch(sql)}
        if block_ids:
            q = self._tsquery(query, cfg)
            sql = Sql().add("SELECT b.id, ts_headline(" + cfg + ", b.text, ").extend(q)
            sql.add(", %s) FROM library_block b JOIN library_document d ON d.id = b.document_id")
            sql.params.append(HEADLINE)
            sql.add(f"WHERE b.id IN ({_ids(block_ids)})")
            snippets = dict(self._fetch(sql))
        return titles, snippets

    def post_snippets(self, query, post_ids):
        if not post_ids:
            return {}
        cfg = "search_config(d.language)"
        sql = Sql().add("SELECT p.id, ts_headline(" + cfg + ", p.body, ")
        sql.extend(self._tsquery(query, cfg)).add(", %s)", HEADLINE)
        sql.add(
            "FROM discussions_post p JOIN discussions_discussion di ON di.id = p.discussion_id "
            f"JOIN library_document d ON d.id = di.document_id WHERE p.id IN ({_ids(post_ids)})"
        )
        return dict(self._fetch(sql))

    def paragraph_hits(self, query, document_id, limit):
        cfg = "search_config(d.language)"
        q = self._tsquery(query, cfg)
        sql = Sql().add("SELECT b.anchor, ts_headline(" + cfg + ", b.text, ").extend(q)
        sql.add(", %s) FROM search_block s JOIN library_block b ON b.id = s.block_id", HEADLINE)
        sql.add("JOIN library_document d ON d.id = b.document_id")
        sql.add("WHERE s.document_id = %s AND s.vector @@ (", document_id).extend(q).add(")")
        sql.add(f'ORDER BY b."order" LIMIT {int(limit)}')
        return self._fetch(sql)


def backend_for(connection: BaseDatabaseWrapper | None = None) -> Backend:
    connection = connection or default_connection
    if connection.vendor == "postgresql":
        return PostgresBackend(connection)
    if connection.vendor == "sqlite":
        return SQLiteBackend(connection)
    raise NotImplementedError(f"Search does not support the {connection.vendor} database.")
