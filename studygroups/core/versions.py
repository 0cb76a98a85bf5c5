"""Data versions: a number per named set of tables that changes on every write to them.

A cache of something rendered from those tables puts the number in its key, reads it
once per request (one indexed row), and so is right in every server process without
being told about writes: a write commits a new number, and entries under the old one
are never read again (they age out of the cache).

The tables are named in settings.DATA_VERSIONS ({name: {table: events}}); database
triggers set the number, so services, bulk inserts, `.update()`, admin and cascades all
count. Each write sets a new random number (not +1), so a rolled-back transaction, or a
flushed table, can never bring back a number that once labelled other content.

SQLite has only row triggers (one per written row); PostgreSQL gets statement triggers
(one per statement, TRUNCATE included). Triggers are installed after every `migrate`
and taken down before one that will run (SQLite checks triggers when Django rebuilds a
table), and the installation itself sets new numbers: a migration's writes count too.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "core_dataversion"
EVENTS = ("insert", "update", "delete")
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
# 2**53 - 1: positive, and exact in JavaScript should it ever travel there.
MASK = 9007199254740991

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION core_dataversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO core_dataversion (name, number)
  VALUES (TG_ARGV[0], floor(random() * 9007199254740991)::bigint)
  ON CONFLICT (name) DO UPDATE SET number = excluded.number;
  RETURN NULL;
END
$$"""


def tracked() -> dict[str, dict[str, tuple[str, ...]]]:
    return getattr(settings, "DATA_VERSIONS", {})


def trigger_name(table: str, event: str = "") -> str:
    return f"core_dv_{table}" + (f"_{event}" if event else "")


def _table_names(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the triggers (idempotent) for every tracked table that exists, then give
    every version a new number."""
    tables = _table_names(connection)
    if TABLE not in tables:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        for name, watched in tracked().items():
            for table, events in watched.items():
                if table not in tables:
                    continue
                for sql in _trigger_sql(connection.vendor, name, table, events):
                    cursor.execute(sql)
    bump(connection, *tracked())


def _trigger_sql(vendor: str, name: str, table: str, events) -> list[str]:
    """The triggers' SQL; names and tables come from settings and must be identifiers."""
    unknown = set(events) - set(EVENTS)
    if unknown:
        raise ValueError(f"DATA_VERSIONS[{name!r}][{table!r}]: unknown events {unknown}")
    if not (IDENTIFIER.fullmatch(name) and IDENTIFIER.fullmatch(table)):
        raise ValueError(f"DATA_VERSIONS: {name!r} and {table!r} must be plain identifiers")
    qn = f'"{table}"'
    if vendor == "sqlite":
        upsert = (
            f"INSERT INTO {TABLE} (name, number) VALUES ('{name}', random() & {MASK}) "  # noqa: S608
            "ON CONFLICT (name) DO UPDATE SET number = excluded.number;"
        )
        return [
            f"CREATE TRIGGER IF NOT EXISTS {trigger_name(table, event)} "
            f"AFTER {event.upper()} ON {qn} BEGIN {upsert} END"
            for event in events
        ]
    if vendor == "postgresql":
        what = " OR ".join([e.upper() for e in events] + ["TRUNCATE"])
        return [
            f"CREATE OR REPLACE TRIGGER {trigger_name(table)} AFTER {what} ON {qn} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION core_dataversion_bump('{name}')"
        ]
    return []


def uninstall(connection: BaseDatabaseWrapper) -> None:
    tables = _table_names(connection)
    with connection.cursor() as cursor:
        for watched in tracked().values():
            for table, events in watched.items():
                if connection.vendor == "sqlite":
                    for event in events:
                        cursor.execute(f"DROP TRIGGER IF EXISTS {trigger_name(table, event)}")
                elif connection.vendor == "postgresql" and table in tables:
                    cursor.execute(f'DROP TRIGGER IF EXISTS {trigger_name(table)} ON "{table}"')


def bump(connection: BaseDatabaseWrapper, *names: str) -> None:
    """Give each named version a new number (what the triggers do on a write)."""
    with connection.cursor() as cursor:
        for name in names:
            if connection.vendor == "postgresql":
                number = f"floor(random() * {MASK})::bigint"
            else:
                number = f"random() & {MASK}"
            cursor.execute(
                f"INSERT INTO {TABLE} (name, number) VALUES (%s, {number}) "  # noqa: S608
                "ON CONFLICT (name) DO UPDATE SET number = excluded.number",
                [name],
            )


def current(name: str, connection: BaseDatabaseWrapper = default_connection) -> int | None:
    """The version's number now (one indexed read); None before its first write, when
    nothing may be cached under it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number FROM {TABLE} WHERE name = %s", [name])  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row else None


def current_many(*names: str) -> tuple[int, ...] | None:
    """The numbers of several versions in one read; None if any has none yet."""
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, number FROM {TABLE} WHERE name IN ({', '.join(['%s'] * len(names))})",  # noqa: S608
            list(names),
        )
        numbers = dict(cursor.fetchall())
    if len(numbers) != len(names):
        return None
    return tuple(numbers[name] for name in names)


def detach_before_migrate(sender, using="default", plan=None, **kwargs) -> None:
    """pre_migrate, when something will migrate: SQLite checks every trigger when Django
    rebuilds a table, and one naming a table being rebuilt would fail the rename."""
    from django.db import connections

    if plan:
        uninstall(connections[using])


def install_after_migrate(sender, using="default", **kwargs) -> None:
    from django.db import connections

    install(connections[using])
