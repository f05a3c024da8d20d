"""Spare-parts API (P1): catalogue, stores, stock, receipts, transfers, count adjustments, list prices.

Each endpoint parses its input, calls one selector or service, and renders. No
`from __future__ import annotations`: Ninja reads the parameter annotations at import.
Names fixed by issue 14: POST/GET /parts, POST/GET /stores, POST /stock/receipts, GET /stock.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.parts import selectors
from aftersales.parts.models import PriceList, StockAdjustment
from aftersales.parts.schemas import (
    AdjustmentIn,
    AdjustmentOut,
    DecideIn,
    MoveOut,
    PartChangeIn,
    PartIn,
    PartOut,
    PriceListIn,
    PriceListOut,
    ReceiptIn,
    ReceiptOut,
    StockOut,
    StoreIn,
    StoreKindCode,
    StoreOut,
    TransferIn,
)
from aftersales.parts.services import catalogue, counts, stores
from aftersales.parts.services.stock import StockLine, stock_receive_lines, stock_transfer

router = Router(tags=["parts"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 100
CodePath = Annotated[str, Path(min_length=1, max_length=32)]


class Pagination(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


def _actor(request: HttpRequest, perm: str) -> Actor:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    actor.require_perm(perm)
    return actor


# --- catalogue -----------------------------------------------------------------------------------


@router.post("/parts", response={201: PartOut, **ERRORS}, url_name="part_create")
def part_create(request: HttpRequest, payload: PartIn) -> Status[Any]:
    """Add a part; a `price` goes to the head of after-sales for approval (until then `price` is null)."""
    part = catalogue.part_create(actor=_actor(request, "parts.add_part"), **payload.model_dump())
    return Status(201, part)


@router.get("/parts", response={200: list[PartOut], **ERRORS}, url_name="part_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def part_list(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100)] = "",
    product: Annotated[str, Query(max_length=64)] = "",
) -> Any:
    """Search by number (prefix), name or specification fragment, and by the product model it fits."""
    _actor(request, "parts.view_part")
    return selectors.part_search(q=q, product=product).prefetch_related("products")


@router.get("/parts/{code}", response={200: PartOut, **ERRORS}, url_name="part_detail")
def part_detail(request: HttpRequest, code: CodePath) -> Any:
    _actor(request, "parts.view_part")
    return selectors.access_part(code)


@router.patch("/parts/{code}", response={200: PartOut, **ERRORS}, url_name="part_change")
def part_change(request: HttpRequest, code: CodePath, payload: PartChangeIn) -> Any:
    """Change a part (never its number; list prices go through a price list); `version` refuses a stale edit."""
    actor = _actor(request, "parts.change_part")
    values = payload.model_dump(exclude_none=True)
    version = values.pop("version", None)
    products = values.pop("products", None)
    if "cost" in values:
        values["standard_cost"] = values.pop("cost")
    return catalogue.part_update(actor=actor, code=code, expected_version=version, products=products, **values)


# --- list prices ---------------------------------------------------------------------------------


@router.post("/price-lists", response={201: PriceListOut, **ERRORS}, url_name="price_list_create")
def price_list_create(request: HttpRequest, payload: PriceListIn) -> Status[Any]:
    """Draft new list prices for some parts; the head of after-sales approves them (not the drafter)."""
    actor = _actor(request, "parts.add_pricelist")
    lines = [
        (selectors.part_resolve(line.part, field=f"lines.{i}.part"), line.price) for i, line in enumerate(payload.lines)
    ]
    return Status(201, catalogue.price_list_create(actor=actor, lines=lines, note=payload.note))


@router.get("/price-lists", response={200: list[PriceListOut], **ERRORS}, url_name="price_list_list")
@paginate(Pagination, page_size=20, max_page_size=PAGE_SIZE)
def price_list_list(request: HttpRequest) -> Any:
    _actor(request, "parts.view_pricelist")
    return PriceList.objects.order_by("-version")


@router.post("/price-lists/{version}/approve", response={200: PriceListOut, **ERRORS}, url_name="price_list_approve")
def price_list_approve(
    request: HttpRequest, version: Annotated[int, Path(ge=1, le=1_000_000)], payload: DecideIn
) -> Any:
    actor = _actor(request, "parts.approve_pricelist")
    return catalogue.price_list_decide(actor=actor, version=version, approve=True, note=payload.note)


@router.post("/price-lists/{version}/refuse", response={200: PriceListOut, **ERRORS}, url_name="price_list_refuse")
def price_list_refuse(
    request: HttpRequest, version: Annotated[int, Path(ge=1, le=1_000_000)], payload: DecideIn
) -> Any:
    actor = _actor(request, "parts.approve_pricelist")
    return catalogue.price_list_decide(actor=actor, version=version, approve=False, note=payload.note)


# --- stores --------------------------------------------------------------------------------------


@router.post("/stores", response={201: StoreOut, **ERRORS}, url_name="store_create")
def store_create(request: HttpRequest, payload: StoreIn) -> Status[Any]:
    return Status(201, stores.store_create(actor=_actor(request, "parts.add_store"), **payload.model_dump()))


@router.get("/stores", response={200: list[StoreOut], **ERRORS}, url_name="store_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def store_list(
    request: HttpRequest,
    kind: Annotated[StoreKindCode | None, Query()] = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Any:
    _actor(request, "parts.view_store")
    return selectors.store_list(kind=kind or "", q=q)


# --- stock ---------------------------------------------------------------------------------------


@router.get("/stock", response={200: list[StockOut], **ERRORS}, url_name="stock_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def stock_list(
    request: HttpRequest,
    store: Annotated[str, Query(max_length=32)] = "",
    part: Annotated[str, Query(max_length=32)] = "",
) -> Any:
    """Stock per store × part: on hand, reserved, in transit (counted at the receiving store), available."""
    _actor(request, "parts.view_stocklevel")
    return selectors.stock_levels(
        store=selectors.store_resolve(store) if store else None,
        part=selectors.part_resolve(part) if part else None,
    )


@router.get("/stock/moves", response={200: list[MoveOut], **ERRORS}, url_name="stock_moves")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def stock_move_list(
    request: HttpRequest,
    store: Annotated[str, Query(max_length=32)] = "",
    part: Annotated[str, Query(max_length=32)] = "",
) -> Any:
    """The ledger, newest first."""
    _actor(request, "parts.view_stockmove")
    return selectors.stock_moves(
        store=selectors.store_resolve(store) if store else None,
        part=selectors.part_resolve(part) if part else None,
    )


@router.post("/stock/receipts", response={201: ReceiptOut, **ERRORS}, url_name="stock_receipt")
def stock_receipt(request: HttpRequest, payload: ReceiptIn) -> Status[Any]:
    """A receipt note: every line posts or none (unknown part or store 422)."""
    actor = _actor(request, "parts.add_stockmove")
    store = selectors.store_resolve(payload.store)
    lines = [
        StockLine(
            part=selectors.part_resolve(line.part, field=f"lines.{i}.part"),
            quantity=line.quantity,
            unit_cost=line.unit_cost,
        )
        for i, line in enumerate(payload.lines)
    ]
    moves = stock_receive_lines(actor=actor, store=store, reference=payload.reference, lines=lines)
    return Status(201, {"store": store.code, "reference": payload.reference, "moves": moves})


@router.post("/stock/transfers", response={201: list[MoveOut], **ERRORS}, url_name="stock_transfer")
def stock_transfer_now(request: HttpRequest, payload: TransferIn) -> Status[Any]:
    """A transfer handed over at once (out, in transit, in); 409 insufficient_stock with the available quantity."""
    actor = _actor(request, "parts.add_stockmove")
    moves = stock_transfer(
        actor=actor,
        from_store=selectors.store_resolve(payload.from_store, field="from_store"),
        to_store=selectors.store_resolve(payload.to_store, field="to_store"),
        part=selectors.part_resolve(payload.part),
        quantity=payload.quantity,
        reference=payload.reference,
        serial=payload.serial,
    )
    return Status(201, list(moves))


@router.post("/stock/adjustments", response={201: AdjustmentOut, **ERRORS}, url_name="stock_adjustment_create")
def stock_adjustment_create(request: HttpRequest, payload: AdjustmentIn) -> Status[Any]:
    """A count adjustment with a reason: posted at once by the parts keeper, else waits for their approval."""
    actor = _actor(request, "parts.add_stockadjustment")
    adjustment = counts.adjustment_ask(
        actor=actor,
        store=selectors.store_resolve(payload.store),
        part=selectors.part_resolve(payload.part),
        change=payload.change,
        reason=payload.reason,
        reference=payload.reference,
        serial=payload.serial,
    )
    return Status(201, adjustment)


def _adjustment(number: str) -> StockAdjustment:
    found = StockAdjustment.objects.select_related("store", "part", "move").filter(number=number).first()
    if found is None:
        raise NotFound()
    return found


@router.post(
    "/stock/adjustments/{number}/approve", response={200: AdjustmentOut, **ERRORS}, url_name="stock_adjustment_approve"
)
def stock_adjustment_approve(
    request: HttpRequest, number: Annotated[str, Path(max_length=20)], payload: DecideIn
) -> Any:
    actor = _actor(request, "parts.approve_stockadjustment")
    counts.adjustment_decide(actor=actor, number=number, approve=True, note=payload.note)
    return _adjustment(number)


@router.post(
    "/stock/adjustments/{number}/refuse", response={200: AdjustmentOut, **ERRORS}, url_name="stock_adjustment_refuse"
)
def stock_adjustment_refuse(
    request: HttpRequest, number: Annotated[str, Path(max_length=20)], payload: DecideIn
) -> Any:
    actor = _actor(request, "parts.approve_stockadjustment")
    counts.adjustment_decide(actor=actor, number=number, approve=False, note=payload.note)
    return _adjustment(number)
