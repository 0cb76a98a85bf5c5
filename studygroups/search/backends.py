"""The two search backends behind one interface; `backend_for(connection)` picks one.

Each backend answers in ids, scores and marked snippets (see snippets.py); selectors.py
turns them into results ready to render. Scores are "higher is better" on both. Ranking
is exact among the CANDIDATES newest matches of each kind; counts stop at the caller's
cap (the page shows "1,000+").

Who may read which posts is given as a `Scope` (computed once per request by
selectors.scope_for from the groups' rules): posts of non-private groups, and of the
private groups where the searcher is an active member. Posts in threads that answer a
question "answer before seeing others" are left out unless the searcher facilitates the
group (the discussion page's AnswerGate decides per thread; search does not reveal them).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from .query import ParsedQuery
from .schema import PG_CONFIGS
from .snippets import START, STOP

TITLE_BOOST = 10.0  # a match in the title, an author or the organization comes first
CANDIDATES = 1000  # the newest matches ranked per kind, so a common word costs what a rare one does
# A quoted phrase is first looked for by walking this many newest rows (PostgreSQL; see
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
        """Live, and not in a thread answering a question its author must answer first."""
        gate = (
            "NOT EXISTS (SELECT 1 FROM discussions_post r "
            "JOIN curricula_discussionquestion q ON q.id = r.question_id "
            f"WHERE r.id = {self._root_id()} AND q.answer_before_seeing)"
        )
        if scope.facilitated_group_ids:
            gate += (
                " OR p.discussion_id IN (SELECT id FROM discussions_discussion "
                f"WHERE group_id IN ({_ids(scope.facilitated_group_ids)}))"
            )
        return f"p.deleted_at IS NULL AND p.hidden_at IS NULL AND ({gate})"

    def _root_id(self) -> str:
        raise NotImplementedError

    def document_hits(
        self, query: ParsedQuery, filters: Filters, *, many: bool = False, newest: bool = True
    ) -> Sql:
        """SELECT document_id, score, block_id ... (one row per matching document)."""
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

    def _count(self, inner: Sql, cap: int) -> Count:
        sql = Sql().add("SELECT count(*) FROM (").extend(inner).add(f"LIMIT {int(cap) + 1}) AS c")
        count = self._fetch(sql)[0][0]
        return Count(min(count, cap), count > cap)

    # -- the interface
    def count_documents(self, query: ParsedQuery, filters: Filters, *, cap: int) -> Count:
        return self._count(self.document_hits(query, filters, newest=False), cap)

    def documents(
        self, query: ParsedQuery, filters: Filters, *, offset: int, limit: int, many=False
    ) -> list[DocumentRow]:
        """One page of documents, best first; `many`: the count was capped."""
        sql = self.document_hits(query, filters, many=many).add(
            f"ORDER BY score DESC, document_id LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        return [DocumentRow(int(d), float(s), b) for d, s, b in self._fetch(sql)]

    def count_posts(self, query: ParsedQuery, filters: Filters, scope: Scope, *, cap: int) -> Count:
        raise NotImplementedError

    def posts(
        self,
        query: ParsedQuery,
        filters: Filters,
        scope: Scope,
        *,
        offset: int,
        limit: int,
        many: bool = False,
    ) -> list[tuple[int, float]]:
        """(post id, score) of one page, best first; `many`: the count was capped."""
        raise NotImplementedError


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

    def count_documents(self, query, filters, *, cap):
        sql = self._document_ctes(query, filters, score=False).add(
            f"SELECT (SELECT count(*) FROM (SELECT 1 FROM grouped LIMIT {int(cap) + 1})), "
            "(SELECT count(*) FROM body)"
        )
        count, body = self._fetch(sql)[0]
        return Count(min(count, cap), count > cap or body >= CANDIDATES)

    def documents(self, query, filters, *, offset, limit, many=False):
        sql = self._document_ctes(query, filters).add(
            "SELECT document_id, score, block_id FROM grouped "
            f"ORDER BY score DESC, document_id LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        return [DocumentRow(int(d), float(s), b) for d, s, b in self._fetch(sql)]

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

    def posts(self, query, filters, scope, *, offset, limit, many=False):
        # bm25 is computed by a second MATCH on the body's words alone, over the
        # candidates' rowid range: bm25 weighs each phrase of its MATCH by first finding
        # it in every row, which for the scope tokens meant every post of every open
        # group (~50 ms at 1M posts) and for a quoted phrase every position of its words.
        inner = self._post_candidates(query, filters, scope, limit=CANDIDATES)
        sql = Sql().add("WITH candidates AS MATERIALIZED (").extend(inner).add(")")
        sql.add(", ranked AS MATERIALIZED (")
        sql.add("  SELECT rowid AS id, -bm25(search_post_fts, 1.0, 0.0) AS score")
        sql.add(
            "  FROM search_post_fts WHERE search_post_fts MATCH %s",
            f"body : ( {query.fts5_words()} )",
        )
        sql.add("  AND rowid >= (SELECT min(id) FROM candidates)")
        sql.add("  AND rowid <= (SELECT max(id) FROM candidates)")
        sql.add(")")
        sql.add(
            "SELECT r.id, r.score FROM ranked r JOIN candidates c ON c.id = r.id "
            f"ORDER BY r.score DESC, r.id DESC LIMIT {int(limit)} OFFSET {int(offset)}"
        )
        return [(int(pk), float(score)) for pk, score in self._fetch(sql)]

    def document_snippets(self, query, document_ids, block_ids):
        titles, snippets = {}, {}
        match = query.fts5()
        if document_ids:
            rows = self._fetch(
                Sql().add(
                    f"SELECT rowid, highlight(search_document_fts, 0, '{START}', '{STOP}'), "
                    f"highlight(search_document_fts, 2, '{START}', '{STOP}') "
                    "FROM search_document_fts WHERE search_document_fts MATCH %s "
                    f"AND rowid IN ({_ids(document_ids)})",
                    match,
                )
            )
            titles = {pk: (title, authors) for pk, title, authors in rows}
        if block_ids:
            rows = self._fetch(
                Sql().add(
                    f"SELECT rowid, snippet(search_block_fts, 0, '{START}', '{STOP}', '…', 40) "
                    "FROM search_block_fts WHERE search_block_fts MATCH %s "
                    f"AND rowid IN ({_ids(block_ids)})",
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
                    f"AND rowid IN ({_ids(post_ids)})",
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
        cache = self.__dict__.setdefault("_parsed", {})
        if query not in cache:
            inner = self._tsquery_sql(query, "cfg")
            sql = Sql().add("SELECT DISTINCT q::text FROM (SELECT ").extend(inner)
            sql.add("AS q FROM unnest(%s::regconfig[]) AS cfg) AS parsed", list(PG_CONFIGS))
            sql.add("WHERE q::text <> '' ORDER BY 1")
            cache[query] = tuple(row[0] for row in self._fetch(sql))
        return cache[query]

    # As on SQLite, ranking is exact among the CANDIDATES newest matching blocks and
    # posts: ts_rank over every match of a common word reads every matching vector.
    def count_documents(self, query, filters, *, cap):
        """Capped, as on SQLite, also when the paragraphs counted from reached CANDIDATES:
        the documents are then counted from some of their matching paragraphs only (a
        lower bound, "349+"), and `many` tells `documents` that paragraphs are many —
        349 documents can hold 38,000 matching paragraphs ("reading" at 10,000
        documents), where walking the newest takes 5 ms and the bitmap 140 ms."""
        inner = self.document_hits(query, filters, newest=False, candidates_column=True)
        sql = Sql().add("SELECT count(*), max(c.candidates) FROM (").extend(inner)
        sql.add(f"LIMIT {int(cap) + 1}) AS c")
        count, candidates = self._fetch(sql)[0]
        return Count(min(count, cap), count > cap or (candidates or 0) >= CANDIDATES)

    def document_hits(
        self,
        query,
        filters,
        *,
        many: bool = False,
        newest: bool = True,
        candidates_column: bool = False,
    ) -> Sql:
        q = self._tsquery(query)
        filters_sql = self._document_filters(filters)
        sql = Sql().add("WITH meta AS MATERIALIZED (")
        sql.add(f"  SELECT document_id, {TITLE_BOOST} + 10 * ts_rank(vector, ").extend(q)
        sql.add("  ) AS score, NULL::bigint AS block_id FROM search_document WHERE vector @@ (")
        sql.extend(q).add(")")
        sql.add("), candidates AS MATERIALIZED (")
        where = Sql().add("SELECT s.document_id, s.block_id, s.vector FROM search_block s")
        if filters_sql.parts:
            where.add("JOIN library_document d ON d.id = s.document_id")
        where.add("WHERE s.vector @@ (").extend(q).add(")").extend(filters_sql)
        if newest:
            many = many and self._walk_is_cheaper("search_block", query)
            sql.extend(self._newest(where, "s.block_id", CANDIDATES, many, query=query))
        elif query.phrases:  # counting: any CANDIDATES of them, the newest found soonest
            sql.extend(self._phrase_newest(where, "s.block_id", CANDIDATES))
        else:  # counting: any CANDIDATES of them
            sql.extend(where).add(f"LIMIT {CANDIDATES}")
        sql.add("), body AS MATERIALIZED (")
        sql.add("  SELECT DISTINCT ON (document_id) document_id, block_id, 10 * ts_rank(vector, ")
        sql.extend(q).add(") AS score FROM candidates")
        sql.add("  ORDER BY document_id, score DESC, block_id")
        sql.add("), hits AS (")
        sql.add("  SELECT document_id, score, block_id FROM meta")
        sql.add("  UNION ALL SELECT document_id, score, block_id FROM body")
        sql.add(")")
        sql.add(
            "SELECT h.document_id AS document_id, sum(h.score) AS score, "
            "max(h.block_id) AS block_id"
            + (", (SELECT count(*) FROM candidates) AS candidates" if candidates_column else "")
        )
        sql.add("FROM hits h JOIN library_document d ON d.id = h.document_id WHERE true")
        sql.extend(filters_sql)
        sql.add("GROUP BY h.document_id")
        return sql

    def _post_candidates(
        self, query, filters, scope, *, limit: int, vector: bool, newest: bool = True, many=False
    ) -> Sql:
        """Newest matching posts the scope may read (search_post carries group, document
        and date, so only the group's visibility needs a join); any `limit` of them when
        not `newest` (counting)."""
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
        if not newest:  # counting: any `limit` of them (a phrase's newest found soonest)
            if query.phrases:
                return self._phrase_newest(sql, "s.post_id", limit)
            return sql.add(f"LIMIT {int(limit)}")
        return self._newest(sql, "s.post_id", limit, many, query=query)

    def _newest(
        self, where: Sql, id_column: str, limit: int, many: bool, *, query: ParsedQuery
    ) -> Sql:
        """`where`'s newest `limit` rows.

        Two ways, and the cheaper one depends on how common the words are: walking the
        primary key backwards and testing every row reads about `limit` × rows ÷ matches
        rows (~40 ms for a word in every tenth of 1M posts, seconds for a rare word); a
        bitmap scan of the GIN index reads every match (a millisecond for a rare word, a
        second for a word in every tenth post). `many` says the walk is the cheaper (see
        `_walk_is_cheaper`); `+ 0` rules the walk out, since the planner's estimates for
        our OR-ed tsqueries are too poor for it to choose.
        """
        order = f"{id_column} DESC" if many else f"{id_column} + 0 DESC"
        if many or not query.phrases:
            return Sql().extend(where).add(f"ORDER BY {order} LIMIT {int(limit)}")
        return self._phrase_newest(where, id_column, limit)

    def _phrase_newest(self, where: Sql, id_column: str, limit: int) -> Sql:
        """`where`'s newest `limit` rows for a query with a quoted phrase: first by
        walking the newest PHRASE_WALK rows, then, only if fewer were found there, from
        the GIN index among the older rows. The same rows as either way alone.

        The planner cannot estimate a phrase (it multiplies its words' frequencies as if
        independent: 12,942 expected where 58,696 of 1M posts hold "reading together"),
        so `_walk_is_cheaper` picks the index, whose bitmap of the words' posts must
        then be checked row by row for the phrase: ~300 ms for a phrase of common words.
        A common phrase is found by the bounded walk in a few milliseconds; a rare one
        costs the walk (~20 ms at most) on top of the index, as before."""
        alias, column = id_column.split(".")
        table = {"s.post_id": "search_post", "s.block_id": "search_block"}[id_column]
        floor = f"(SELECT coalesce(max({column}), 0) - {PHRASE_WALK} FROM {table})"
        sql = Sql().add("WITH walked AS MATERIALIZED (").extend(where)
        sql.add(f"AND {id_column} > {floor} ORDER BY {id_column} DESC LIMIT {int(limit)}")
        sql.add(") SELECT * FROM (SELECT * FROM walked UNION ALL (").extend(where)
        sql.add(f"AND {id_column} <= {floor} AND (SELECT count(*) FROM walked) < {int(limit)}")
        sql.add(f"ORDER BY {id_column} + 0 DESC LIMIT {int(limit)})) AS newest")
        return sql.add(f"ORDER BY newest.{column} DESC LIMIT {int(limit)}")

    def _walk_is_cheaper(self, table: str, query: ParsedQuery) -> bool:
        """Whether walking `table`'s primary key backwards finds the newest CANDIDATES
        matches sooner than collecting every match from the GIN index: the walk reads
        about CANDIDATES × rows ÷ matches rows, the index every match, so the walk wins
        when matches > √(CANDIDATES × rows). Both figures are the planner's statistics
        (an EXPLAIN, no rows read). A word found in more than the count's cap but far
        from that threshold (a word in one post of a hundred at 1M posts) made the walk
        read 100,000 rows: ~0.4 s where the index takes ~20 ms."""
        cache = self.__dict__.setdefault("_walks", {})
        key = (table, query)
        if key not in cache:
            sql = Sql().add(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} s WHERE s.vector @@ (")
            sql.extend(self._tsquery(query)).add(")")
            plan = self._fetch(sql)[0][0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            matches = float(plan[0]["Plan"]["Plan Rows"])
            rows = self._fetch(
                Sql().add(
                    "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", table
                )
            )[0][0]
            cache[key] = matches * matches > CANDIDATES * float(rows or 0)
        return cache[key]

    def count_posts(self, query, filters, scope, *, cap):
        inner = self._post_candidates(
            query, filters, scope, limit=cap + 1, vector=False, newest=False
        )
        sql = Sql().add("SELECT count(*) FROM (").extend(inner).add(") c")
        sql.add("JOIN discussions_post p ON p.id = c.post_id WHERE " + self._readable(scope))
        count = self._fetch(sql)[0][0]
        return Count(min(count, cap), count > cap)

    def posts(self, query, filters, scope, *, offset, limit, many=False):
        many = many and self._walk_is_cheaper("search_post", query)
        inner = self._post_candidates(
            query, filters, scope, limit=CANDIDATES, vector=True, many=many
        )
        sql = Sql().add("WITH candidates AS MATERIALIZED (").extend(inner).add(")")
        sql.add("SELECT c.post_id, ts_rank(c.vector, ").extend(self._tsquery(query))
        sql.add(") AS score FROM candidates c JOIN discussions_post p ON p.id = c.post_id")
        sql.add("WHERE " + self._readable(scope))
        sql.add(f"ORDER BY score DESC, c.post_id DESC LIMIT {int(limit)} OFFSET {int(offset)}")
        return [(int(pk), float(score)) for pk, score in self._fetch(sql)]

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
