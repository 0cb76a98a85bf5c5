"""The search index's tables and triggers, for SQLite (FTS5) and PostgreSQL.

The index follows the library and the discussions through database triggers, so every
write path (services, the importer's raw inserts, queryset `.update()`, admin, cascades,
fixtures) keeps it in sync without calling anything:

- SQLite: `search_block_fts` (external content on `library_block`),
  `search_post_fts` (external content on the view `search_live_post`: live posts only,
  with a `scope` column of tokens "g<group id>" and "open"/"closed", so permissions and
  the group filter are part of the MATCH and cost no join per matching row),
  `search_document_fts` (its own content: title, subtitle, authors and organization).
  Tokenizer `unicode61 remove_diacritics 2`, so "revolucion" finds "revolución".
- PostgreSQL: `search_document`, `search_block`, `search_post` hold a `tsvector` per row
  (GIN-indexed), built with the document's language (`search_config(language)`: English,
  Spanish, French, German, Italian, Portuguese; 'simple' otherwise) by `search_vector`,
  which adds the words unstemmed with accents folded (unaccent) for non-English texts.
  Posts are indexed in their document's language.

`install()` is idempotent; `rebuild()` re-indexes everything from the source tables.

Bulk imports: `blocks_indexed_in_bulk(connection, document_ids)` turns the per-row
block-insert trigger off for the blocks of new documents, inside the caller's
transaction, and indexes them afterwards with one statement per 500 documents (on
SQLite the per-row trigger was about 80% of the cost of inserting a block). Nothing
outside the transaction ever sees the trigger missing, and a rollback restores it.
`blocks_indexed_at_end(connection)` does the same, on SQLite, for a run of such inserts
(the importer's group of files, one transaction): they are indexed in one statement when
the run ends (SQLite's FTS5 writes one index segment per transaction or savepoint, and
merging them cost nearly as much as the indexing itself).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

TOKENIZE = "unicode61 remove_diacritics 2"

# ISO 639-1 code -> the built-in PostgreSQL configuration our copy is made from.
PG_LANGUAGES = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
}
PG_CONFIGS = [f"search_{name}" for name in PG_LANGUAGES.values()] + ["search_simple"]

# ---------------------------------------------------------------------------- SQLite

_SQLITE_AUTHORS = (
    "trim(coalesce((SELECT group_concat(a.name, ', ') FROM library_documentauthor da "
    "JOIN library_author a ON a.id = da.author_id WHERE da.document_id = {doc}), '') "
    "|| ' ' || coalesce((SELECT organization FROM library_document WHERE id = {doc}), ''))"
)

_SQLITE_SCOPE = (
    "(SELECT 'g' || di.group_id || CASE WHEN g.visibility = 'private' THEN ' closed' "
    "ELSE ' open' END FROM discussions_discussion di JOIN groups_group g ON g.id = di.group_id "
    "WHERE di.id = {discussion})"
)

SQLITE_TRIGGERS = {
    # Paragraphs and other blocks of a document's text.
    "search_block_ai": """
        CREATE TRIGGER IF NOT EXISTS search_block_ai AFTER INSERT ON library_block BEGIN
          INSERT INTO search_block_fts(rowid, text) VALUES (new.id, new.text);
        END""",
    "search_block_ad": """
        CREATE TRIGGER IF NOT EXISTS search_block_ad AFTER DELETE ON library_block BEGIN
          INSERT INTO search_block_fts(search_block_fts, rowid, text)
          VALUES ('delete', old.id, old.text);
        END""",
    "search_block_au": """
        CREATE TRIGGER IF NOT EXISTS search_block_au AFTER UPDATE OF text ON library_block BEGIN
          INSERT INTO search_block_fts(search_block_fts, rowid, text)
          VALUES ('delete', old.id, old.text);
          INSERT INTO search_block_fts(rowid, text) VALUES (new.id, new.text);
        END""",
    # Document metadata: title, subtitle, authors' names and organization.
    "search_document_ai": f"""
        CREATE TRIGGER IF NOT EXISTS search_document_ai AFTER INSERT ON library_document BEGIN
          INSERT INTO search_document_fts(rowid, title, subtitle, authors)
          VALUES (new.id, new.title, new.subtitle, {_SQLITE_AUTHORS.format(doc="new.id")});
        END""",
    "search_document_au": f"""
        CREATE TRIGGER IF NOT EXISTS search_document_au
        AFTER UPDATE OF title, subtitle, organization ON library_document BEGIN
          UPDATE search_document_fts SET title = new.title, subtitle = new.subtitle,
            authors = {_SQLITE_AUTHORS.format(doc="new.id")} WHERE rowid = new.id;
        END""",
    "search_document_ad": """
        CREATE TRIGGER IF NOT EXISTS search_document_ad AFTER DELETE ON library_document BEGIN
          DELETE FROM search_document_fts WHERE rowid = old.id;
        END""",
    "search_documentauthor_ai": f"""
        CREATE TRIGGER IF NOT EXISTS search_documentauthor_ai
        AFTER INSERT ON library_documentauthor BEGIN
          UPDATE search_document_fts SET authors = {_SQLITE_AUTHORS.format(doc="new.document_id")}
          WHERE rowid = new.document_id;
        END""",
    "search_documentauthor_au": f"""
        CREATE TRIGGER IF NOT EXISTS search_documentauthor_au
        AFTER UPDATE ON library_documentauthor BEGIN
          UPDATE search_document_fts SET authors = {_SQLITE_AUTHORS.format(doc="old.document_id")}
          WHERE rowid = old.document_id;
          UPDATE search_document_fts SET authors = {_SQLITE_AUTHORS.format(doc="new.document_id")}
          WHERE rowid = new.document_id;
        END""",
    "search_documentauthor_ad": f"""
        CREATE TRIGGER IF NOT EXISTS search_documentauthor_ad
        AFTER DELETE ON library_documentauthor BEGIN
          UPDATE search_document_fts SET authors = {_SQLITE_AUTHORS.format(doc="old.document_id")}
          WHERE rowid = old.document_id;
        END""",
    "search_author_au": f"""
        CREATE TRIGGER IF NOT EXISTS search_author_au AFTER UPDATE OF name ON library_author BEGIN
          UPDATE search_document_fts
          SET authors = {_SQLITE_AUTHORS.format(doc="search_document_fts.rowid")}
          WHERE rowid IN (SELECT document_id FROM library_documentauthor
                          WHERE author_id = new.id);
        END""",
    # Posts: only live ones (neither deleted nor hidden) are in the index, each with its
    # scope ("g<group id> open|closed"), so who may read it is part of the MATCH.
    "search_post_ai": f"""
        CREATE TRIGGER IF NOT EXISTS search_post_ai AFTER INSERT ON discussions_post
        WHEN new.deleted_at IS NULL AND new.hidden_at IS NULL BEGIN
          INSERT INTO search_post_fts(rowid, body, scope)
          VALUES (new.id, new.body, {_SQLITE_SCOPE.format(discussion="new.discussion_id")});
        END""",
    "search_post_au": f"""
        CREATE TRIGGER IF NOT EXISTS search_post_au
        AFTER UPDATE OF body, deleted_at, hidden_at, discussion_id ON discussions_post BEGIN
          INSERT INTO search_post_fts(search_post_fts, rowid, body, scope)
          SELECT 'delete', old.id, old.body, {_SQLITE_SCOPE.format(discussion="old.discussion_id")}
          WHERE old.deleted_at IS NULL AND old.hidden_at IS NULL;
          INSERT INTO search_post_fts(rowid, body, scope)
          SELECT new.id, new.body, {_SQLITE_SCOPE.format(discussion="new.discussion_id")}
          WHERE new.deleted_at IS NULL AND new.hidden_at IS NULL;
        END""",
    "search_post_ad": f"""
        CREATE TRIGGER IF NOT EXISTS search_post_ad AFTER DELETE ON discussions_post
        WHEN old.deleted_at IS NULL AND old.hidden_at IS NULL BEGIN
          INSERT INTO search_post_fts(search_post_fts, rowid, body, scope)
          VALUES ('delete', old.id, old.body,
                  {_SQLITE_SCOPE.format(discussion="old.discussion_id")});
        END""",
    # A group turning private (or back) re-indexes its posts' scope.
    "search_group_au": """
        CREATE TRIGGER IF NOT EXISTS search_group_au AFTER UPDATE OF visibility ON groups_group
        WHEN (old.visibility = 'private') <> (new.visibility = 'private') BEGIN
          INSERT INTO search_post_fts(search_post_fts, rowid, body, scope)
          SELECT 'delete', p.id, p.body, 'g' || old.id || CASE WHEN old.visibility = 'private'
                 THEN ' closed' ELSE ' open' END
          FROM discussions_post p JOIN discussions_discussion di ON di.id = p.discussion_id
          WHERE di.group_id = old.id AND p.deleted_at IS NULL AND p.hidden_at IS NULL;
          INSERT INTO search_post_fts(rowid, body, scope)
          SELECT p.id, p.body, 'g' || new.id || CASE WHEN new.visibility = 'private'
                 THEN ' closed' ELSE ' open' END
          FROM discussions_post p JOIN discussions_discussion di ON di.id = p.discussion_id
          WHERE di.group_id = new.id AND p.deleted_at IS NULL AND p.hidden_at IS NULL;
        END""",
}

SQLITE_TABLES = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS search_block_fts USING fts5(
          text, content='library_block', content_rowid='id', tokenize='{TOKENIZE}')""",
    f"""CREATE VIEW IF NOT EXISTS search_live_post AS
         SELECT p.id, p.body, {_SQLITE_SCOPE.format(discussion="p.discussion_id")} AS scope
         FROM discussions_post p WHERE p.deleted_at IS NULL AND p.hidden_at IS NULL""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS search_post_fts USING fts5(
          body, scope, content='search_live_post', content_rowid='id', tokenize='{TOKENIZE}')""",
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS search_document_fts USING fts5(
          title, subtitle, authors, tokenize='{TOKENIZE}')""",
]

SQLITE_REBUILD = [
    "INSERT INTO search_block_fts(search_block_fts) VALUES ('rebuild')",
    "INSERT INTO search_post_fts(search_post_fts) VALUES ('rebuild')",
    "DELETE FROM search_document_fts",
    "INSERT INTO search_document_fts(rowid, title, subtitle, authors) "
    f"SELECT d.id, d.title, d.subtitle, {_SQLITE_AUTHORS.format(doc='d.id')} "
    "FROM library_document d",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS] + [
    "DROP TABLE IF EXISTS search_block_fts",
    "DROP TABLE IF EXISTS search_post_fts",
    "DROP TABLE IF EXISTS search_document_fts",
    "DROP VIEW IF EXISTS search_live_post",
]

# ------------------------------------------------------------------------ PostgreSQL


def _pg_config_case() -> str:
    whens = " ".join(f"WHEN '{code}' THEN 'search_{name}'" for code, name in PG_LANGUAGES.items())
    return f"CASE lower(split_part(coalesce(lang, ''), '-', 1)) {whens} ELSE 'search_simple' END"


PG_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION search_config(lang text) RETURNS regconfig
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ({_pg_config_case()})::regconfig $$""",
    # Stemmed in the text's language, plus (except for English) its words unstemmed with
    # accents folded: the snowball stemmers expect accented Spanish ("revolución"), so
    # folding before stemming would break them; this way "revolucion" still finds it.
    """CREATE OR REPLACE FUNCTION search_vector(lang text, body text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
          SELECT CASE WHEN search_config(lang) IN ('search_english'::regconfig,
                                                    'search_simple'::regconfig)
                 THEN to_tsvector(search_config(lang), coalesce(body, ''))
                 ELSE to_tsvector(search_config(lang), coalesce(body, ''))
                   || to_tsvector('search_simple', coalesce(body, '')) END
        $$""",
    """CREATE OR REPLACE FUNCTION search_document_refresh(doc bigint) RETURNS void
        LANGUAGE sql AS $$
          INSERT INTO search_document (document_id, vector)
          SELECT d.id,
                 setweight(search_vector(d.language, d.title), 'A')
              || setweight(search_vector(d.language, d.subtitle), 'C')
              || setweight(to_tsvector('search_simple', coalesce((
                   SELECT string_agg(a.name, ' ') FROM library_documentauthor da
                   JOIN library_author a ON a.id = da.author_id WHERE da.document_id = d.id
                 ), '') || ' ' || d.organization), 'B')
          FROM library_document d WHERE d.id = doc
          ON CONFLICT (document_id) DO UPDATE SET vector = EXCLUDED.vector
        $$""",
    """CREATE OR REPLACE FUNCTION search_document_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM search_document WHERE document_id = OLD.id;
            RETURN NULL;
          END IF;
          PERFORM search_document_refresh(NEW.id);
          IF TG_OP = 'UPDATE' AND NEW.language IS DISTINCT FROM OLD.language THEN
            UPDATE search_block s SET vector = search_vector(NEW.language, b.text)
              FROM library_block b WHERE b.id = s.block_id AND s.document_id = NEW.id;
            UPDATE search_post s SET vector = search_vector(NEW.language, p.body)
              FROM discussions_post p WHERE p.id = s.post_id AND s.document_id = NEW.id;
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION search_documentauthor_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM search_document_refresh(OLD.document_id);
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM search_document_refresh(NEW.document_id);
          END IF;
          RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION search_author_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM search_document_refresh(da.document_id)
            FROM library_documentauthor da WHERE da.author_id = NEW.id;
          RETURN NULL;
        END $$""",
    # `search.bulk_blocks` is 'on' only inside `blocks_indexed_in_bulk`, for the rest of
    # that transaction's savepoint: the new blocks are indexed in one statement after.
    """CREATE OR REPLACE FUNCTION search_block_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'INSERT' AND current_setting('search.bulk_blocks', true) = 'on' THEN
            RETURN NULL;
          END IF;
          IF TG_OP = 'DELETE' THEN
            DELETE FROM search_block WHERE block_id = OLD.id;
            RETURN NULL;
          END IF;
          INSERT INTO search_block (block_id, document_id, vector)
          SELECT NEW.id, NEW.document_id, search_vector(d.language, NEW.text)
          FROM library_document d WHERE d.id = NEW.document_id
          ON CONFLICT (block_id) DO UPDATE
            SET document_id = EXCLUDED.document_id, vector = EXCLUDED.vector;
          RETURN NULL;
        END $$""",
    """CREATE OR REPLACE FUNCTION search_post_sync() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM search_post WHERE post_id = OLD.id;
            RETURN NULL;
          END IF;
          IF NEW.deleted_at IS NOT NULL OR NEW.hidden_at IS NOT NULL THEN
            DELETE FROM search_post WHERE post_id = NEW.id;
            RETURN NULL;
          END IF;
          INSERT INTO search_post (post_id, discussion_id, group_id, document_id, created_at,
                                   vector)
          SELECT NEW.id, NEW.discussion_id, di.group_id, di.document_id, NEW.created_at,
                 search_vector(d.language, NEW.body)
          FROM discussions_discussion di JOIN library_document d ON d.id = di.document_id
          WHERE di.id = NEW.discussion_id
          ON CONFLICT (post_id) DO UPDATE SET vector = EXCLUDED.vector;
          RETURN NULL;
        END $$""",
]

