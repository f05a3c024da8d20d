"""Periodic jobs of callbacks (core.periodic): plan today's callbacks (V1)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from aftersales.callbacks.services import callbacks_plan


@task()
def plan_callbacks_task() -> int:
    return callbacks_plan(on=timezone.localdate()).total
