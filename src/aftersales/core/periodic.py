"""Periodic jobs of the embedded install: one daemon thread inside `aftersales serve`.

Jobs are named by dotted path in settings.AFTERSALES_PERIODIC_JOBS ({path: seconds, or a
crontab string such as "5 0 * * *" read in settings.TIME_ZONE}), so the kernel imports no domain app. A job is a django_tasks Task (run with `.call()`, in this
process, the same code a `db_worker` runs when the scale-out `aftersales scheduler` enqueues
it) or a plain function. Every job is idempotent and driven by stored due times, so a missed
minute, a second process or a restart does no harm (DESIGN.md "Time and background work").
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

log = logging.getLogger("aftersales.periodic")

_lock = threading.Lock()
_thread: threading.Thread | None = None
_stop = threading.Event()


def run_job(path: str) -> Any:
    """Run one job now, in this thread; database connections are closed afterwards."""
    job = import_string(path)
    try:
        return job.call() if hasattr(job, "call") else job()
    finally:
        connections.close_all()


Schedule = float | int | str  # seconds between runs, or a crontab line ("minute hour day month weekday")


def next_run_after(schedule: Schedule, after: dt.datetime) -> dt.datetime:
    """The next time a job is due after `after` (aware): + seconds, or the crontab's next fire time."""
    if isinstance(schedule, str):
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(schedule, timezone=settings.TIME_ZONE)
        fire = trigger.get_next_fire_time(None, after + dt.timedelta(microseconds=1))
        assert fire is not None, f"crontab {schedule!r} never fires"
        return fire
    return after + dt.timedelta(seconds=float(schedule))


def _loop(jobs: dict[str, Schedule]) -> None:
    # Every job runs once at start: daily jobs catch up after a restart (they are idempotent).
    now = dt.datetime.now(dt.UTC)
    next_run = dict.fromkeys(jobs, now)
    while not _stop.is_set():
        now = dt.datetime.now(dt.UTC)
        for path, schedule in jobs.items():
            if now >= next_run[path]:
                next_run[path] = next_run_after(schedule, now)
                try:
                    run_job(path)
                except Exception:  # a failing run is logged; the next minute tries again
                    log.exception("periodic job %s failed", path)
        wait = (min(next_run.values()) - dt.datetime.now(dt.UTC)).total_seconds()
        _stop.wait(min(60.0, max(0.5, wait)))


def sqlite_checkpoint() -> None:
    """Copy SQLite's write-ahead log back into the database file, in the background (every minute).

    Like PostgreSQL's checkpointer: without it, whichever commit crosses SQLite's auto-checkpoint
    threshold pays the copy and its fsync (measured: 40–55 ms of a 1,000-clock sweep, every sweep,
    with the default 1,000 pages). Connections raise the threshold to 10,000 pages (settings) so
    this job does the work; PASSIVE never waits for readers or writers. No-op on PostgreSQL.
    """
    connection = connections["default"]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        cursor.fetchall()


def periodic_start(jobs: dict[str, Schedule] | None = None) -> bool:
    """Start the periodic thread once per process (idempotent). Returns True if it was started now."""
    global _thread
    jobs = dict(jobs if jobs is not None else getattr(settings, "AFTERSALES_PERIODIC_JOBS", {}))
    with _lock:
        if not jobs or (_thread is not None and _thread.is_alive()):
            return False
        _stop.clear()
        _thread = threading.Thread(target=_loop, args=(jobs,), name="aftersales-periodic", daemon=True)
        _thread.start()
        return True


_worker: Any = None
_worker_thread: threading.Thread | None = None
TASK_WORKER_INTERVAL = 1.0  # seconds between looks for a waiting task (a job a user is watching)


def task_worker_start() -> bool:
    """Start the embedded task worker once per process: a daemon thread running django_tasks_db's
    worker loop (the code of `aftersales db_worker`), so tasks enqueued by the pages (imports, large
    exports: core.jobs) run inside `aftersales serve`. Off with AFTERSALES_TASK_WORKER = False.
    Tasks are claimed in the database, so several processes never run one task twice.
    Returns True if it was started now."""
    global _worker, _worker_thread
    if not getattr(settings, "AFTERSALES_TASK_WORKER", True):
        return False
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker

    if not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], DatabaseBackend):
        return False
    with _lock:
        if _worker_thread is not None and _worker_thread.is_alive():
            return False
        _worker = Worker(
            queue_names=["*"],
            interval=TASK_WORKER_INTERVAL,
            batch=False,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=f"embedded-{threading.get_native_id()}",
            excluded_queue_names=[],
        )
        _worker_thread = threading.Thread(target=_worker.run, name="aftersales-tasks", daemon=True)
        _worker_thread.start()
        return True


def task_worker_stop(timeout: float = 5.0) -> None:
    global _worker, _worker_thread
    if _worker is not None:
        _worker.running = False
    if _worker_thread is not None:
        _worker_thread.join(timeout)
    _worker, _worker_thread = None, None


def periodic_stop(timeout: float = 5.0) -> None:
    global _thread
    _stop.set()
    if _thread is not None:
        _thread.join(timeout)
    _thread = None
