"""Pages of the period reports (Q1 统计分析表, Q2 weekly report, Q5 staff appraisal): the list of a kind
with its Excel export and the form that drafts a period in the background (core.jobs progress page),
one report's page (figures from its snapshot, submit, approve or send back), its PDF and workbook."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.jobs import job_enqueue
from aftersales.core.lists import Column, export_log, export_requested, list_page, xlsx_export
from aftersales.reports import period_reports as svc
from aftersales.reports.figures import month_period, week_period
from aftersales.reports.models import PeriodReport, PeriodReportKind, PeriodReportState
from aftersales.reports.period_jobs import PERIOD_REPORT_JOB
from aftersales.reports.report_documents import report_context, report_pdf, report_xlsx

K = PeriodReportKind
LIST_COLUMNS = [
    Column(pgettext_lazy("reporting period", "Period"), lambda r: r.period),
    Column(gettext_lazy("From"), lambda r: r.date_from),
    Column(gettext_lazy("To"), lambda r: r.date_to),
    Column(gettext_lazy("State"), lambda r: r.get_state_display()),
    Column(gettext_lazy("Approved by"), lambda r: str(r.approved_by) if r.approved_by else ""),
    Column(gettext_lazy("Approved at"), lambda r: r.approved_at),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _kind(kind: str) -> str:
    if kind not in K.values:
        raise Http404()
    return kind


def _viewer(request: HttpRequest, kind: str) -> Actor:
    actor = _actor(request)
    if not svc.may_view(actor, kind):
        raise DjangoPermissionDenied()
    return actor


def _default_period(kind: str) -> str:
    today = timezone.localdate()
    if kind == K.WEEKLY:
        return week_period(today - dt.timedelta(days=7))
    return month_period(today.replace(day=1) - dt.timedelta(days=1))


@login_required
def report_index(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the first kind of report the reader may see."""
    actor = _actor(request)
    for kind in K.values:
        if svc.may_view(actor, kind):
            return report_list(request, kind)
    raise DjangoPermissionDenied()


@login_required
def report_list(request: HttpRequest, kind: str) -> HttpResponse:
    actor = _viewer(request, _kind(kind))
    queryset = svc.report_list(actor, kind)
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name=f"period-reports-{kind}", title=str(K(kind).label), columns=LIST_COLUMNS,
            rows=queryset, filters={"kind": kind},
        )  # fmt: skip
    return render(
        request,
        "reports/period_report_list.html",
        {
            "kind": kind,
            "title": K(kind).label,
            "page_obj": list_page(request, queryset, 50),
            "can_draft": actor.has_perm(svc.DRAFT_PERM),
            "default_period": _default_period(kind),
            "kinds": [(k.value, k.label) for k in K if svc.may_view(actor, k.value)],
        },
    )


@login_required
@require_POST
def report_generate(request: HttpRequest, kind: str) -> HttpResponse:
    """Draft (or refresh the draft of) a period in the background: the job page shows its progress."""
    actor = _viewer(request, _kind(kind))
    period = (request.POST.get("period") or "").strip()[:10]
    try:
        actor.require_perm(svc.DRAFT_PERM)
        svc.period_bounds(kind, period)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("reports:period_reports", kind=kind)
    job = job_enqueue(
        actor=actor,
        kind=PERIOD_REPORT_JOB,
        label=f"{K(kind).label} {period}",
        params={"kind": kind, "period": period},
    )
    return redirect("web:job_detail", job_id=job.pk)


def _report(request: HttpRequest, kind: str, period: str) -> tuple[Actor, PeriodReport]:
    actor = _viewer(request, _kind(kind))
    try:
        return actor, svc.report_get(actor, kind, period)
    except DomainError:
        raise Http404() from None


@login_required
def report_detail(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    actor, report = _report(request, kind, period)
    context: dict[str, Any] = report_context(report)
    context |= {
        "can_refresh": report.state == PeriodReportState.DRAFT and actor.has_perm(svc.DRAFT_PERM),
        "can_submit": report.state == PeriodReportState.DRAFT
        and kind in svc.NEEDS_APPROVAL
        and actor.has_perm(svc.DRAFT_PERM),
        "can_decide": svc.may_decide(actor, report),
    }
    return render(request, "reports/period_report_detail.html", context)


@login_required
@require_POST
def report_action(request: HttpRequest, kind: str, period: str, action: str) -> HttpResponse:
    actor, report = _report(request, kind, period)
    version = request.POST.get("version")
    expected = int(version) if version and version.isascii() and version.isdigit() else None
    try:
        if action == "submit":
            svc.report_submit(actor=actor, kind=kind, period=period, expected_version=expected)
            messages.success(request, _("Submitted to the head of after-sales for approval."))
        elif action in ("approve", "refuse"):
            svc.report_decide(
                actor=actor, kind=kind, period=period, approve=action == "approve",
                note=request.POST.get("note", ""), expected_version=expected,
            )  # fmt: skip
            messages.success(request, _("Approved and distributed.") if action == "approve" else _("Sent back."))
        else:
            raise Http404()
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:period_report", kind=kind, period=report.period)


def _download_log(actor: Actor, report: PeriodReport) -> None:
    """A report's PDF or workbook is an export of its figures (the appraisal: people's): logged as lists are."""
    rows = sum(len(section.get("rows", [])) for section in (report.snapshot or {}).get("sections", []))
    export_log(actor=actor, list_name=f"period-report-{report.kind}", count=rows, filters={"period": report.period})


@login_required
def report_pdf_view(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    actor, report = _report(request, kind, period)
    _download_log(actor, report)
    response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{kind}-{report.period}.pdf"'
    return response


@login_required
def report_xlsx_view(request: HttpRequest, kind: str, period: str) -> HttpResponse:
    actor, report = _report(request, kind, period)
    _download_log(actor, report)
    response = HttpResponse(
        report_xlsx(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}-{report.period}.xlsx"'
    return response