PG_TABLES = [
    """CREATE TABLE IF NOT EXISTS search_document (
         document_id bigint PRIMARY KEY, vector tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_document_vector ON search_document USING gin (vector)",
    """CREATE TABLE IF NOT EXISTS search_block (
         block_id bigint PRIMARY KEY, document_id bigint NOT NULL, vector tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_block_vector ON search_block USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_block_document ON search_block (document_id)",
    """CREATE TABLE IF NOT EXISTS search_post (
         post_id bigint PRIMARY KEY, discussion_id bigint NOT NULL, group_id bigint NOT NULL,
         document_id bigint NOT NULL, created_at timestamptz NOT NULL,
         vector tsvector NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS search_post_vector ON search_post USING gin (vector)",
    "CREATE INDEX IF NOT EXISTS search_post_document ON search_post (document_id)",
    "CREATE INDEX IF NOT EXISTS search_post_group ON search_post (group_id)",
]

PG_TRIGGERS = {
    "search_document_sync": (
        "library_document",
        "AFTER INSERT OR DELETE OR UPDATE OF title, subtitle, organization, language",
    ),
    "search_documentauthor_sync": ("library_documentauthor", "AFTER INSERT OR UPDATE OR DELETE"),
    "search_author_sync": ("library_author", "AFTER UPDATE OF name"),
    "search_block_sync": ("library_block", "AFTER INSERT OR DELETE OR UPDATE OF text, document_id"),
    "search_post_sync": (
        "discussions_post",
        "AFTER INSERT OR DELETE OR UPDATE OF body, deleted_at, hidden_at",
    ),
}

PG_REBUILD = [
    # Statistics first: rows written in this transaction (generate_demo_data, the
    # importer, a restore) have none yet, and without them the planner expects one row
    # from each table and joins posts to discussions and documents with nested loops of
    # sequential scans: a million posts x (20,000 discussions + 10,000 documents)
    # comparisons, which did not finish in 30 minutes. ANALYZE samples the rows of the
    # current transaction too; at a million posts it takes a few seconds and the joins
    # become hash joins (EXPLAIN in BENCHMARKS.md).
    "ANALYZE library_document, library_block, discussions_discussion, discussions_post",
    "TRUNCATE search_document, search_block, search_post",
    "SELECT search_document_refresh(id) FROM library_document",
    """INSERT INTO search_block (block_id, document_id, vector)
       SELECT b.id, b.document_id, search_vector(d.language, b.text)
       FROM library_block b JOIN library_document d ON d.id = b.document_id""",
    """INSERT INTO search_post (post_id, discussion_id, group_id, document_id, created_at, vector)
       SELECT p.id, p.discussion_id, di.group_id, di.document_id, p.created_at,
              search_vector(d.language, p.body)
       FROM discussions_post p
       JOIN discussions_discussion di ON di.id = p.discussion_id
       JOIN library_document d ON d.id = di.document_id
       WHERE p.deleted_at IS NULL AND p.hidden_at IS NULL""",
]

PG_DROP = (
    [f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, (table, _) in PG_TRIGGERS.items()]
    + ["DROP TABLE IF EXISTS search_document, search_block, search_post"]
    + [
        f"DROP FUNCTION IF EXISTS {name}"
        for name in [*PG_TRIGGERS, "search_document_refresh", "search_vector", "search_config"]
    ]
    + [f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}" for name in PG_CONFIGS]
)


def _pg_configs(cursor) -> None:
    """Copies of the built-in configurations; `search_simple` also folds accents when the
    `unaccent` extension can be created (it is a trusted extension since PostgreSQL 13,
    so a database owner may; where refused, search_simple keeps the accents)."""
    try:
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        unaccent = True
    except Exception:  # noqa: BLE001 - any refusal means: no accent folding
        unaccent = False
    cursor.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname LIKE 'search\\_%%'")
    existing = {row[0] for row in cursor.fetchall()}
    for name in [*PG_LANGUAGES.values(), "simple"]:
        config = f"search_{name}"
        if config in existing:
            continue
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {config} (COPY = pg_catalog.{name})")
        if unaccent and name == "simple":
            cursor.execute(
                f"ALTER TEXT SEARCH CONFIGURATION {config} "
                "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple"
            )


# ------------------------------------------------------------------------------ API


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index tables and triggers if missing. Safe to run again."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                for sql in SQLITE_TABLES:
                    cursor.execute(sql)
            except OperationalError as error:
                if "fts5" not in str(error):
                    raise
                raise ImproperlyConfigured(
                    "Search needs SQLite's FTS5 extension, which this Python's sqlite3 "
                    "module lacks. Use a Python built against a full SQLite (Debian's and "
                    "python.org's are), or PostgreSQL."
                ) from error
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            _pg_configs(cursor)
            for sql in PG_TABLES + PG_FUNCTIONS:
                cursor.execute(sql)
            for name, (table, when) in PG_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(
                    f"CREATE TRIGGER {name} {when} ON {table} "
                    f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                )


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Re-index every document, block and live post from the source tables."""
    statements = {"sqlite": SQLITE_REBUILD, "postgresql": PG_REBUILD}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


_SQLITE_BLOCK_INSERT = "search_block_ai"
_PG_BLOCK_TRIGGER = "search_block_sync"

SQLITE_INDEX_BLOCKS = (
    "INSERT INTO search_block_fts(rowid, text) "
    "SELECT id, text FROM library_block WHERE document_id IN ({ids})"
)
PG_INDEX_BLOCKS = """
    INSERT INTO search_block (block_id, document_id, vector)
    SELECT b.id, b.document_id, search_vector(d.language, b.text)
    FROM library_block b JOIN library_document d ON d.id = b.document_id
    WHERE b.document_id = ANY(%s)
    ON CONFLICT (block_id) DO UPDATE
      SET document_id = EXCLUDED.document_id, vector = EXCLUDED.vector"""


def _index_blocks_of(cursor, vendor: str, document_ids: Sequence[int]) -> None:
    ids = [int(pk) for pk in document_ids]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        if vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(SQLITE_INDEX_BLOCKS.format(ids=placeholders), chunk)
        else:
            cursor.execute(PG_INDEX_BLOCKS, [chunk])


@contextmanager
def blocks_indexed_in_bulk(
    connection: BaseDatabaseWrapper, document_ids: list[int]
) -> Iterator[None]:
    """For a bulk insert of NEW documents' blocks: inside the body the block-insert
    trigger is off; on leaving it, the blocks of every document whose id the body put
    into `document_ids` are indexed at once and the trigger is back.

    Only inserts of blocks of the listed documents may happen in the body (their rows
    are indexed from the table afterwards, so updates and deletes of those rows in the
    body are not allowed; other tables' triggers keep working). Runs in a savepoint of
    the caller's transaction: if the body fails, the trigger and the index are as they
    were. Where the index is not installed, the body just runs.

    - SQLite: the trigger is dropped and re-created from its own stored SQL (SQLite's
      DDL is transactional; other connections never see it missing).
    - PostgreSQL: the trigger function skips inserts while the transaction-local
      setting `search.bulk_blocks` is 'on' (ALTER TABLE … DISABLE TRIGGER is refused
      once the transaction has pending foreign-key checks on the table, and would lock
      it). Other sessions never see the setting; a rollback to the savepoint undoes it.
    """
    if connection.vendor not in ("sqlite", "postgresql"):
        yield
        return
    if getattr(connection, "_search_block_run", False):
        # Inside `blocks_indexed_at_end`: these documents are indexed when the run ends.
        yield
        _pend(connection, document_ids)
        return
    outer = getattr(connection, "_search_bulk_blocks", None)
    if outer is not None:  # nested: the outermost one indexes these documents too
        outer.append(document_ids)
        yield
        return
    lists = [document_ids]
    connection._search_bulk_blocks = lists
    try:
        with _bulk_blocks(connection, lists):
            yield
    finally:
        connection._search_bulk_blocks = None


def _all_ids(lists: list[list[int]]) -> list[int]:
    return list(dict.fromkeys(pk for ids in lists for pk in ids))


def _sqlite_block_trigger(cursor) -> str | None:
    """The SQL of SQLite's block-insert trigger (to drop it and put it back), or None
    when the index is not installed."""
    cursor.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s",
        [_SQLITE_BLOCK_INSERT],
    )
    row = cursor.fetchone()
    return row[0] if row else None


@contextmanager
def _bulk_blocks(connection: BaseDatabaseWrapper, lists: list[list[int]]) -> Iterator[None]:
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            trigger_sql = _sqlite_block_trigger(cursor)
            if trigger_sql is None:  # the index is not installed
                yield
                return
            cursor.execute(f"DROP TRIGGER {_SQLITE_BLOCK_INSERT}")
            yield
            _index_blocks_of(cursor, "sqlite", _all_ids(lists))
            cursor.execute(trigger_sql)
        else:
            cursor.execute(
                "SELECT prosrc LIKE '%%search.bulk_blocks%%' FROM pg_proc WHERE proname = %s",
                [_PG_BLOCK_TRIGGER],
            )
            row = cursor.fetchone()
            if row is None or not row[0]:  # not installed, or installed before the switch
                yield
                return
            cursor.execute("SELECT set_config('search.bulk_blocks', 'on', true)")
            yield
            cursor.execute("SELECT set_config('search.bulk_blocks', 'off', true)")
            _index_blocks_of(cursor, "postgresql", _all_ids(lists))


# The documents whose blocks a run (`blocks_indexed_at_end`) has yet to index: a
# temporary table (this connection's own), so that rolling back a savepoint of the run
# (a failed file) also takes back what it added, and what an index statement inside it
# took off (`blocks_index_pending`).
_PENDING = "search_block_pending"
_PENDING_CREATE = f"CREATE TEMP TABLE IF NOT EXISTS {_PENDING} (document_id INTEGER PRIMARY KEY)"
_PENDING_INDEX = (
    "INSERT INTO search_block_fts(rowid, text) SELECT id, text FROM library_block "
    f"WHERE document_id IN (SELECT document_id FROM {_PENDING})"
)


def _pend(connection: BaseDatabaseWrapper, document_ids: Sequence[int]) -> None:
    ids = list(dict.fromkeys(int(pk) for pk in document_ids))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f"INSERT INTO {_PENDING} (document_id) "  # noqa: S608 - a constant name
                f"VALUES {', '.join(['(%s)'] * len(chunk))} ON CONFLICT DO NOTHING",
                chunk,
            )


