"""The pages of the background jobs a user started (core.jobs): one job's progress and result, my jobs,
the downloads. Only the owner (or an administrator) sees a job; anyone else gets 404."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.core.jobs import JOB_FILES, job_file, job_get, job_kind_label, job_list, job_percent
from aftersales.core.lists import list_page
from aftersales.core.models import Job, JobState

POLL_SECONDS = 1  # the progress fragment asks again this often while the job waits or runs
JOBS_PAGE_SIZE = 25


def _staff(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    if actor.has_role("customer"):
        raise PermissionDenied
    return actor


def _job(actor: Actor, job_id: int) -> Job:
    try:
        return job_get(actor, job_id)
    except NotFound as exc:
        raise Http404 from exc


def _context(job: Job) -> dict[str, Any]:
    return {
        "job": job,
        "kind_label": job_kind_label(job.kind),
        "percent": job_percent(job),
        "running": job.state in (JobState.QUEUED, JobState.RUNNING),
        "is_import": bool(job.input_name),
        "poll_seconds": POLL_SECONDS,
    }


@require_GET
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(_staff(request), job_id)
    return render(request, "web/jobs/detail.html", _context(job))


@require_GET
@login_required
def job_status(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress bar, or once ended the result: htmx polls it every POLL_SECONDS while the job runs."""
    job = _job(_staff(request), job_id)
    return render(request, "web/jobs/_status.html", _context(job))


@require_GET
@login_required
def job_list_page(request: HttpRequest) -> HttpResponse:
    actor = _staff(request)
    page = list_page(request, job_list(actor), JOBS_PAGE_SIZE)
    rows = [{"job": job, "percent": job_percent(job), "kind_label": job_kind_label(job.kind)} for job in page]
    return render(request, "web/jobs/list.html", {"page_obj": page, "rows": rows})


@require_GET
@login_required
def job_download(request: HttpRequest, job_id: int, which: str) -> HttpResponse:
    if which not in JOB_FILES:
        raise Http404
    try:
        handle, name = job_file(_staff(request), job_id, which)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name)
    return response  # type: ignore[return-value]  # streamed
