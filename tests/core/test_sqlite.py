"""core.sqlite: writers queue on a lock file, and commits drive background checkpoints (docs/decisions/0004).

Each test makes its own SQLite database in tmp_path under a database alias of its own, whatever
database the suite runs on."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import OperationalError, connections, transaction

from aftersales.core.sqlite.base import CHECKPOINT_EVERY, writer_lock_path

ALIAS = "sqlite_probe"


@pytest.fixture
def probe(tmp_path: Path, django_db_blocker) -> Iterator[Path]:
    """The alias ALIAS on a fresh WAL database without SQLite's auto-checkpoint; its path."""
    path = tmp_path / "probe.sqlite3"
    connections.settings[ALIAS] = {
        **connections["default"].settings_dict,
        "ENGINE": "aftersales.core.sqlite",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 0.5,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=0;",
        },
        "TEST": {},
    }
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
        yield path
        connections[ALIAS].close()
    del connections[ALIAS]  # this thread's wrapper; the others closed theirs
    del connections.settings[ALIAS]


def _lock_is_free(path: Path) -> bool:
    fd = os.open(writer_lock_path(str(path)), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def _in_thread(target, *args) -> threading.Thread:
    def run() -> None:
        try:
            target(*args)
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_transaction_holds_the_writer_lock_until_commit_or_rollback(probe: Path) -> None:
    assert _lock_is_free(probe)
    with transaction.atomic(using=ALIAS):
        assert not _lock_is_free(probe)
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("INSERT INTO note (text) VALUES ('a')")
    assert _lock_is_free(probe)
    held: list[bool] = []

    def fail_inside() -> None:
        with transaction.atomic(using=ALIAS):
            held.append(not _lock_is_free(probe))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        fail_inside()
    assert held == [True]
    assert _lock_is_free(probe)


def test_a_second_writer_waits_its_turn_or_gets_database_is_locked(probe: Path) -> None:
    inside, release = threading.Event(), threading.Event()
    order: list[str] = []
    failures: list[Exception] = []

    def first() -> None:
        with transaction.atomic(using=ALIAS):
            with connections[ALIAS].cursor() as cursor:
                cursor.execute("INSERT INTO note (text) VALUES ('first')")
            inside.set()
            release.wait(10)
            order.append("first commits")

    def second() -> None:
        try:
            with transaction.atomic(using=ALIAS):
                order.append("second begins")
                with connections[ALIAS].cursor() as cursor:
                    cursor.execute("INSERT INTO note (text) VALUES ('second')")
        except OperationalError as exc:
            failures.append(exc)

    # Held longer than the 0.5 s timeout: the second writer gives up, as with SQLite's own lock.
    holder = _in_thread(first)
    assert inside.wait(10)
    _in_thread(second).join(10)
    release.set()
    holder.join(10)
    assert [str(exc) for exc in failures] == ["database is locked"]
    # Held briefly: the second writer waits and goes in after the first has committed.
    inside.clear()
    release.clear()
    order.clear()
    holder = _in_thread(first)
    assert inside.wait(10)
    waiter = _in_thread(second)
    release.set()
    holder.join(10)
    waiter.join(10)
    assert order == ["first commits", "second begins"]
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT text FROM note ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["first", "first", "second"]


def test_commits_have_the_write_ahead_log_checkpointed_in_the_background(probe: Path) -> None:
    """Auto-checkpoint is off here, so the database file grows only when the checkpointer copies
    the log into it."""
    size = probe.stat().st_size
    for i in range(CHECKPOINT_EVERY * 2):
        with transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as cursor:
            cursor.execute("INSERT INTO note (text) VALUES (%s)", [f"note {i} " + "x" * 2000])
    deadline = time.monotonic() + 20
    while probe.stat().st_size <= size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert probe.stat().st_size > size
