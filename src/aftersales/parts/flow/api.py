"""Parts flows API (P2, P4, P5): requisitions, old-part returns, the demand plan and purchase requests.

Each endpoint parses its input, calls one selector or service, and renders. No
`from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

import json
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.core.errors import PermissionDenied
from aftersales.parts.flow import selectors
from aftersales.parts.flow.planning_selectors import demand_plan, plan_terms
from aftersales.parts.flow.schemas import (
    DemandPlanOut,
    PartReturnOut,
    PartReturnReceiveIn,
    PartReturnStateCode,
    PurchaseDecideIn,
    PurchaseRequestCreateIn,
    PurchaseRequestOut,
    RequisitionActionIn,
    RequisitionCreateIn,
    RequisitionDecideIn,
    RequisitionOut,
    RequisitionReceiveIn,
    RequisitionStateCode,
    RequisitionSummaryOut,
    StockPlanIn,
    demand_plan_item_json,
)
from aftersales.parts.flow.services import demand, part_returns, requisitions
from aftersales.parts.flow.stock import store_by_code
from aftersales.service.schemas import MAX_ID

router = Router(tags=["parts flows"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
Number = Annotated[str, Path(min_length=1, max_length=20)]
REQUISITION = {200: RequisitionOut, **ERRORS}
PURCHASE = {200: PurchaseRequestOut, **ERRORS}


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


# --- P2 requisitions ---------------------------------------------------------------------------------------


@router.get("/requisitions", response={200: list[RequisitionSummaryOut], **ERRORS}, url_name="requisition_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def requisition_list(
    request: HttpRequest,
    state: Annotated[RequisitionStateCode | None, Query()] = None,
    store: Annotated[str, Query(max_length=32)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
) -> Any:
    """Requisitions in the caller's scope, newest first; `store` (a code) matches either end."""
    store_id = store_by_code(store, field="store").pk if store else None
    return selectors.requisition_list(_actor(request), state=state or "", store=store_id, q=q.strip())


@router.post("/requisitions", response={201: RequisitionOut, **ERRORS}, url_name="requisition_create")
def requisition_create(request: HttpRequest, payload: RequisitionCreateIn) -> Status[Any]:
    """P2: 422 for an unknown store or part or a quantity ≤ 0; the approval waits in the approvals queue."""
    found = requisitions.requisition_create(
        actor=_actor(request),
        from_store=payload.from_store,
        to_store=payload.to_store,
        reason=payload.reason,
        lines=payload.lines,
        service_request=payload.service_request,
    )
    return Status(201, found)


@router.get("/requisitions/{number}", response=REQUISITION, url_name="requisition_detail")
def requisition_detail(request: HttpRequest, number: Number) -> Any:
    """Each line's requested, issued, received and discrepancy (issued − received)."""
    return selectors.access_requisition(_actor(request), number)


