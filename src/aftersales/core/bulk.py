"""Many rows at once, for the writers that need it (the event log, the clock sweep).

Django's PostgreSQL backend binds parameters on the client (psycopg's ClientCursor), which
formats each one in Python: measured ~0.2 ms per row of a 12-column INSERT (250 ms for 500
events). Here PostgreSQL gets one server-bound statement with one array per column
(`unnest`), so the statement text and plan stay the same whatever the row count; SQLite, which
runs in-process, gets one prepared statement run for every row (executemany).

Measured (make bench, 1,000 due clocks): a 500-row `VALUES` list of 12 parameters a row took
100–200 ms to insert on PostgreSQL and 17 ms on SQLite; see docs/decisions/0003 for the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction


def bulk_execute(sql: str, params: list[Any], *, fetch: bool = False) -> list[tuple[Any, ...]]:
    """Run `sql` (with %s placeholders) in the current transaction, server-bound on PostgreSQL;
    the rows it returns if `fetch`."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if fetch else []
    import psycopg
    from psycopg.pq import Format

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        # Django's timestamptz loader is Python (11 µs a value: 40 ms of a 500-clock read); the
        # session's time zone is UTC, so psycopg's own (C) loader returns the same aware values.
        oid = psycopg.adapters.types["timestamptz"].oid
        loader = psycopg.adapters.get_loader(oid, Format.TEXT)
        if loader is not None:  # psycopg always has it; without it the cursor keeps Django's
            cursor.adapters.register_loader(oid, loader)
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else []


def _unnest(columns: dict[str, str]) -> str:
    return "unnest({})".format(", ".join(f"CAST(%b AS {kind}[])" for kind in columns.values()))


def _by_column(rows: list[tuple[Any, ...]], width: int) -> list[list[Any]]:
    return [[row[i] for row in rows] for i in range(width)]


def bulk_insert(table: str, columns: dict[str, str], rows: list[tuple[Any, ...]]) -> None:
    """INSERT `rows` (tuples in the order of `columns`: name → PostgreSQL type) into `table`."""
    if not rows:
        return
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {qn(table)} ({names}) SELECT * FROM {_unnest(columns)}"  # noqa: S608 (names only)
        bulk_execute(sql, _by_column(rows, len(columns)))
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {qn(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608
            rows,
        )


def bulk_update(table: str, columns: dict[str, str], rows: list[tuple[Any, ...]], *, key: str = "id") -> None:
    """UPDATE `table` SET `columns` per row: each row is its values in the order of `columns`
    (name → PostgreSQL type), then its `key` (a bigint)."""
    if not rows:
        return
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        names = [*columns, key]
        assignments = ", ".join(f"{qn(c)} = v.{qn(c)}" for c in columns)
        sql = (
            f"UPDATE {qn(table)} AS t SET {assignments} "  # noqa: S608 (names only)
            f"FROM {_unnest({**columns, key: 'bigint'})} AS v({', '.join(qn(c) for c in names)}) "
            f"WHERE t.{qn(key)} = v.{qn(key)}"
        )
        bulk_execute(sql, _by_column(rows, len(names)))
        return
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {qn(table)} SET {assignments} WHERE {qn(key)} = %s", rows)  # noqa: S608


@contextmanager
def pipelined() -> Iterator[None]:
    """On PostgreSQL, the statements run inside are sent without waiting for each one's result
    (psycopg pipeline mode): the server works on one while Python prepares the next. Results
    (and errors) arrive at the end of the block, or when a statement's rows are read. Elsewhere
    a no-op. Used by the clock sweep: its UPDATE runs on the server while the events are hashed.
    """
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def datetime_adapter() -> Callable[[dt.datetime | None], Any]:
    """How the current database takes an aware datetime bound, without Django's per-value checks
    (adapt_datetimefield_value, ~4 µs each: a fifth of a 1,000-clock sweep). PostgreSQL binds
    timestamptz as is; SQLite gets the naive UTC text Django stores."""
    if transaction.get_connection().vendor == "postgresql":
        return _as_is
    return _sqlite_datetime


def _as_is(value: dt.datetime | None) -> dt.datetime | None:
    return value


def _sqlite_datetime(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=None).isoformat(" ")


def allocate_ids(table: str, count: int) -> list[int]:
    """`count` new primary keys of `table` (an auto-increment `id`), taken before the insert, in the
    caller's write transaction. SQLite: past the largest id and the AUTOINCREMENT counter (the
    transaction holds the one write lock, BEGIN IMMEDIATE); PostgreSQL: from the table's sequence."""
    if count <= 0:
        return []
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608 (names only)
            first = int(cursor.fetchone()[0])
            cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if cursor.fetchone() is not None:
                cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
                first = max(first, int(cursor.fetchone()[0]))
            return list(range(first + 1, first + 1 + count))
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [int(r[0]) for r in cursor.fetchall()]


def bulk_insert_rows(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert new rows of `model` given as {attname: value} (ids allocated, then one bulk_insert) and
    return their ids, in order: Django's bulk_create without model instances or its per-value
    preparation (~1 ms an object on a busy machine: 40 s of a 14k-callback planning run). Fields a row
    leaves out get their default (callables called once), `auto_now`/`auto_now_add` the current time.
    For plain columns: text, numbers, booleans, dates, aware datetimes, JSON.
    """
    if not rows:
        return []
    import functools
    import json

    from django.db import models
    from django.utils import timezone

    connection = transaction.get_connection()
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamp = datetime_adapter()
    sqlite = connection.vendor == "sqlite"
    defaults: dict[str, Any] = {}
    converters: list[Callable[[Any], Any] | None] = []
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = now if auto else f.get_default()
        if isinstance(f, models.DateTimeField):
            converters.append(functools.lru_cache(maxsize=4096)(stamp))  # rows share a few instants
        elif isinstance(f, models.DateField):
            converters.append(_iso_date if sqlite else None)
        elif isinstance(f, models.JSONField):
            converters.append(lambda v: json.dumps(v, ensure_ascii=False) if v is not None else None)
        else:
            converters.append(None)
    columns = {"id": "bigint"}
    for f in fields:
        columns[f.column] = "jsonb" if isinstance(f, models.JSONField) else (f.db_type(connection) or "text")
    ids = allocate_ids(meta.db_table, len(rows))
    plan = [(f.attname, convert) for f, convert in zip(fields, converters, strict=True)]
    values = []
    for pk, row in zip(ids, rows, strict=True):
        out: list[Any] = [pk]
        for attname, convert in plan:
            value = row[attname] if attname in row else defaults[attname]
            out.append(convert(value) if convert is not None and value is not None else value)
        values.append(tuple(out))
    bulk_insert(meta.db_table, columns, values)
    return ids


def _iso_date(value: dt.date) -> str:
    return value.isoformat()
