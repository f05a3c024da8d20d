"""Periodic jobs of the embedded install: one daemon thread inside `aftersales serve`.

Jobs are named by dotted path in settings.AFTERSALES_PERIODIC_JOBS ({path: seconds}), so the
kernel imports no domain app. A job is a django_tasks Task (run with `.call()`, in this
process, the same code a `db_worker` runs when the scale-out `aftersales scheduler` enqueues
it) or a plain function. Every job is idempotent and driven by stored due times, so a missed
minute, a second process or a restart does no harm (DESIGN.md "Time and background work").
"""

from __future__ import annotations

import logging
import threading
import time
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


def _loop(jobs: dict[str, float]) -> None:
    next_run = {path: 0.0 for path in jobs}
    while not _stop.is_set():
        now = time.monotonic()
        for path, every in jobs.items():
            if now >= next_run[path]:
                next_run[path] = now + every
                try:
                    run_job(path)
                except Exception:  # a failing run is logged; the next minute tries again
                    log.exception("periodic job %s failed", path)
        _stop.wait(max(0.5, min(next_run.values()) - time.monotonic()))


def periodic_start(jobs: dict[str, float] | None = None) -> bool:
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


def periodic_stop(timeout: float = 5.0) -> None:
    global _thread
    _stop.set()
    if _thread is not None:
        _thread.join(timeout)
    _thread = None
