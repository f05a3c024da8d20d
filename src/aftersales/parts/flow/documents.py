"""Printable forms of the parts flows as A4 PDFs (core.documents.render_pdf, CJK fonts): the requisition
(维修点领用配件表: lines with requested, issued, received and discrepancy; signature lines of the requester,
the approver, the issuing keeper and the receiver) and the purchase request handed to logistics."""

from __future__ import annotations

from aftersales.approvals.services import role_label
from aftersales.core.documents import render_pdf
from aftersales.parts.models import PurchaseRequest, Requisition


def requisition_pdf(found: Requisition) -> bytes:
    return render_pdf(
        "parts_flow/pdf/requisition.html",
        {
            "r": found,
            "lines": list(found.lines.select_related("part").order_by("id")),
            "approval_role_label": role_label(found.approval_role) if found.approval_role else "",
        },
    )


def purchase_request_pdf(found: PurchaseRequest) -> bytes:
    return render_pdf(
        "parts_flow/pdf/purchase_request.html",
        {"p": found, "lines": list(found.lines.select_related("part").order_by("part__code"))},
    )
