"""The V5 reports of a month built as a background job (core.jobs, docs/decisions/0025), so the page
shows the progress while they are built: registered from SurveysConfig.ready."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.accounts.selectors import actor_for
from aftersales.core.jobs import JobOutcome, JobProgress, register_job_kind
from aftersales.core.models import Job

REPORTS_JOB = "surveys.reports"


def _run(job: Job, progress: JobProgress) -> JobOutcome:
    from aftersales.surveys.reports import reports_generate

    month = dt.date.fromisoformat(job.params["month"])
    made = reports_generate(month=month, actor=actor_for(job.owner), progress=progress)
    message = ngettext(
        "%(n)s satisfaction analysis report built for %(month)s.",
        "%(n)s satisfaction analysis reports built for %(month)s.",
        len(made),
    ) % {"n": len(made), "month": month.strftime("%Y-%m")}
    # `message` and `link`: what the job's page shows once done (web/jobs/_status.html)
    return JobOutcome(
        result={"month": month.strftime("%Y-%m"), "reports": len(made), "message": message, "link": "/surveys/reports/"}
    )


def register() -> None:
    register_job_kind(REPORTS_JOB, _("Satisfaction analysis reports"), _run)
