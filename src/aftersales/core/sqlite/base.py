"""Django's SQLite backend, with write transactions queued on a lock file (docs/decisions/0004).

Every transaction starts with BEGIN IMMEDIATE, which takes SQLite's one write lock. A second
writer — another gunicorn worker, or another thread of the same one — finds it taken and SQLite's
busy handler puts it to sleep for 1, 2, 5, 10, 15, 20, 25 … ms before each retry, however soon
the lock is free: with four clients registering requests, p99 rose to 150–650 ms while each
transaction held the lock for ~2 ms (make bench, service intake).

Here a writer first takes an exclusive flock on `<database>-writer.lock`, one open file per
connection, so threads and processes queue alike, and is let in within half a millisecond of the
lock's release. It gives it up when the transaction commits, rolls back or its connection closes.
The wait is bounded by the database's `timeout` option, as SQLite's own, and ends with the same
"database is locked" error. An in-memory database has no file to lock and keeps SQLite's handler.

Commits also drive the write-ahead log's checkpoints (_Checkpointer), off the request path.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from contextlib import closing, suppress
from typing import Any

from django.db.backends.sqlite3 import base, creation

# Polling steps (seconds) while another writer holds the lock: short at first, never above 0.5 ms.
_FIRST_WAIT, _MAX_WAIT = 0.00005, 0.0005
# Commits of a process between two background checkpoints: a registration writes ~50 pages, so
# ~3,000 pages (12 MB) a checkpoint, well under the connections' auto-checkpoint of 10,000.
CHECKPOINT_EVERY = 64


class _Checkpointer:
    """Copies the write-ahead log back into the database file in a thread of its own, every
    CHECKPOINT_EVERY commits of this process, so that no commit crosses SQLite's auto-checkpoint
    threshold and pays the copy itself (measured: a ~90 ms stall every ~185 registrations).
    PASSIVE: never waits for readers or writers; a checkpoint already running elsewhere wins."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self.pid = os.getpid()  # threads do not survive a fork: a forked worker makes its own
        self.commits = 0
        self.wanted = threading.Event()
        threading.Thread(target=self._run, name="aftersales-sqlite-checkpoint", daemon=True).start()

    def committed(self) -> None:
        self.commits += 1  # a lost update under threads only delays a checkpoint
        if self.commits % CHECKPOINT_EVERY == 0:
            self.wanted.set()

    def _run(self) -> None:
        while True:
            self.wanted.wait()
            self.wanted.clear()
            try:
                with closing(sqlite3.connect(self.path, timeout=self.timeout)) as connection:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:  # e.g. a test database removed meanwhile: the next commit asks again
                continue


_checkpointers: dict[str, _Checkpointer] = {}
_checkpointers_lock = threading.Lock()


def _checkpointer(path: str, timeout: float) -> _Checkpointer:
    found = _checkpointers.get(path)
    if found is not None and found.pid == os.getpid():
        return found
    with _checkpointers_lock:
        found = _checkpointers.get(path)
        if found is None or found.pid != os.getpid():
            found = _checkpointers[path] = _Checkpointer(path, timeout)
        return found


def writer_lock_path(database: str) -> str:
    return f"{database}-writer.lock"


class DatabaseCreation(creation.DatabaseCreation):
    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]  # private DatabaseCreation hook, not in django-stubs
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with suppress(FileNotFoundError):
                os.remove(writer_lock_path(test_database_name))


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_held = False

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return writer_lock_path(name)

    def _timeout(self) -> float:
        return float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))

    def _writer_acquire(self) -> None:
        path = self._writer_lock_path()
        if path is None or self._writer_held:
            return
        if self._writer_fd is None:
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + self._timeout()
        wait = _FIRST_WAIT
        while True:
            try:
                fcntl.flock(self._writer_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    with self.wrap_database_errors:  # django.db.OperationalError, as SQLite's own
                        raise sqlite3.OperationalError("database is locked") from None
                time.sleep(wait)
                wait = min(wait * 2, _MAX_WAIT)
        self._writer_held = True

    def _writer_release(self) -> None:
        if self._writer_held and self._writer_fd is not None:
            self._writer_held = False
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self) -> None:
        self._writer_acquire()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private DatabaseWrapper hook, not in django-stubs
        except BaseException:
            self._writer_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private DatabaseWrapper hook, not in django-stubs
        finally:
            self._writer_release()
        path = self.settings_dict["NAME"]
        if not self.is_in_memory_db() and path:
            _checkpointer(str(path), self._timeout()).committed()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private DatabaseWrapper hook, not in django-stubs
        finally:
            self._writer_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private DatabaseWrapper hook, not in django-stubs
        finally:
            self._writer_release()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
