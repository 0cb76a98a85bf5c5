"""Statements prepared once per connection on PostgreSQL.

Django sends every statement with its values written in (psycopg's client-side
binding), so PostgreSQL parses and plans each one afresh. For the few long statements
run on every post and every page of a discussion (the page's places and rows, its
replies, the e-mail candidates after a post), parsing and planning cost as much as
running them: 0.3-0.5 ms each at 5,000 threads (`EXPLAIN ANALYZE`'s planning time;
`tests/discussions/measure_posting.py`). `fetch` runs such a statement with its values
sent apart and prepared by psycopg (`prepare=True`), once per connection, so that its
later runs skip the parsing and, once PostgreSQL settles on a generic plan, the
planning.

Only statements passed to `fetch` are prepared: everything else keeps Django's
client-side binding. Prepared statements need a connection that stays one session
(not a pooler in transaction mode): `PREPARED_STATEMENTS=0` in the environment turns
them off (the setting `DATABASES[...]["OPTIONS"]["prepare_threshold"]` is then None),
and `fetch` then runs its statement as any other. SQLite keeps its own cache of
compiled statements per connection, so there `fetch` is a plain `execute`.
"""

from __future__ import annotations

from django.db import NotSupportedError


def fetch(connection, sql: str, params, *, one: bool = False):
    """The rows of `sql` (Django's `%s` placeholders), or its first row when `one`;
    through Django's cursor wrapper either way (query log, execute wrappers, errors).

    A statement prepared before another session changed the type of a column it reads
    (a migration while the server runs) fails on its connection ever after ("cached
    plan must not change result type"); outside a transaction, that connection is then
    closed and the statement run again on a new one. (Inside one, the transaction's
    rollback clears psycopg's prepared statements, and the next request runs anew.)"""
    try:
        return _fetch(connection, sql, params, one)
    except NotSupportedError as error:
        if getattr(error.__cause__, "sqlstate", None) != "0A000" or connection.in_atomic_block:
            raise
        connection.close()
        return _fetch(connection, sql, params, one)


def _fetch(connection, sql, params, one):
    connection.close_if_health_check_failed()  # as Django's own cursor() does
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql" and raw.prepare_threshold is not None:
        connection.validate_thread_sharing()
        prepared = _prepared_cursor_class()(raw)
        cursor = (
            connection.make_debug_cursor(prepared)
            if connection.queries_logged
            else connection.make_cursor(prepared)
        )
    else:
        cursor = connection.cursor()
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() if one else cursor.fetchall()


_CLASS = None


def _prepared_cursor_class():
    """psycopg's server-binding cursor, its statements always prepared (psycopg keeps
    them per connection, by text and types of values)."""
    global _CLASS
    if _CLASS is None:
        import psycopg

        class PreparedCursor(psycopg.Cursor):
            def execute(self, query, params=None, *, prepare=None, binary=None):
                return super().execute(query, params, prepare=True, binary=binary)

            def _send_query_prepared(self, name, pgq, *, binary=None):
                super()._send_query_prepared(name, pgq, binary=binary)
                # Kept as a statement sent unprepared keeps it: Django's query log
                # (`last_executed_query`) reads the text from there.
                self._query = pgq

        _CLASS = PreparedCursor
    return _CLASS
