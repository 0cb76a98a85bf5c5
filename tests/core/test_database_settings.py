"""The database settings built from DATABASE_URL (settings.base.database_from_env)."""

import pytest

from studygroups.settings.base import database_from_env


@pytest.mark.parametrize(
    "url",
    ["sqlite:////tmp/example.sqlite3", "postgres://user:secret@localhost:5432/studygroups"],
)
def test_connections_are_kept_between_requests_and_checked_before_reuse(monkeypatch, url):
    # Opening a SQLite file per request (its schema read, the PRAGMAs) cost more than a
    # small page: connections persist, and a broken one is replaced, not used.
    monkeypatch.setenv("DATABASE_URL", url)
    config = database_from_env()
    assert config["CONN_MAX_AGE"] > 0
    assert config["CONN_HEALTH_CHECKS"] is True


def test_sqlite_keeps_its_write_ahead_log_and_queued_writers(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/example.sqlite3")
    options = database_from_env()["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL;" in options["init_command"]
