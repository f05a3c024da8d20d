"""Helpers for tests of pages whose work runs as a background job (core.jobs): submit, then run the
waiting tasks as the worker does, then read the job's page."""

from __future__ import annotations

from typing import Any


def run_tasks() -> int:
    """What the worker thread of `aftersales serve` does, until no task waits: claim, then django_tasks_db's
    own `run_task` (its loop closes connections between tasks, which a test's transaction cannot survive)."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while (waiting := DBTaskResult.objects.ready().first()) is not None:
        waiting.claim("test")
        worker.run_task(waiting)
        ran += 1
    return ran


def submit_and_run(client: Any, url: str, data: dict[str, Any]) -> Any:
    """POST a form that starts a job, run the job, and return its page (after the redirect)."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    if response.status_code != 302 or not response["Location"].startswith("/jobs/"):
        return response
    run_tasks()
    return client.get(response["Location"])
