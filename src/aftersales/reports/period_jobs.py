"""A period report drafted on request runs as a background job (core.jobs): the job page shows its
progress and the owner is told when it is ready (the job_finished bell)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.core.jobs import JobOutcome, JobProgress, register_job_kind
from aftersales.core.models import Job

PERIOD_REPORT_JOB = "reports.period_report"


def _run(job: Job, progress: JobProgress) -> JobOutcome:
    from aftersales.accounts.selectors import actor_for
    from aftersales.reports.period_reports import report_draft, report_url

    report, created = report_draft(
        actor=actor_for(job.owner), kind=job.params["kind"], period=job.params["period"], progress=progress
    )
    progress(2, 2, "")
    return JobOutcome(result={"url": report_url(report), "created": created, "state": report.state})


def register() -> None:
    register_job_kind(PERIOD_REPORT_JOB, _("Period report"), _run)
