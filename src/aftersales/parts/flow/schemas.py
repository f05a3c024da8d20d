"""API schemas of the parts flows (P2, P4, P5): strict pydantic inputs, Ninja outputs. Parts and stores travel
as their codes; money as decimal strings; an optional `version` is the version the caller saw (409
version_conflict when someone changed the record since)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import Field

from aftersales.installed_base.schemas import StrictIn
from aftersales.service.schemas import Out, UserRefOut, Version

MAX_QUANTITY = 1_000_000
Code = Field(min_length=1, max_length=32)
RequisitionStateCode = Literal["requested", "approved", "issued", "received", "refused", "cancelled"]
PartReturnStateCode = Literal["outstanding", "received"]
DispositionCode = Literal["repair", "scrap", "supplier_claim"]


class RequisitionLineIn(StrictIn):
    part: str = Field(min_length=1, max_length=32)
    quantity: int = Field(ge=-MAX_QUANTITY, le=MAX_QUANTITY)  # ≤ 0 refused by the service with its field


class RequisitionCreateIn(StrictIn):
    """P2: 维修点领用配件表. `from_store` issues, `to_store` receives; `service_request` the job waiting for them."""

    from_store: str = Field(min_length=1, max_length=32)
    to_store: str = Field(min_length=1, max_length=32)
    reason: str = Field(min_length=1, max_length=2000)
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=200)
    service_request: str = Field(default="", max_length=20)


class RequisitionDecideIn(StrictIn):
    note: str = Field(default="", max_length=200)
    version: Version = None


class RequisitionActionIn(StrictIn):
    version: Version = None


class RequisitionReceiveIn(StrictIn):
    lines: list[RequisitionLineIn] = Field(min_length=1, max_length=200)
    note: str = Field(default="", max_length=500)
    version: Version = None


class PartReturnReceiveIn(StrictIn):
    disposition: DispositionCode
    store: str = Field(default="", max_length=32)  # the defective parts store; default the only one
    old_serial: str = Field(default="", max_length=64)
    supplier_name: str = Field(default="", max_length=200)
    complaint_number: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=500)
    version: Version = None


class PurchaseRequestCreateIn(StrictIn):
    store: str = Field(min_length=1, max_length=32)
    months: int | None = Field(default=None, ge=1, le=60)
    quantities: dict[str, int] = Field(default_factory=dict, max_length=20_000)
    note: str = Field(default="", max_length=500)


# --- outputs ---------------------------------------------------------------------------------


class StoreRefOut(Out):
    code: str
    name: str
    kind: str


class PartRefOut(Out):
    code: str
    name: str
    uom: str
    major: bool


class RequisitionLineOut(Out):
    part: PartRefOut
    requested: int
    issued: int
    received: int | None
    discrepancy: int
    unit_cost: Decimal

    @staticmethod
    def resolve_requested(obj: Any) -> int:
        return int(obj.quantity)

    @staticmethod
    def resolve_issued(obj: Any) -> int:
        return int(obj.issued_quantity)

    @staticmethod
    def resolve_received(obj: Any) -> int | None:
        return obj.received_quantity


class RequisitionSummaryOut(Out):
    number: str
    state: str
    from_store: StoreRefOut
    to_store: StoreRefOut
    reason: str
    value: Decimal
    service_request: str | None
    requested_by: UserRefOut
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_service_request(obj: Any) -> str | None:
        return obj.service_request.number if obj.service_request_id else None


class RequisitionOut(RequisitionSummaryOut):
    approval_role: str
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    decision_note: str
    issued_by: UserRefOut | None
    issued_at: dt.datetime | None
    received_by: UserRefOut | None
    received_at: dt.datetime | None
    lines: list[RequisitionLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.select_related("part").order_by("id"))


class PartReturnOut(Out):
    id: int
    part: PartRefOut
    quantity: int
    serial: str
    old_serial: str
    engineer: UserRefOut
    service_request: str | None
    state: str
    due_at: dt.datetime | None
    overdue: bool
    disposition: str
    defective_store: StoreRefOut | None
    supplier_name: str
    complaint_number: str
    received_by: UserRefOut | None
    received_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_service_request(obj: Any) -> str | None:
        return obj.service_request.number if obj.service_request_id else None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        from django.utils import timezone

        return bool(obj.state == "outstanding" and obj.due_at is not None and obj.due_at < timezone.now())


class DemandPlanItemOut(Out):
    """P5: one part in one store; suggested = max(0, monthly consumption × (lead time + cover) + waiting +
    safety stock − available − in transit)."""

    part: str
    part_name: str
    store: str
    consumed: int
    waiting: int
    on_hand: int
    reserved: int
    available: int
    in_transit: int
    safety_stock: int
    reorder_point: int
    suggested: int

    @staticmethod
    def resolve_part(obj: Any) -> str:
        return str(obj.part_code)

    @staticmethod
    def resolve_store(obj: Any) -> str:
        return str(obj.store_code)


def demand_plan_item_json(item: Any) -> dict[str, Any]:
    """DemandPlanItemOut of one plan item as a plain dict, field for field (tests/parts check both agree):
    the plan of a store has 20,000 items, which pydantic's per-attribute validation of ninja schemas takes
    seconds to read; the API answers this dict instead (the schema stays the documented shape)."""
    return {
        "part": str(item.part_code),
        "part_name": item.part_name,
        "store": str(item.store_code),
        "consumed": item.consumed,
        "waiting": item.waiting,
        "on_hand": item.on_hand,
        "reserved": item.reserved,
        "available": item.available,
        "in_transit": item.in_transit,
        "safety_stock": item.safety_stock,
        "reorder_point": item.reorder_point,
        "suggested": item.suggested,
    }


class DemandPlanOut(Out):
    store: str
    months: int
    lead_time_months: int
    cover_months: int
    count: int
    items: list[DemandPlanItemOut]


class PurchaseRequestLineOut(Out):
    part: PartRefOut
    consumed: int
    waiting: int
    on_hand: int
    available: int
    in_transit: int
    safety_stock: int
    reorder_point: int
    suggested: int
    quantity: int
    unit_cost: Decimal


class PurchaseRequestOut(Out):
    number: str
    state: str
    store: StoreRefOut
    history_months: int
    lead_time_months: int
    cover_months: int
    value: Decimal
    note: str
    requested_by: UserRefOut
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    created_at: dt.datetime
    version: int
    lines: list[PurchaseRequestLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.select_related("part").order_by("id"))


class PurchaseDecideIn(StrictIn):
    note: str = Field(default="", max_length=200)
    version: Version = None


class StockPlanIn(StrictIn):
    store: str = Field(min_length=1, max_length=32)
    part: str = Field(min_length=1, max_length=32)
    safety_stock: int = Field(ge=0, le=MAX_QUANTITY)
    reorder_point: int = Field(ge=0, le=MAX_QUANTITY)
