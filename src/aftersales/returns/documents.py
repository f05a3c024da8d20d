"""Printable forms of returns as A4 PDFs (R2, R4), rendered by aftersales.core.documents.render_pdf.

产品退货单 return note (R2): the approved return with reason, disposition, basis and approval,
printed once per copy — one page each for the warehouse (receives), finance (books) and sales
(asked) — every page labelled with its copy. 销货折扣证明单 sales discount certificate (R4): the
amount and reason with the VP's and the customer's signature lines. Templates under
templates/returns/pdf/, drawn in the active language with the company header from settings.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aftersales.accounts.choices import Role
from aftersales.core.documents import render_pdf
from aftersales.returns.choices import CopyHolder
from aftersales.returns.models import DiscountCertificate, ReturnRequest

CENT = Decimal("0.01")


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"¥{Decimal(value).quantize(CENT):,}"


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def note_copies(found: ReturnRequest) -> list[dict[str, Any]]:
    """R2: the three copies, in the order they are printed, with who acted on each and when."""
    return [
        {
            "holder": CopyHolder.WAREHOUSE,
            "label": CopyHolder.WAREHOUSE.label,
            "by": found.received_by,
            "at": found.received_at,
        },
        {"holder": CopyHolder.FINANCE, "label": CopyHolder.FINANCE.label, "by": found.booked_by, "at": found.booked_at},
        {"holder": CopyHolder.SALES, "label": CopyHolder.SALES.label, "by": found.requested_by, "at": found.created_at},
    ]


def return_note_pdf(found: ReturnRequest) -> bytes:
    """产品退货单: one page per copy (warehouse, finance, sales), each labelled with its copy (R2)."""
    return render_pdf(
        "returns/pdf/return_note.html",
        {
            "r": found,
            "copies": note_copies(found),
            "unit_price": _money(found.unit_price),
            "value": _money(found.value),
            "approval_role_label": _role_label(found.approval_role),
        },
    )


def discount_certificate_pdf(certificate: DiscountCertificate) -> bytes:
    """销货折扣证明单: signed by the sales VP and the customer (R4)."""
    return render_pdf(
        "returns/pdf/discount_certificate.html",
        {"c": certificate, "amount": _money(certificate.amount)},
    )
