"""API schemas of returns and exchanges: strict pydantic inputs, Ninja outputs (R1–R4).

Money travels as decimal strings ("350.00"). Action inputs carry an optional `version`: the version
the caller saw (409 version_conflict when someone changed the return since).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from aftersales.installed_base.schemas import IsoDate, StrictIn
from aftersales.returns.choices import CopyHolder
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.service.schemas import (
    MAX_ID,
    AwareDateTime,
    CustomerRefOut,
    Money,
    Out,
    UserRefOut,
    Version,
)

ReturnKindCode = Literal["return", "exchange"]
ReturnConditionCode = Literal["wrong_model_unopened", "verified_quality_defect"]
ReturnStateCode = Literal["requested", "approved", "refused", "received", "booked", "reissued"]
CertificateStateCode = Literal["awaiting_approval", "issued", "refused"]
DispositionCode = Literal["restock", "rework", "scrap", "to_supplier"]
MAX_QUANTITY = 1_000_000


def _for_customer(context: Any) -> bool:
    """The body goes to a customer's portal user: internal notes, decisions and the copies stay out."""
    request = (context or {}).get("request")
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    return bool(user is not None and getattr(user, "customer_id", None))


# --- inputs ----------------------------------------------------------------------------------


class ReturnRequestCreateIn(StrictIn):
    """R1–R2: a return request. `serial` of a registered unit, or `model` when there is none."""

    customer: int = Field(ge=1, le=MAX_ID)
    kind: ReturnKindCode
    condition: ReturnConditionCode
    serial: str = Field(default="", max_length=64)
    model: str = Field(default="", max_length=64)
    wanted_model: str = Field(default="", max_length=64)
    order_number: str = Field(min_length=1, max_length=40)
    ship_date: IsoDate
    quantity: int = Field(ge=1, le=MAX_QUANTITY)
    unit_price: Money
    reason: str = Field(min_length=1, max_length=4000)
    unopened: bool = False
    verified_by: str = Field(default="", max_length=150)  # the verifying manager's username
    verified_at: AwareDateTime | None = None
    disposition: DispositionCode | Literal[""] = ""
    basis: str = Field(default="", max_length=4000)
    complaint_number: str = Field(default="", max_length=20)
    internal_note: str = Field(default="", max_length=4000)


class ReturnApproveIn(StrictIn):
    approved_quantity: int | None = Field(default=None, ge=1, le=MAX_QUANTITY)
    disposition: DispositionCode | Literal[""] = ""
    basis: str = Field(default="", max_length=4000)
    note: str = Field(default="", max_length=200)
    version: Version = None


class ReturnRefuseIn(StrictIn):
    note: str = Field(min_length=1, max_length=200)
    version: Version = None


class ReturnReceiveIn(StrictIn):
    quantity: int = Field(ge=0, le=MAX_QUANTITY)
    note: str = Field(default="", max_length=200)
    version: Version = None


class ReturnActionIn(StrictIn):
    note: str = Field(default="", max_length=200)
    version: Version = None


class DiscountCertificateIssueIn(StrictIn):
    customer: int = Field(ge=1, le=MAX_ID)
    amount: Money
    reason: str = Field(min_length=1, max_length=4000)
    customer_signed: bool = False
    customer_signed_by_name: str = Field(default="", max_length=64)
    return_number: str = Field(default="", max_length=20)
    complaint_number: str = Field(default="", max_length=20)


class CertificateDecideIn(StrictIn):
    """Approve or refuse a certificate waiting for its K7 approval."""

    note: str = Field(default="", max_length=200)


# --- outputs ---------------------------------------------------------------------------------


class CopyOut(Out):
    """R2: one of the three copies of the return note, who holds it and whether they acted."""

    holder: str
    role: str
    acted: bool
    by: UserRefOut | None
    at: dt.datetime | None


class ReturnRequestSummaryOut(Out):
    """One row of GET /returns."""

    number: str
    kind: str
    state: str
    customer: CustomerRefOut
    model: str
    order_number: str
    ship_date: dt.date
    quantity_requested: int
    unit_price: Decimal
    value: Decimal
    complaint_number: str
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_model(obj: ReturnRequest) -> str:
        return obj.model_text


class ReturnRequestOut(ReturnRequestSummaryOut):
    """GET /returns/{number} and the answer of every action on it. A portal user gets no internal notes."""

    serial: str | None
    wanted_model: str
    reason: str
    condition: str
    unopened: bool
    verified_by: UserRefOut | None
    verified_at: dt.datetime | None
    disposition: str
    basis: str
    internal_note: str
    requested_by: UserRefOut | None
    approval_role: str
    approved_quantity: int | None
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    decision_note: str
    received_quantity: int | None
    received_at: dt.datetime | None
    booked_at: dt.datetime | None
    reissued_at: dt.datetime | None
    copies: list[CopyOut]
    updated_at: dt.datetime

    @staticmethod
    def resolve_serial(obj: ReturnRequest) -> str | None:
        return obj.unit.serial if obj.unit else None

    @staticmethod
    def resolve_internal_note(obj: ReturnRequest, context: Any = None) -> str:
        return "" if _for_customer(context) else obj.internal_note

    @staticmethod
    def resolve_decision_note(obj: ReturnRequest, context: Any = None) -> str:
        return "" if _for_customer(context) else obj.decision_note

    @staticmethod
    def resolve_requested_by(obj: ReturnRequest, context: Any = None) -> Any:
        return None if _for_customer(context) else obj.requested_by

    @staticmethod
    def resolve_decided_by(obj: ReturnRequest, context: Any = None) -> Any:
        return None if _for_customer(context) else obj.decided_by

    @staticmethod
    def resolve_verified_by(obj: ReturnRequest, context: Any = None) -> Any:
        return None if _for_customer(context) else obj.verified_by

    @staticmethod
    def resolve_copies(obj: ReturnRequest, context: Any = None) -> list[dict[str, Any]]:
        if _for_customer(context):
            return []
        return return_copies(obj)


def return_copies(obj: ReturnRequest) -> list[dict[str, Any]]:
    """R2: the warehouse receives, finance books, sales asked; a copy exists once the note is approved."""
    return [
        {
            "holder": CopyHolder.WAREHOUSE,
            "role": "warehouse",
            "acted": obj.received_at is not None,
            "by": obj.received_by,
            "at": obj.received_at,
        },
        {
            "holder": CopyHolder.FINANCE,
            "role": "finance",
            "acted": obj.booked_at is not None,
            "by": obj.booked_by,
            "at": obj.booked_at,
        },
        {
            "holder": CopyHolder.SALES,
            "role": "sales",
            "acted": True,
            "by": obj.requested_by,
            "at": obj.created_at,
        },
    ]


class DiscountCertificateOut(Out):
    """R4: 销货折扣证明单."""

    number: str
    state: str  # issued, or awaiting_approval above the signer's K7 limit, then issued or refused
    customer: CustomerRefOut
    amount: Decimal
    reason: str
    requested_by: UserRefOut | None
    signed_by_vp: UserRefOut | None  # the signer: the VP, or the approver of the level the amount needs
    signed_at: dt.datetime | None
    customer_signed: bool
    customer_signed_by_name: str
    return_number: str | None
    complaint_number: str
    created_at: dt.datetime

    @staticmethod
    def resolve_return_number(obj: DiscountCertificate) -> str | None:
        return obj.return_request.number if obj.return_request else None
