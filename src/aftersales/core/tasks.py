"""Background tasks of the kernel: thin wrappers, scheduled by settings.AFTERSALES_PERIODIC_JOBS."""

from __future__ import annotations

from django_tasks import task

from aftersales.core.periodic import sqlite_checkpoint


@task()
def sqlite_checkpoint_task() -> None:
    """Every minute on the embedded SQLite install: checkpoint the write-ahead log (see sqlite_checkpoint)."""
    sqlite_checkpoint()


@task()
def audit_chain_task() -> None:
    """Every minute: chain the events left unchained (a crash between a commit and its on-commit hook)."""
    from aftersales.core.events import events_chain_pending

    events_chain_pending()


@task()
def idempotency_purge_task() -> None:
    """Hourly: forget Idempotency-Keys and form tokens older than their window (core.idempotency, core.formtokens)."""
    from aftersales.core.formtokens import form_token_purge
    from aftersales.core.idempotency import idempotency_purge

    idempotency_purge()
    form_token_purge()


@task()
def job_run_task(job_id: int) -> str:
    """A user's background job (an import, a large export): core.jobs.job_run; idempotent (claims once)."""
    from aftersales.core.jobs import job_run

    return job_run(job_id)


@task()
def job_files_purge_task() -> None:
    """Daily: remove the files of background jobs ended longer ago than AFTERSALES_JOB_FILES_RETENTION."""
    from aftersales.core.jobs import job_files_purge

    job_files_purge()
