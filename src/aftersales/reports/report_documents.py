"""The period reports as tables for the page, the PDF (the seed's 统计分析表 layout: one table per
grouping — 按产品, 按故障现象, 按更换器件 — with count, share, last month, change, same month last year,
change; the drafter, the approver and the departments it is sent to in the header) and the workbook.
Everything is drawn from the stored snapshot: what was approved stays as approved."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from aftersales.core.documents import render_pdf
from aftersales.reports.models import PeriodReport, PeriodReportKind
from aftersales.service.choices import Channel, ServiceKind

K = PeriodReportKind


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _change(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.1f}%"


def _section_title(kind: str, code: str) -> str:
    titles = {
        "product": _("By product"),
        "symptom": _("By fault symptom"),
        "part": _("By replaced part"),
        "channel": _("Intakes by channel (phone records, web enquiries)"),
        "kind": _("Service demand by kind of service"),
        "engineer": _("Service engineers"),
        "agent": _("Hotline agents"),
    }
    return titles.get(code, code)


def _label(code: str, key: str, label: str | None = None) -> str:
    if code == "channel":
        return str(Channel(key).label) if key in Channel.values else key
    if code == "kind":
        return str(ServiceKind(key).label) if key in ServiceKind.values else key
    if key == "":
        return _("Not recorded")
    return label or key


def report_tables(report: PeriodReport) -> list[dict[str, Any]]:
    """Each section as {title, columns, rows (lists of cells), total (a row or None)}."""
    snap: dict[str, Any] = report.snapshot
    tables = []
    for section in snap.get("sections", []):
        code = section["code"]
        if report.kind == K.ANALYSIS:
            columns = [
                _("No."),
                _("Item"),
                _("Requests"),
                _("Share"),
                _("Last month"),
                _("Change from last month"),
                _("Same month last year"),
                _("Change from last year"),
            ]
            rows = [
                [
                    n,
                    _label(code, r["key"], r["label"]),
                    r["count"],
                    _pct(r["share"]),
                    r["previous"],
                    _change(r["change_previous"]),
                    r["last_year"],
                    _change(r["change_last_year"]),
                ]
                for n, r in enumerate(section["rows"], start=1)
            ]
            total = [
                "",
                _("Total"),
                section["total"],
                _pct(1.0) if section["total"] else "—",
                section["previous"],
                _change(section["change_previous"]),
                section["last_year"],
                _change(section["change_last_year"]),
            ]
        elif report.kind == K.WEEKLY:
            columns = [_("Item"), _("This week"), _("Last week"), _("Change from last week")]
            rows = [
                [_label(code, r["key"]), r["count"], r["previous"], _change(r["change_previous"])]
                for r in section["rows"]
            ]
            total = [_("Total"), section["total"], section["previous"], ""]
        else:
            columns = [
                pgettext("person", "Name"),
                _("Jobs"),
                _("Completed"),
                _("First-time fix"),
                _("On-time rate"),
                _("Ratings"),
                _("Satisfaction"),
                _("Penalty points"),
            ]
            rows = [
                [
                    r["name"],
                    r["jobs"],
                    r["completed"] if code == "engineer" else "—",
                    _pct(r["first_time_fix_rate"]) if code == "engineer" else "—",
                    _pct(r["on_time_rate"]),
                    r["ratings"] if code == "engineer" else "—",
                    _pct(r["satisfaction"]) if code == "engineer" else "—",
                    r["penalty_points"],
                ]
                for r in section["rows"]
            ]
            total = None
        tables.append({"title": _section_title(report.kind, code), "columns": columns, "rows": rows, "total": total})
    return tables


def weekly_headline(report: PeriodReport) -> list[dict[str, Any]]:
    names = {
        "phone": _("Phone records"),
        "web": _("Web enquiries"),
        "consulting": _("Consultations"),
        "demand": _("Service demand (all requests)"),
    }
    head = report.snapshot.get("headline", {})
    return [
        {"label": names[k], "count": v["count"], "previous": v["previous"], "change": _change(v["change_previous"])}
        for k, v in head.items()
        if k in names
    ]


def recipients_label(report: PeriodReport) -> str:
    if report.kind == K.ANALYSIS:
        return _("Quality department, technical department (R&D), manufacturing")
    if report.kind == K.APPRAISAL:
        return _("Head of after-sales, team leads")
    return _("Head of after-sales, information clerk")


def report_context(report: PeriodReport) -> dict[str, Any]:
    return {
        "report": report,
        "snap": report.snapshot,
        "tables": report_tables(report),
        "headline": weekly_headline(report) if report.kind == K.WEEKLY else [],
        "recipients": recipients_label(report),
    }


def report_pdf(report: PeriodReport) -> bytes:
    return render_pdf("reports/pdf/period_report.html", report_context(report))


def report_xlsx(report: PeriodReport) -> bytes:
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = str(_("Summary"))[:31]
    head: list[list[Any]] = [
        [report.get_kind_display(), report.period],
        [_("From"), report.snapshot.get("from")],
        [_("To"), report.snapshot.get("to")],
        [_("State"), report.get_state_display()],
        [_("Approved by"), str(report.approved_by) if report.approved_by else ""],
        [_("Sent to"), recipients_label(report)],
    ]
    for line in weekly_headline(report) if report.kind == K.WEEKLY else []:
        head.append([line["label"], line["count"], line["previous"], line["change"]])
    for row in head:
        sheet.append([str(cell) if cell is not None and not isinstance(cell, int) else cell for cell in row])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    for table in report_tables(report):
        page = book.create_sheet(str(table["title"])[:31])
        page.append([str(c) for c in table["columns"]])
        for cell in page[1]:
            cell.font = bold
        for row in table["rows"]:
            page.append([c if isinstance(c, int) else str(c) for c in row])
        if table["total"]:
            page.append([c if isinstance(c, int) else str(c) for c in table["total"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
