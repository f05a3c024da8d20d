"""The benchmark databases: where they live, Django set up on one, migrations, the load cache.

The bench never touches the embedded database (var/aftersales.sqlite3): SQLite runs on
var/bench/bench.sqlite3, PostgreSQL on AFTERSALES_BENCH_POSTGRES_URL (its customer, unit and
related tables are emptied on a rebuild). The loaded data is reused between runs; it is rebuilt
when missing, when DATA_VERSION changes, or with AFTERSALES_BENCH_REBUILD=1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO_ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "bench.sqlite3"
META_TABLE = "bench_meta"
BENCH_SECRET_KEY = "bench-only-secret-key-never-used-in-production-0123456789abcdef"


def targets() -> dict[str, str]:
    """Target name → database URL: SQLite always, PostgreSQL when AFTERSALES_BENCH_POSTGRES_URL is set."""
    found = {"sqlite": f"sqlite:///{SQLITE_PATH}"}
    if url := os.environ.get("AFTERSALES_BENCH_POSTGRES_URL", "").strip():
        found["postgresql"] = url
    return found


def rebuild_requested() -> bool:
    return os.environ.get("AFTERSALES_BENCH_REBUILD", "").strip().lower() in {"1", "true", "yes", "on"}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def setup_django(url: str) -> None:
    """Point the settings at the bench database, then django.setup() and migrate."""
    if url.startswith("sqlite:"):
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        if rebuild_requested():
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ["AFTERSALES_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "aftersales.settings"
    # The settings refuse the built-in key on PostgreSQL; the bench (and the servers it starts, which
    # inherit this environment) runs with a bench-only one.
    os.environ.setdefault("AFTERSALES_SECRET_KEY", BENCH_SECRET_KEY)
    # The audit chain's key (required on PostgreSQL), also for the servers the bench starts.
    os.environ.setdefault("AFTERSALES_AUDIT_KEY", "bench-audit-key-not-a-secret")
    import django
    from django.core.management import call_command

    django.setup()
    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrations applied ({time.perf_counter() - start:.1f} s)")


# --- the marker of a finished load -----------------------------------------------------------


def meta_read() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (k VARCHAR(64) PRIMARY KEY, v TEXT NOT NULL)")
        cursor.execute(f"SELECT k, v FROM {META_TABLE}")
        return {k: json.loads(v) for k, v in cursor.fetchall()}


def meta_write(values: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {META_TABLE}")
        cursor.executemany(
            f"INSERT INTO {META_TABLE} (k, v) VALUES (%s, %s)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in values.items()],
        )


# --- fast inserts ----------------------------------------------------------------------------


def insert_rows(model: Any, rows: Iterable[dict[str, Any]], *, batch: int = 10_000, raw: Sequence[str] = ()) -> int:
    """INSERT rows (dicts by field attname, ids included) with executemany (COPY on PostgreSQL),
    bypassing the ORM.

    Fields a row leaves out get the field's default (callables evaluated once; "" for text
    fields without one, NULL for nullable ones), auto_now fields the current time. Values are converted like the ORM does
    (get_db_prep_save) for the field types that need it, except the attnames in `raw`, whose
    values are written as they are (e.g. JSON text already encoded the way the app writes it).
    """
    from django.db import connection, models
    from django.utils import timezone

    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields]
    defaults: dict[str, Any] = {}
    for f in fields:
        auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        defaults[f.attname] = now if auto else f.get_default()  # "" for text, None when nullable
    converted = (models.DateField, models.TimeField, models.DecimalField, models.JSONField, models.UUIDField)
    preps = [
        (f.attname, f.get_db_prep_save if isinstance(f, converted) and f.attname not in raw else None) for f in fields
    ]  # DateTimeField is a DateField
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    copy_sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    count = 0
    chunk: list[Sequence[Any]] = []

    def flush() -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # COPY: ~20× executemany on PostgreSQL
                with cursor.cursor.copy(copy_sql) as copy:
                    for values in chunk:
                        copy.write_row(values)
            else:
                cursor.executemany(sql, chunk)
        chunk.clear()

    for row in rows:
        values = []
        for attname, prep in preps:
            value = row[attname] if attname in row else defaults[attname]
            values.append(prep(value, connection) if prep is not None and value is not None else value)
        chunk.append(values)
        count += 1
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    return count


def reset_sequences(models: Sequence[Any]) -> None:
    """After inserting explicit ids: move PostgreSQL's id sequences past them (no-op on SQLite)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def analyze() -> None:
    """Planner statistics after a bulk load. PostgreSQL's autovacuum would gather them soon after
    in production; SQLite gathers none unless asked, so it is measured without (as installed)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def empty_tables(models: Sequence[Any]) -> None:
    """Remove previously loaded rows before a reload, children first (a fresh SQLite file has none).

    DELETE, not TRUNCATE … CASCADE: that would also empty every table that references these
    (users, events) on PostgreSQL.
    """
    from django.db import connection

    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
