"""Background tasks of the parts flows: thin wrappers around the services (settings.AFTERSALES_PERIODIC_JOBS)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from aftersales.parts.flow.services.demand import reorder_sweep


@task()
def reorder_sweep_task() -> dict[str, Any]:
    """P5: every stock plan with a reorder point checked against the store's available quantity (hourly)."""
    return {"opened": reorder_sweep()}
