"""Statements prepared once per connection on PostgreSQL (`core.prepared.fetch`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from studygroups.core import prepared
from studygroups.settings.base import database_from_env

pytestmark = pytest.mark.django_db

STATEMENT = "SELECT %s + 1, CAST(%s AS TEXT) || 'x', (SELECT count(*) FROM django_migrations) > %s"


def test_rows_are_those_of_an_ordinary_cursor_and_the_query_log_has_the_statement():
    with connection.cursor() as cursor:
        cursor.execute(STATEMENT, [41, "ab", 0])
        expected = cursor.fetchall()
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):  # prepared on the first run, executed as prepared after it
            assert prepared.fetch(connection, STATEMENT, [41, "ab", 0]) == expected
        assert prepared.fetch(connection, STATEMENT, [1, "c", 0], one=True) == (2, "cx", True)
    assert len(queries) == 4
    assert all("django_migrations" in query["sql"] for query in queries.captured_queries)


def _prepared_runs():
    """How many times PostgreSQL ran STATEMENT as a prepared statement (this session)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(generic_plans + custom_plans), 0) FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ["%django_migrations) > $3%"],
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_the_statement_is_prepared_once_per_connection():
    before = _prepared_runs()
    for n in range(6):
        prepared.fetch(connection, STATEMENT, [n, "a", 0])
    assert _prepared_runs() == before + 6  # one prepared statement, run six times


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_turned_off_statements_are_sent_as_any_other(monkeypatch):
    prepared.fetch(connection, STATEMENT, [0, "a", 0])
    before = _prepared_runs()
    monkeypatch.setattr(connection.connection, "prepare_threshold", None)
    assert prepared.fetch(connection, STATEMENT, [1, "a", 0], one=True) == (2, "ax", True)
    assert _prepared_runs() == before


def test_the_setting_turns_them_on_for_postgresql_and_off_with_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:secret@localhost:5432/studygroups")
    assert database_from_env()["OPTIONS"]["prepare_threshold"] > 10**6
    monkeypatch.setenv("PREPARED_STATEMENTS", "0")
    assert "prepare_threshold" not in database_from_env()["OPTIONS"]
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/example.sqlite3")
    monkeypatch.delenv("PREPARED_STATEMENTS")
    assert "prepare_threshold" not in database_from_env()["OPTIONS"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.django_db(transaction=True)
def test_a_column_changed_by_another_session_does_not_break_the_statement_for_good():
    """A migration run while the server runs (another session) widens a column a
    prepared statement reads: PostgreSQL then refuses that statement on this connection
    ("cached plan must not change result type"); `fetch` runs it again on a new one."""
    import psycopg

    statement = "SELECT label FROM prepared_probe WHERE id = %s"
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE prepared_probe (id int, label varchar(10))")
        cursor.execute("INSERT INTO prepared_probe VALUES (1, 'one')")
    try:
        for _ in range(2):
            assert prepared.fetch(connection, statement, [1], one=True) == ("one",)
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("ALTER TABLE prepared_probe ALTER COLUMN label TYPE varchar(20)")
        for _ in range(2):
            assert prepared.fetch(connection, statement, [1], one=True) == ("one",)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE prepared_probe")
