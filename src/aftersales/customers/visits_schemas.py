"""API schemas of visit plans, gifts, visit reports (C7) and new-customer vettings (C5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from aftersales.core.selectors import display_name
from aftersales.customers.models import GiftRequest, Vetting, VettingFile, VisitPlan, VisitPlanItem, VisitReport
from aftersales.customers.selectors.visits import visit_plan_items, visit_plan_progress
from aftersales.installed_base.schemas import IsoDate, StrictIn

MAX_ID = 2_147_483_647
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PurposeCode = Literal[
    "routine", "survey", "technical", "complaint", "collection", "new_product", "relationship", "other"
]
GiftStateCode = Literal["pending", "approved", "refused", "given"]
VettingKindCode = Literal["general", "on_site"]
VettingStateCode = Literal["draft", "submitted", "needs_more", "approved", "rejected"]
CriterionResultCode = Literal["meets", "partly", "fails", "unknown"]
CustomerKindCode = Literal["end_user", "dealer", "retailer", "agent"]
Money = Annotated[str, Field(pattern=r"^\d{1,10}(\.\d{1,2})?$")]


class VisitPlanCreateIn(StrictIn):
    year: int = Field(ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    owner: Id | None = None
    note: str = Field(default="", max_length=2000)


class VisitPlanItemIn(StrictIn):
    customer: Id
    month: int | None = Field(default=None, ge=1, le=12)
    planned_on: IsoDate | None = None
    purpose: PurposeCode = "routine"
    note: str = Field(default="", max_length=200)


class VisitPlanItemOut(Schema):
    id: int
    customer: int
    customer_name: str
    month: str
    planned_on: dt.date | None
    purpose: str
    note: str
    done: bool
    report: int | None

    @staticmethod
    def from_item(item: VisitPlanItem) -> dict[str, Any]:
        report = getattr(item, "report", None)
        return {
            "id": item.pk,
            "customer": item.customer_id,
            "customer_name": item.customer.name,
            "month": f"{item.month_start:%Y-%m}",
            "planned_on": item.planned_on,
            "purpose": item.purpose,
            "note": item.note,
            "done": item.done,
            "report": report.pk if report is not None else None,
        }


class ProgressOut(Schema):
    planned: int
    done: int
    unplanned: int
    rate: float | None


class VisitPlanOut(Schema):
    id: int
    owner: int
    owner_name: str
    year: int
    month: int | None
    note: str
    version: int

    @staticmethod
    def resolve_owner(obj: Any) -> int:
        return obj["owner"] if isinstance(obj, dict) else obj.owner_id

    @staticmethod
    def resolve_owner_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["owner_name"])
        return display_name(obj.owner)


class VisitPlanDetailOut(VisitPlanOut):
    items: list[VisitPlanItemOut]
    progress: ProgressOut


def plan_out(plan: VisitPlan, *, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": plan.pk,
        "owner": plan.owner_id,
        "owner_name": display_name(plan.owner),
        "year": plan.year,
        "month": plan.month,
        "note": plan.note,
        "version": plan.version,
    }
    if detail:
        progress = visit_plan_progress(plan)
        data["items"] = [VisitPlanItemOut.from_item(i) for i in visit_plan_items(plan)]
        data["progress"] = {**progress.__dict__, "rate": progress.rate}
    return data


class GiftCreateIn(StrictIn):
    customer: Id
    description: str = Field(min_length=1, max_length=200)
    value: Money
    reason: str = Field(default="", max_length=200)
    plan_item: Id | None = None


class GiftOut(Schema):
    id: int
    customer: int
    description: str
    value: str
    reason: str
    state: GiftStateCode
    requested_by: int
    created_at: dt.datetime

    @staticmethod
    def resolve_value(obj: GiftRequest) -> str:
        return f"{obj.value:.2f}"

    @staticmethod
    def resolve_customer(obj: GiftRequest) -> int:
        return obj.customer_id

    @staticmethod
    def resolve_requested_by(obj: GiftRequest) -> int:
        return obj.requested_by_id


class VisitReportIn(StrictIn):
    customer: Id
    visited_on: IsoDate
    purpose: PurposeCode = "routine"
    findings: str = Field(min_length=1, max_length=5000)
    customer_opinion: str = Field(default="", max_length=5000)
    suggestions: str = Field(default="", max_length=5000)
    companions: str = Field(default="", max_length=200)
    people_met: str = Field(default="", max_length=200)
    plan_item: Id | None = None
    gift: Id | None = None


class VisitReportOut(Schema):
    id: int
    customer: int
    customer_name: str
    visitor: int
    visitor_name: str
    visited_on: dt.date
    purpose: str
    findings: str
    customer_opinion: str
    suggestions: str
    companions: str
    people_met: str
    plan_item: int | None
    gift: int | None

    @staticmethod
    def resolve_customer(obj: VisitReport) -> int:
        return obj.customer_id

    @staticmethod
    def resolve_customer_name(obj: VisitReport) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_visitor(obj: VisitReport) -> int:
        return obj.visitor_id

    @staticmethod
    def resolve_visitor_name(obj: VisitReport) -> str:
        return display_name(obj.visitor)

    @staticmethod
    def resolve_plan_item(obj: VisitReport) -> int | None:
        return obj.plan_item_id

    @staticmethod
    def resolve_gift(obj: VisitReport) -> int | None:
        return obj.gift_id


# --- vetting (C5) ----------------------------------------------------------------------------


class VettingCreateIn(StrictIn):
    name: str = Field(min_length=1, max_length=120)
    kind: VettingKindCode = "general"
    customer_kind: CustomerKindCode = "end_user"
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)
    contact_name: str = Field(default="", max_length=64)
    investigated_on: IsoDate | None = None
    summary: str = Field(default="", max_length=5000)
    customer: Id | None = None


class VettingItemIn(StrictIn):
    number: int = Field(ge=1, le=100)
    result: CriterionResultCode
    note: str = Field(default="", max_length=500)


class VettingUpdateIn(StrictIn):
    name: str | None = Field(default=None, min_length=1, max_length=120)
    kind: VettingKindCode | None = None
    customer_kind: CustomerKindCode | None = None
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=200)
    contact_name: str | None = Field(default=None, max_length=64)
    investigated_on: IsoDate | None = None
    summary: str | None = Field(default=None, max_length=5000)
    items: list[VettingItemIn] = Field(default_factory=list, max_length=100)
    version: int | None = Field(default=None, ge=1)


class VersionIn(StrictIn):
    version: int | None = Field(default=None, ge=1)


class VettingDecideIn(StrictIn):
    decision: Literal["approve", "reject", "needs_more"]
    note: str = Field(default="", max_length=2000)
    version: int | None = Field(default=None, ge=1)


class VettingItemOut(Schema):
    number: int
    criterion: str
    result: CriterionResultCode
    note: str


class VettingFileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime

    @staticmethod
    def from_file(f: VettingFile) -> dict[str, Any]:
        return {
            "id": f.pk,
            "name": f.original_name,
            "content_type": f.content_type,
            "size": f.size,
            "uploaded_at": f.created_at,
        }


class VettingOut(Schema):
    id: int
    name: str
    kind: VettingKindCode
    customer_kind: str
    phone: str
    address: str
    contact_name: str
    investigated_by: int
    investigated_on: dt.date
    summary: str
    state: VettingStateCode
    decided_by: int | None
    decided_at: dt.datetime | None
    decision_note: str
    customer: int | None
    policy_version: int
    version: int
    items: list[VettingItemOut]
    files: list[VettingFileOut]


def vetting_out(vetting: Vetting) -> dict[str, Any]:
    return {
        "id": vetting.pk,
        "name": vetting.name,
        "kind": vetting.kind,
        "customer_kind": vetting.customer_kind,
        "phone": vetting.phone,
        "address": vetting.address,
        "contact_name": vetting.contact_name,
        "investigated_by": vetting.investigated_by_id,
        "investigated_on": vetting.investigated_on,
        "summary": vetting.summary,
        "state": vetting.state,
        "decided_by": vetting.decided_by_id,
        "decided_at": vetting.decided_at,
        "decision_note": vetting.decision_note,
        "customer": vetting.customer_id,
        "policy_version": vetting.policy_version,
        "version": vetting.version,
        "items": [
            {"number": i.position, "criterion": i.criterion, "result": i.result, "note": i.note}
            for i in vetting.items.all()
        ],
        "files": [VettingFileOut.from_file(f) for f in vetting.files.all()],
    }


class VettingSummaryOut(Schema):
    id: int
    name: str
    kind: VettingKindCode
    state: VettingStateCode
    investigated_by: int
    investigated_on: dt.date
    customer: int | None

    @staticmethod
    def resolve_investigated_by(obj: Vetting) -> int:
        return obj.investigated_by_id

    @staticmethod
    def resolve_customer(obj: Vetting) -> int | None:
        return obj.customer_id
