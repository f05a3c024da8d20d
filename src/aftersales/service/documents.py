"""Printable forms of the service case as A4 PDFs (S11, S13, B1), rendered with WeasyPrint.

服务凭证 service voucher and 产品维修单 repair order (S11: parts, steps, labour, the customer's
signature, the manager's countersignature), 用户产品领取收据 pickup receipt and 维修卡 repair tag
(S13), 报价单 quotation (B1). Each form is an HTML template under templates/service/pdf/ drawn
in the active language (Chinese by default) with the company header from settings. Nothing is
fetched over the network: images are data URIs and the fetcher refuses every other URL
(aftersales.core.documents.render_pdf, shared with the other apps' forms).
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage

from aftersales.core.documents import png_data_uri, render_pdf
from aftersales.installed_base.choices import ChargingType
from aftersales.service.models import DepotJob, Quote, ServiceRequest

CENT = Decimal("0.01")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{Decimal(value).quantize(CENT):,}"


def _charging_label(code: str) -> str:
    return str(dict(ChargingType.choices).get(code, code))


def _hours(minutes: int | None) -> str:
    if minutes is None:
        return ""
    return f"{Decimal(minutes) / 60:.2f}"


def _jpeg_data_uri(name: str) -> str:
    """A stored JPEG thumbnail as a data URI ("" when the file is gone): nothing is fetched by URL."""
    if not name or not default_storage.exists(name):
        return ""
    with default_storage.open(name, "rb") as handle:
        return "data:image/jpeg;base64," + base64.b64encode(handle.read()).decode("ascii")


def _attachments(sr: ServiceRequest) -> list[dict[str, Any]]:
    """Photos as their thumbnails; a video as a labelled placeholder with its name and length if known."""
    return [
        {
            "kind": a.get_kind_display(),
            "name": a.original_name,
            "photo": _jpeg_data_uri(a.thumbnail.name) if a.is_photo else "",
            "is_photo": a.is_photo,
            "duration": a.duration_seconds,
            "taken_at": a.created_at,
        }
        for a in sr.attachments.all()
    ]


def _request_context(sr: ServiceRequest) -> dict[str, Any]:
    parts = [
        {
            "code": p.part_code,
            "name": p.part_name,
            "quantity": p.quantity,
            "unit_price": _money(p.unit_price),
            "amount": _money(p.unit_price * p.quantity),
            "return_required": p.return_required,
        }
        for p in sr.parts.all()
    ]
    parts_total = sum((p.unit_price * p.quantity for p in sr.parts.all()), Decimal("0"))
    jobs = list(sr.depot_jobs.all())
    # The request's labour is set when the job is completed; before that, the depot reports' labour.
    depot_minutes = [j.labour_minutes for j in jobs if j.labour_minutes is not None]
    labour_minutes = (
        sr.labour_minutes if sr.labour_minutes is not None else (sum(depot_minutes) if depot_minutes else None)
    )
    return {
        "sr": sr,
        "steps": list(sr.steps.select_related("author")),
        "parts": parts,
        "parts_total": _money(parts_total),
        "labour_hours": _hours(labour_minutes),
        "charging_label": _charging_label(sr.charging_type),
        "signature": png_data_uri(sr.signature_png),
        "depot_jobs": jobs,
        "attachments": _attachments(sr),
    }


def voucher_pdf(sr: ServiceRequest) -> bytes:
    """服务凭证: what was done for the customer, signed by them and countersigned (S11)."""
    return render_pdf("service/pdf/voucher.html", _request_context(sr))


def repair_order_pdf(sr: ServiceRequest) -> bytes:
    """产品维修单: the repair order with fault, steps, parts, labour, signature and countersignature (S11)."""
    return render_pdf("service/pdf/repair_order.html", _request_context(sr))


def _job_context(job: DepotJob) -> dict[str, Any]:
    movements = list(job.movements.select_related("by"))
    picked = next((m for m in movements if m.move == "picked_up"), None)
    return {
        "job": job,
        "sr": job.request,
        "movements": movements,
        "picked": picked,
        "labour_hours": _hours(job.labour_minutes),
        # the pickup receipt's head and the repair tag print the charging type (issue 13, fault 2)
        "charging_label": _charging_label(job.request.charging_type),
    }


def pickup_receipt_pdf(job: DepotJob) -> bytes:
    """用户产品领取收据: the customer's receipt for the unit taken to the depot (S13)."""
    return render_pdf("service/pdf/pickup_receipt.html", _job_context(job))


def repair_tag_pdf(job: DepotJob) -> bytes:
    """维修卡: the tag that travels with the unit through the depot (S13)."""
    return render_pdf("service/pdf/repair_tag.html", _job_context(job))


def quotation_pdf(quote: Quote) -> bytes:
    """报价单: labour by the fee standard, call-out fee and parts, and the customer's decision (B1)."""
    lines = [
        {
            "code": line.part_code,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": _money(line.unit_price),
            "amount": _money(line.amount),
        }
        for line in quote.lines.all()
    ]
    return render_pdf(
        "service/pdf/quotation.html",
        {
            "quote": quote,
            "sr": quote.request,
            "lines": lines,
            "labour_rate": _money(quote.fee_standard.labour_rate),
            "labour_amount": _money(quote.labour_amount),
            "callout_amount": _money(quote.callout_amount),
            "parts_amount": _money(quote.parts_amount),
            "total": _money(quote.total),
            "agreed_price": _money(quote.agreed_price),
            "collected_amount": _money(quote.collected_amount),
            "charging_label": _charging_label(quote.request.charging_type),
            "signature": png_data_uri(quote.signature_png),
        },
    )
