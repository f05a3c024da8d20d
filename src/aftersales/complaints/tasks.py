"""Background tasks of complaints (K8): thin wrappers around the services.

Scheduled by settings.AFTERSALES_PERIODIC_JOBS (crontab in TIME_ZONE). Each is idempotent.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from aftersales.complaints.services.reviews import review_prepare_due


@task()
def responsibility_review_task() -> dict[str, Any]:
    """K8: on the 1st of each month at 00:20 — prepare last month's responsibility review (once)."""
    review = review_prepare_due()
    return {"prepared": review.period if review is not None else None}
