"""Background tasks of the service case (docs/decisions/0003): thin wrappers around services.rules.

Scheduled by settings.AFTERSALES_PERIODIC_JOBS: run in-process by `aftersales serve` (embedded) or
enqueued by `aftersales scheduler` for the task workers (scale-out). Each is idempotent.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task

from aftersales.service.services.rules import handins_overdue_notify, service_requests_carry_over


@task()
def carry_over_task() -> dict[str, Any]:
    """S7: daily at 00:05 — yesterday's undispatched requests go to the top of today's queue."""
    return {"carried_over": service_requests_carry_over()}


@task()
def handins_overdue_task() -> dict[str, Any]:
    """S14: daily — plan this month's hand-ins and tell the heads of after-sales about overdue ones once."""
    return {"overdue_reported": [f"{h.service_point.code} {h.period}" for h in handins_overdue_notify()]}
