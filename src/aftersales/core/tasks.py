"""Background tasks of the kernel: thin wrappers, scheduled by settings.AFTERSALES_PERIODIC_JOBS."""

from __future__ import annotations

from django_tasks import task

from aftersales.core.periodic import sqlite_checkpoint


@task()
def sqlite_checkpoint_task() -> None:
    """Every minute on the embedded SQLite install: checkpoint the write-ahead log (see sqlite_checkpoint)."""
    sqlite_checkpoint()
