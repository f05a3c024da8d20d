"""Returns API: return requests and notes, one endpoint per move, discount certificates (R1–R4).

Each endpoint parses its input, calls one selector or service, and renders. No
`from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.returns import selectors, services
from aftersales.returns.schemas import (
    CertificateDecideIn,
    DiscountCertificateIssueIn,
    DiscountCertificateOut,
    ReturnActionIn,
    ReturnApproveIn,
    ReturnReceiveIn,
    ReturnRefuseIn,
    ReturnRequestCreateIn,
    ReturnRequestOut,
    ReturnRequestSummaryOut,
    ReturnStateCode,
)
from aftersales.service.schemas import MAX_ID

router = Router(tags=["returns"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
Number = Annotated[str, Path(min_length=1, max_length=20)]
RETURN = {200: ReturnRequestOut, **ERRORS}


class Pagination(PageNumberPagination):
    """Page-number pagination, 50 a page, with bounded numbers (as the other lists)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/returns", response={200: list[ReturnRequestSummaryOut], **ERRORS}, url_name="return_request_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def return_request_list(
    request: HttpRequest,
    state: Annotated[ReturnStateCode | None, Query()] = None,
    customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    q: Annotated[str, Query(max_length=100)] = "",
) -> Any:
    """Returns in the caller's scope, newest first (a portal user: their own organisation's)."""
    return selectors.return_request_list(_actor(request), state=state or "", customer=customer, q=q.strip())


@router.post("/returns", response={201: ReturnRequestOut, **ERRORS}, url_name="return_request_create")
def return_request_create(request: HttpRequest, payload: ReturnRequestCreateIn) -> Status[Any]:
    data = payload.model_dump()
    data["customer_id"] = data.pop("customer")
    created = services.return_request_create(actor=_actor(request), **data)
    return Status(201, created)


@router.get("/returns/{number}", response=RETURN, url_name="return_request_detail")
def return_request_detail(request: HttpRequest, number: Number) -> Any:
    return selectors.access_return_request(_actor(request), number)


@router.post("/returns/{number}/approve", response=RETURN, url_name="return_request_approve")
def return_request_approve(request: HttpRequest, number: Number, payload: ReturnApproveIn) -> Any:
    """Decide the return's K7 approval (also in GET /approvals): 403 beyond_authority above the caller's
    authority, 403 own_approval for the caller's own request."""
    return services.return_request_approve(
        actor=_actor(request),
        number=number,
        approved_quantity=payload.approved_quantity,
        disposition=payload.disposition,
        basis=payload.basis,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/returns/{number}/refuse", response=RETURN, url_name="return_request_refuse")
def return_request_refuse(request: HttpRequest, number: Number, payload: ReturnRefuseIn) -> Any:
    return services.return_request_refuse(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/returns/{number}/receive", response=RETURN, url_name="return_receive")
def return_receive(request: HttpRequest, number: Number, payload: ReturnReceiveIn) -> Any:
    return services.return_receive(
        actor=_actor(request),
        number=number,
        quantity=payload.quantity,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/returns/{number}/book", response=RETURN, url_name="return_book")
def return_book(request: HttpRequest, number: Number, payload: ReturnActionIn) -> Any:
    return services.return_book(actor=_actor(request), number=number, expected_version=payload.version)


@router.post("/returns/{number}/reissue", response=RETURN, url_name="return_reissue")
def return_reissue(request: HttpRequest, number: Number, payload: ReturnActionIn) -> Any:
    return services.return_reissue(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post(
    "/discount-certificates",
    response={201: DiscountCertificateOut, **ERRORS},
    url_name="discount_certificate_issue",
)
def discount_certificate_issue(request: HttpRequest, payload: DiscountCertificateIssueIn) -> Status[Any]:
    data = payload.model_dump()
    data["customer_id"] = data.pop("customer")
    return Status(201, services.discount_certificate_issue(actor=_actor(request), **data))


@router.post(
    "/discount-certificates/{number}/approve",
    response={200: DiscountCertificateOut, **ERRORS},
    url_name="discount_certificate_approve",
)
def discount_certificate_approve(request: HttpRequest, number: Number, payload: CertificateDecideIn) -> Any:
    """Approve (and so sign) a certificate waiting for its K7 approval: the approvals engine decides who may."""
    return services.discount_certificate_approve(actor=_actor(request), number=number, note=payload.note)


@router.post(
    "/discount-certificates/{number}/refuse",
    response={200: DiscountCertificateOut, **ERRORS},
    url_name="discount_certificate_refuse",
)
def discount_certificate_refuse(request: HttpRequest, number: Number, payload: CertificateDecideIn) -> Any:
    return services.discount_certificate_refuse(actor=_actor(request), number=number, note=payload.note)


@router.get(
    "/discount-certificates/{number}",
    response={200: DiscountCertificateOut, **ERRORS},
    url_name="discount_certificate_detail",
)
def discount_certificate_detail(request: HttpRequest, number: Number) -> Any:
    return selectors.access_discount_certificate(_actor(request), number)