@router.post("/requisitions/{number}/approve", response=REQUISITION, url_name="requisition_approve")
def requisition_approve(request: HttpRequest, number: Number, payload: RequisitionDecideIn) -> Any:
    """Decide the requisition's approval (also in GET /approvals): 403 not_decider / own_approval; 409
    insufficient_stock when the issuing store cannot reserve the quantities."""
    return requisitions.requisition_approve(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/requisitions/{number}/refuse", response=REQUISITION, url_name="requisition_refuse")
def requisition_refuse(request: HttpRequest, number: Number, payload: RequisitionDecideIn) -> Any:
    return requisitions.requisition_refuse(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/requisitions/{number}/issue", response=REQUISITION, url_name="requisition_issue")
def requisition_issue(request: HttpRequest, number: Number, payload: RequisitionActionIn | None = None) -> Any:
    version = payload.version if payload is not None else None
    return requisitions.requisition_issue(actor=_actor(request), number=number, expected_version=version)


@router.post("/requisitions/{number}/receive", response=REQUISITION, url_name="requisition_receive")
def requisition_receive(request: HttpRequest, number: Number, payload: RequisitionReceiveIn) -> Any:
    return requisitions.requisition_receive(
        actor=_actor(request),
        number=number,
        lines=payload.lines,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/requisitions/{number}/cancel", response=REQUISITION, url_name="requisition_cancel")
def requisition_cancel(request: HttpRequest, number: Number, payload: RequisitionDecideIn) -> Any:
    return requisitions.requisition_cancel(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


# --- P4 old-part returns -----------------------------------------------------------------------------------


@router.get("/part-returns", response={200: list[PartReturnOut], **ERRORS}, url_name="part_return_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def part_return_list(
    request: HttpRequest,
    engineer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    state: Annotated[PartReturnStateCode | None, Query()] = None,
    overdue: bool = False,
) -> Any:
    """Old parts owed back, per engineer (an engineer sees their own), the earliest due first."""
    return selectors.part_return_list(_actor(request), engineer=engineer, state=state or "", overdue=overdue)


@router.post("/part-returns/{pk}/receive", response={200: PartReturnOut, **ERRORS}, url_name="part_return_receive")
def part_return_receive(
    request: HttpRequest, pk: Annotated[int, Path(ge=1, le=MAX_ID)], payload: PartReturnReceiveIn
) -> Any:
    return part_returns.part_return_receive(
        actor=_actor(request),
        pk=pk,
        disposition=payload.disposition,
        store=payload.store,
        old_serial=payload.old_serial,
        supplier_name=payload.supplier_name,
        complaint_number=payload.complaint_number,
        note=payload.note,
        expected_version=payload.version,
    )


# --- P5 demand plan, stock plans, purchase requests ---------------------------------------------------------


@router.get("/demand-plan", response={200: DemandPlanOut, **ERRORS}, url_name="demand_plan")
def demand_plan_get(
    request: HttpRequest,
    store: Annotated[str, Query(min_length=1, max_length=32)],
    months: Annotated[int | None, Query(ge=1, le=60)] = None,
) -> Any:
    """P5: every part of the store with its figures and the suggested purchase."""
    actor = _actor(request)
    if not actor.has_perm("parts.plan_purchaserequest"):
        raise PermissionDenied()
    target = store_by_code(store, field="store")
    terms, _versions = plan_terms(months)
    items = demand_plan(target, months=terms.history_months)
    body = {
        "store": target.code,
        "months": terms.history_months,
        "lead_time_months": terms.lead_time_months,
        "cover_months": terms.cover_months,
        "count": len(items),
        "items": [demand_plan_item_json(item) for item in items],
    }
    # DemandPlanOut, written directly: validating 20,000 items through the schema took seconds (Stop 21).
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8")


@router.post("/stock-plans", response={200: dict[str, Any], **ERRORS}, url_name="stock_plan_set")
def stock_plan_set(request: HttpRequest, payload: StockPlanIn) -> Any:
    plan = demand.stock_plan_set(
        actor=_actor(request),
        store=payload.store,
        part=payload.part,
        safety_stock=payload.safety_stock,
        reorder_point=payload.reorder_point,
    )
    return {
        "store": plan.store.code,
        "part": plan.part.code,
        "safety_stock": plan.safety_stock,
        "reorder_point": plan.reorder_point,
    }


@router.post("/purchase-requests", response={201: PurchaseRequestOut, **ERRORS}, url_name="purchase_request_create")
def purchase_request_create(request: HttpRequest, payload: PurchaseRequestCreateIn) -> Status[Any]:
    found = demand.purchase_request_create(
        actor=_actor(request),
        store=payload.store,
        months=payload.months,
        quantities=payload.quantities,
        note=payload.note,
    )
    return Status(201, found)


@router.get("/purchase-requests/{number}", response=PURCHASE, url_name="purchase_request_detail")
def purchase_request_detail(request: HttpRequest, number: Number) -> Any:
    return selectors.access_purchase_request(_actor(request), number)


@router.post("/purchase-requests/{number}/approve", response=PURCHASE, url_name="purchase_request_approve")
def purchase_request_approve(request: HttpRequest, number: Number, payload: PurchaseDecideIn) -> Any:
    return demand.purchase_request_approve(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/purchase-requests/{number}/refuse", response=PURCHASE, url_name="purchase_request_refuse")
def purchase_request_refuse(request: HttpRequest, number: Number, payload: PurchaseDecideIn) -> Any:
    return demand.purchase_request_refuse(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )
