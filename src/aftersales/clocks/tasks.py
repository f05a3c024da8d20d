"""Background tasks for clocks (DESIGN.md "Time and background work"): thin wrappers."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from aftersales.clocks.sweep import clock_sweep


@task()
def clock_sweep_task() -> dict[str, Any]:
    """Enqueued every minute by the scheduler (scale-out) or run by the serve thread (embedded)."""
    result = clock_sweep()
    return {
        "checked": result.checked,
        "warned": result.warned,
        "breached": result.breached,
        "escalated": result.escalated,
        "recomputed": result.recomputed,
    }
