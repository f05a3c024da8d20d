"""V5 report documents: the PDF (WeasyPrint, core.documents.render_pdf) and the Excel workbook (openpyxl),
both drawn from the report's snapshot — what was reported stays as reported."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from aftersales.core.documents import render_pdf
from aftersales.surveys.choices import Grade
from aftersales.surveys.models import AnalysisReport


def grade_label(code: str | None) -> str:
    return str(Grade(code).label) if code in Grade.values else "—"


def report_context(report: AnalysisReport) -> dict[str, Any]:
    snap: dict[str, Any] = report.snapshot
    previous = (snap.get("previous") or {}).get("result") or {}
    before = {row["product"]: row for row in previous.get("by_product", [])}
    products = [
        {
            **row,
            "grade_label": grade_label(row.get("grade")),
            "previous": (before.get(row["product"]) or {}).get("score"),
        }
        for row in snap["result"]["by_product"]
    ]
    return {
        "report": report,
        "snap": snap,
        "grade": grade_label(snap["result"].get("grade")),
        "previous_score": previous.get("score"),
        "previous_month": (snap.get("previous") or {}).get("month"),
        "products": products,
    }


def report_pdf(report: AnalysisReport) -> bytes:
    return render_pdf("surveys/pdf/report.html", report_context(report))


def report_xlsx(report: AnalysisReport) -> bytes:
    context = report_context(report)
    snap = context["snap"]
    result = snap["result"]
    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = str(_("Summary"))[:31]
    rows: list[list[Any]] = [
        [str(_("Satisfaction analysis report")), snap["month"]],
        [str(_("Survey")), snap["campaign"]["title"]],
        [str(_("Sent")), result["sent"]],
        [str(pgettext("survey forms", "Returned")), result["returned"]],
        [str(_("Return rate")), result["return_rate"]],
        [str(_("Valid")), str(_("Yes")) if result["valid"] else str(_("No"))],
        [str(_("Satisfaction S")), result["score"]],
        [str(_("Grade")), context["grade"]],
        [str(_("Previous period")), context["previous_score"]],
        [str(_("Complaints of the period")), snap["complaints"]["count"]],
    ]
    for row in rows:
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=1).font = bold
    for line in snap.get("explanation", []):
        sheet.append([line])
    products = book.create_sheet(str(_("By product"))[:31])
    products.append([str(_("Product")), str(_("Responses")), "S", str(_("Grade")), str(_("Previous period"))])
    for row in context["products"]:
        products.append([row["product"], row["responses"], row["score"], row["grade_label"], row["previous"]])
    complaints = book.create_sheet(str(_("Complaints of the period"))[:31])
    complaints.append([str(_("Number")), str(_("Customer"))])
    for item in snap["complaints"]["items"]:
        complaints.append([item["number"], item["customer"]])
    feedback = book.create_sheet(str(_("Feedback"))[:31])
    feedback.append([str(_("Customer")), str(_("Opinions and suggestions")), str(_("Grade"))])
    for item in snap["feedback"]:
        feedback.append([item["customer"], item["comment"], grade_label(item.get("grade"))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
