"""Q1 统计分析表 API (names fixed by issue 16). No `from __future__ import annotations`: Ninja reads the
parameter annotations at import."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.reports import period_reports as svc
from aftersales.reports.models import PeriodReport, PeriodReportKind

router = Router(tags=["reports"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
Period = Annotated[str, Field(pattern=r"^\d{4}-\d{2}$", max_length=7)]
ANALYSIS = PeriodReportKind.ANALYSIS


class AnalysisTableIn(Schema):
    period: Period


class DecisionIn(Schema):
    approve: bool = True
    note: str = Field("", max_length=2000)
    version: int | None = None


class AnalysisTableOut(Schema):
    period: str
    state: str
    date_from: dt.date = Field(..., alias="from")
    date_to: dt.date = Field(..., alias="to")
    version: int
    generated_at: dt.datetime
    approved_by: str | None
    approved_at: dt.datetime | None
    sections: list[dict[str, Any]]


def _out(report: PeriodReport) -> dict[str, Any]:
    return {
        "period": report.period,
        "state": report.state,
        "from": report.date_from,
        "to": report.date_to,
        "version": report.version,
        "generated_at": report.generated_at,
        "approved_by": report.approved_by.username if report.approved_by else None,
        "approved_at": report.approved_at,
        "sections": report.snapshot.get("sections", []),
    }


@router.post(
    "/analysis-tables", response={200: AnalysisTableOut, 201: AnalysisTableOut, **ERRORS}, url_name="analysis_tables"
)
def analysis_table_create(request: HttpRequest, payload: AnalysisTableIn) -> Any:
    """Q1: draft the month's table (or refresh a draft's figures) and submit it to the head of after-sales
    for approval. 201 when drafted now; 200 with the table as it stands when it was already submitted
    or approved (its figures never change then)."""
    actor = api_actor(request)
    report, created = svc.report_draft_and_submit(actor=actor, kind=ANALYSIS, period=payload.period)
    return Status(201 if created else 200, _out(report))


@router.post(
    "/analysis-tables/{period}/approve", response={200: AnalysisTableOut, **ERRORS}, url_name="analysis_table_approve"
)
def analysis_table_approve(request: HttpRequest, period: Period, payload: DecisionIn) -> Any:
    """Q1: the head of after-sales approves the submitted table (it is then distributed to quality, R&D
    and manufacturing) or, with `approve: false` and a note, sends it back to draft."""
    report = svc.report_decide(
        actor=api_actor(request), kind=ANALYSIS, period=period, approve=payload.approve, note=payload.note,
        expected_version=payload.version,
    )  # fmt: skip
    return _out(report)


@router.get("/analysis-tables/{period}", response={200: AnalysisTableOut, **ERRORS}, url_name="analysis_table")
def analysis_table_get(request: HttpRequest, period: Period) -> Any:
    """Q1: the month's table as stored (its snapshot)."""
    return _out(svc.report_get(api_actor(request), ANALYSIS, period))
