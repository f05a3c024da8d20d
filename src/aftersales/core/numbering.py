"""Business numbers from per-period counters: unique and gapless under concurrency (K1)."""

from __future__ import annotations

from django.db import connection, transaction

from aftersales.core.models import Counter


def number_next(*, key: str, period: str) -> int:
    """Take the next value of (key, period) inside the caller's transaction.

    One upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, SQLite ≥ 3.35 and PostgreSQL): it takes
    the row lock, so two concurrent callers get consecutive values, and a rolled-back caller gives
    its value back (no gaps).
    """
    assert transaction.get_connection().in_atomic_block, "number_next() runs inside a transaction"
    table, key_col, period_col, value_col = map(
        connection.ops.quote_name, [Counter._meta.db_table, "key", "period", "value"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {period_col}, {value_col}) VALUES (%s, %s, 1) "  # noqa: S608 — our names
            f"ON CONFLICT ({key_col}, {period_col}) DO UPDATE SET {value_col} = {table}.{value_col} + 1 "
            f"RETURNING {value_col}",
            [key, period],
        )
        return int(cursor.fetchone()[0])
