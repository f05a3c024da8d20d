"""Installed-base API: products, units, warranty coverage, service contracts, substitute equipment loans.

No `from __future__ import annotations` here: Ninja reads the parameter annotations (Id) at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.installed_base import selectors, services
from aftersales.installed_base.schemas import (
    ContractCreateIn,
    ContractOut,
    CoverageOut,
    LoanCreateIn,
    LoanOut,
    LoanReturnIn,
    ProductCreateIn,
    ProductOut,
    UnitCreateIn,
    UnitOut,
    query_date,
)

router = Router(tags=["installed_base"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
Id = Annotated[int, Field(ge=1, le=selectors.MAX_ID)]


class Pagination(PageNumberPagination):
    """Page-number pagination, 50 a page, with bounded numbers (a huge page cannot reach the database)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=10_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


class UnitPagination(Pagination):
    """Units a page at a time, each page passed through the C3 rule (`selectors.units_shown`: one
    query for the grants of the page)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = selectors.units_shown(_actor(request), page[self.items_attribute])
        return page


class ContractPagination(Pagination):
    """Contracts a page at a time, each page passed through the C3 rule (`selectors.contracts_shown`)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = selectors.contracts_shown(_actor(request), page[self.items_attribute])
        return page


# --- products (A1) ---------------------------------------------------------------------------


@router.get("/products", response={200: list[ProductOut], **ERRORS}, url_name="product_list")
@paginate(Pagination, page_size=PAGE_SIZE)
def product_list(request: HttpRequest, q: str = "", category: str = "") -> Any:
    return selectors.product_list(_actor(request), q=q, category=category)


@router.post("/products", response={201: ProductOut, **ERRORS}, url_name="product_create")
def product_create(request: HttpRequest, payload: ProductCreateIn) -> Any:
    return Status(201, services.product_create(actor=_actor(request), **payload.model_dump()))


# --- units (A2) ------------------------------------------------------------------------------


@router.get("/units", response={200: list[UnitOut], **ERRORS}, url_name="unit_list")
@paginate(UnitPagination, page_size=PAGE_SIZE)
def unit_list(
    request: HttpRequest,
    q: str = "",
    customer: Id | None = None,
    product: Id | None = None,
    in_warranty: bool | None = None,
    on: str = "",
) -> Any:
    return selectors.unit_list(
        _actor(request),
        q=q,
        customer_id=customer,
        product_id=product,
        in_warranty=in_warranty,
        on=query_date(on, field="on"),
    )


@router.post("/units", response={201: UnitOut, **ERRORS}, url_name="unit_create")
def unit_create(request: HttpRequest, payload: UnitCreateIn) -> Any:
    data = payload.model_dump()
    product_id = selectors.product_id_for_model(data.pop("model"))
    customer_id = data.pop("customer")
    actor = _actor(request)
    unit = services.unit_create(actor=actor, product_id=product_id, customer_id=customer_id, **data)
    return Status(201, selectors.units_shown(actor, [unit])[0])


@router.get("/units/{serial}", response={200: UnitOut, **ERRORS}, url_name="unit_detail")
def unit_detail(request: HttpRequest, serial: str) -> Any:
    actor = _actor(request)
    return selectors.units_shown(actor, [selectors.access_unit(actor, serial)])[0]


@router.get("/units/{serial}/coverage", response={200: CoverageOut, **ERRORS}, url_name="unit_coverage")
def unit_coverage(request: HttpRequest, serial: str, on: str = "") -> Any:
    day = query_date(on, field="on")
    unit = selectors.access_unit(_actor(request), serial)
    coverage = selectors.unit_coverage(unit, day)
    warranty = coverage.warranty
    return {
        "serial": unit.serial,
        "on": coverage.on,
        "in_warranty": coverage.in_warranty,
        "before_acceptance": coverage.before_acceptance,
        "warranty_start": warranty.start,
        "warranty_end": warranty.end,
        "basis": warranty.basis,
        "warranty_months": warranty.months,
        "length_source": warranty.length_source,
        "policy_version": warranty.policy_version,
        "contract": coverage.contract.number if coverage.contract else None,
        "contract_cover": coverage.contract.cover if coverage.contract else None,
        "charging_type": coverage.charging_type,
        "explanation": coverage.explanation,
    }


# --- service contracts (A4) ------------------------------------------------------------------


@router.get("/contracts", response={200: list[ContractOut], **ERRORS}, url_name="contract_list")
@paginate(ContractPagination, page_size=PAGE_SIZE)
def contract_list(request: HttpRequest, q: str = "", customer: Id | None = None, active_on: str = "") -> Any:
    return selectors.contract_list(
        _actor(request), q=q, customer_id=customer, active_on=query_date(active_on, field="active_on")
    ).prefetch_related("units")


@router.post("/contracts", response={201: ContractOut, **ERRORS}, url_name="contract_create")
def contract_create(request: HttpRequest, payload: ContractCreateIn) -> Any:
    actor = _actor(request)
    contract = services.contract_create(
        actor=actor,
        customer_id=payload.customer,
        unit_serials=payload.units,
        start_date=payload.start,
        end_date=payload.end,
        cover=payload.cover,
        terms=payload.terms,
        calendar_code=payload.calendar,
    )
    return Status(201, selectors.contracts_shown(actor, [contract])[0])


@router.get("/contracts/{number}", response={200: ContractOut, **ERRORS}, url_name="contract_detail")
def contract_detail(request: HttpRequest, number: str) -> Any:
    actor = _actor(request)
    return selectors.contracts_shown(actor, [selectors.access_contract(actor, number)])[0]


# --- substitute equipment loans (A6) ---------------------------------------------------------


@router.get("/loans", response={200: list[LoanOut], **ERRORS}, url_name="loan_list")
@paginate(Pagination, page_size=PAGE_SIZE)
def loan_list(request: HttpRequest, open: bool = False, customer: Id | None = None) -> Any:
    return selectors.loan_list(_actor(request), open_only=open, customer_id=customer)


@router.post("/loans", response={201: LoanOut, **ERRORS}, url_name="loan_create")
def loan_create(request: HttpRequest, payload: LoanCreateIn) -> Any:
    loan = services.loan_create(
        actor=_actor(request),
        equipment_code=payload.equipment,
        customer_id=payload.customer,
        for_unit_serial=payload.for_unit,
        lent_on=payload.lent_on,
        expected_return=payload.expected_return,
        reason=payload.reason,
    )
    return Status(201, loan)


@router.post("/loans/{loan_id}/return", response={200: LoanOut, **ERRORS}, url_name="loan_return")
def loan_return(request: HttpRequest, loan_id: Id, payload: LoanReturnIn) -> Any:
    return services.loan_return(actor=_actor(request), loan_id=loan_id, returned_on=payload.returned_on)
