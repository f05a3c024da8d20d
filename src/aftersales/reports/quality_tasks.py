"""Background tasks of Q3 early warnings and X5 risk reviews (scheduled by settings.AFTERSALES_PERIODIC_JOBS)."""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def early_warning_task() -> dict[str, Any]:
    """Q3: daily — detect recurring problems of this and the previous month, quarter and year (idempotent)."""
    from aftersales.reports.warnings import warnings_detect

    result = warnings_detect()
    return {"raised": result.raised, "updated": result.updated}


@task()
def risk_review_task() -> dict[str, Any]:
    """X5: daily — notify the owner of each risk whose review date has passed (once per review date)."""
    from aftersales.reports.risks import risk_reviews_overdue_notify

    return {"notified": risk_reviews_overdue_notify()}
