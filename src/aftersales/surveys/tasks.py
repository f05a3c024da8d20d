"""Periodic jobs of the survey (core.periodic): last month's satisfaction analysis reports (V5)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from aftersales.surveys.reports import reports_generate


@task()
def analysis_reports_task() -> int:
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return len(reports_generate(month=last_month))