def blocks_index_pending(connection: BaseDatabaseWrapper) -> None:
    """Inside `blocks_indexed_at_end`: index the blocks inserted so far now. Needed before
    any update or deletion of blocks in the run (the index must hold a block before its
    deletion can be indexed); `library.services.document_replace_text` calls it. Does
    nothing outside a run."""
    if not getattr(connection, "_search_block_run", False):
        return
    with connection.cursor() as cursor:
        _index_pending(cursor)


def _index_pending(cursor) -> None:
    cursor.execute(_PENDING_INDEX)
    cursor.execute(f"DELETE FROM {_PENDING}")  # noqa: S608 - a constant name


@contextmanager
def blocks_indexed_at_end(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """A run of bulk inserts of new documents' blocks (each through
    `blocks_indexed_in_bulk`, e.g. `documents_create`), indexed together when the run
    ends instead of one statement each: the importer's group of files.

    The whole run is one savepoint of the caller's transaction; the per-row insert
    trigger is off in it, as in `blocks_indexed_in_bulk`. The documents to index are kept
    in a temporary table, so a savepoint rolled back inside the run (a failed file)
    forgets its own documents and nothing else. If the run itself fails, the trigger and
    the index are as they were. Blocks inserted in the run must not be updated or
    deleted before `blocks_index_pending` (the delete trigger would take out of the
    index rows that are not in it). Where the index is not installed, or already inside
    a run or a `blocks_indexed_in_bulk` body, the body just runs (in its savepoint).

    SQLite only: what it saves is FTS5's index segment per file. On PostgreSQL each file's
    blocks keep being indexed in their own statement, inside the file's savepoint, so a
    block the index refuses (a `tsvector` over its 1 MB limit) fails that file alone,
    not its whole group."""
    if (
        connection.vendor != "sqlite"
        or getattr(connection, "_search_block_run", False)
        or getattr(connection, "_search_bulk_blocks", None) is not None
    ):
        with transaction.atomic(using=connection.alias):  # still one savepoint
            yield
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        trigger_sql = _sqlite_block_trigger(cursor)
        if trigger_sql is None:  # the index is not installed
            yield
            return
        cursor.execute(_PENDING_CREATE)
        cursor.execute(f"DELETE FROM {_PENDING}")  # noqa: S608 - a constant name
        cursor.execute(f"DROP TRIGGER {_SQLITE_BLOCK_INSERT}")
        connection._search_block_run = True
        try:
            yield
        finally:
            connection._search_block_run = False
        _index_pending(cursor)
        cursor.execute(trigger_sql)


def block_index_mismatches(connection: BaseDatabaseWrapper) -> int:
    """How many blocks the index does not hold exactly as the table has them (0 when
    consistent): SQLite's FTS5 integrity check against its content table, or a
    comparison of every stored vector on PostgreSQL. For tests and diagnostics."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            try:
                cursor.execute(
                    "INSERT INTO search_block_fts(search_block_fts, rank) "
                    "VALUES ('integrity-check', 1)"
                )
            except Exception:  # noqa: BLE001 - "database disk image is malformed"
                return 1
            cursor.execute(
                "SELECT (SELECT count(*) FROM library_block) - "
                "(SELECT count(*) FROM search_block_fts_docsize)"
            )
            return abs(cursor.fetchone()[0])
        if connection.vendor == "postgresql":
            cursor.execute(
                """SELECT count(*) FROM library_block b
                   JOIN library_document d ON d.id = b.document_id
                   FULL JOIN search_block s ON s.block_id = b.id
                   WHERE b.id IS NULL OR s.block_id IS NULL
                      OR s.document_id <> b.document_id
                      OR s.vector <> search_vector(d.language, b.text)"""
            )
            return cursor.fetchone()[0]
    return 0


def uninstall(connection: BaseDatabaseWrapper) -> None:
    statements = {"sqlite": SQLITE_DROP, "postgresql": PG_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def missing_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            return set(SQLITE_TRIGGERS) - {row[0] for row in cursor.fetchall()}
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            return set(PG_TRIGGERS) - {row[0] for row in cursor.fetchall()}
    return set()


SQLITE_DEPENDENTS = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS] + [
    "DROP VIEW IF EXISTS search_live_post",
]


def _installed(connection: BaseDatabaseWrapper) -> bool:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    return recorder.has_table() and recorder.migration_qs.filter(app="search").exists()


def detach(connection: BaseDatabaseWrapper) -> None:
    """SQLite only: drop the view and the triggers that name other apps' tables. SQLite
    checks every view and trigger when Django rebuilds a table (copy, drop, rename), and
    one naming the dropped table fails the rename; `ensure_after_migrate` puts them back."""
    if connection.vendor == "sqlite" and _installed(connection):
        with connection.cursor() as cursor:
            for sql in SQLITE_DEPENDENTS:
                cursor.execute(sql)


def detach_before_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """pre_migrate: only when there is something to migrate, so a no-op `migrate` does
    not re-index the whole library."""
    from django.db import connections

    if plan:
        detach(connections[using])


def ensure(connection: BaseDatabaseWrapper) -> None:
    """Put back what a table rebuild (or `detach`) removed, then re-index, since writes
    made in between were not followed."""
    if _installed(connection) and missing_triggers(connection):
        install(connection)
        rebuild(connection)


def ensure_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped, then re-index."""
    from django.db import connections

    ensure(connections[using])
