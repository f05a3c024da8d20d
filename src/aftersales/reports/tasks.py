"""Scheduled drafting of the period reports (core.periodic, docs/decisions/0003, 0025, 0037): the
statistical analysis table and the staff appraisal of last month (monthly), the weekly report of last
week (each Monday). Idempotent: a period already reported is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from aftersales.reports.figures import month_period, week_period
from aftersales.reports.models import PeriodReportKind
from aftersales.reports.period_reports import report_draft_scheduled


def last_month() -> str:
    return month_period(timezone.localdate().replace(day=1) - dt.timedelta(days=1))


def last_week() -> str:
    return week_period(timezone.localdate() - dt.timedelta(days=7))


@task()
def analysis_table_task() -> bool:
    """Q1: last month's 统计分析表, drafted for the information clerk to check and submit."""
    return report_draft_scheduled(PeriodReportKind.ANALYSIS, last_month()) is not None


@task()
def weekly_report_task() -> bool:
    """Q2: last week's report, issued to the head of after-sales and the information clerk."""
    return report_draft_scheduled(PeriodReportKind.WEEKLY, last_week()) is not None


@task()
def appraisal_task() -> bool:
    """Q5: last month's staff appraisal, drafted for review and approval."""
    return report_draft_scheduled(PeriodReportKind.APPRAISAL, last_month()) is not None
