"""Customers API: files (C1), hotline lookup (C6), confidential access requests (C3).

Each endpoint parses its input, calls one selector or service, and renders the result.
"""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.customers import selectors, services
from aftersales.customers.schemas import (
    MAX_ID,
    AccessRequestCreateIn,
    AccessRequestOut,
    CustomerCreateIn,
    CustomerKindCode,
    CustomerOut,
    CustomerSummaryOut,
    CustomerUpdateIn,
)
from aftersales.customers.services import ContactData

router = Router(tags=["customers"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
AccessRequestStatusCode = Literal["pending", "approved", "refused", "revoked"]


class Pagination(PageNumberPagination):
    """Ninja's page-number pagination with a bounded page number (50 rows a page)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/customers", response={200: list[CustomerSummaryOut], **ERRORS}, url_name="customer_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def customer_list(
    request: HttpRequest,
    q: str = "",
    kind: CustomerKindCode | None = None,
    region: FilterId = None,
    key_account: bool | None = None,
    owner: FilterId = None,
) -> Any:
    """Customer files in the caller's scope. `q` is the hotline lookup (C6): a phone in any format
    (dashes, spaces, +86), the last digits (4 or more) of any phone of the file or of a contact, a
    name or contact-name fragment, a customer number or a unit's serial number; `matched_contact`
    is the contact it matched. C3: a confidential file the caller may not open shows only its id, number, name and the
    number typed, with `request_access` to ask for it."""
    return selectors.customer_card_list(
        _actor(request),
        q=q.strip()[:100],
        kind=kind or "",
        region_id=region,
        key_account=key_account,
        owner_id=owner,
        with_contacts=True,
    )


@router.post("/customers", response={201: CustomerOut, **ERRORS}, url_name="customer_create")
def customer_create(request: HttpRequest, payload: CustomerCreateIn) -> Status[Any]:
    data = payload.model_dump()
    contacts = [ContactData(**contact) for contact in data.pop("contacts")]
    customer = services.customer_create(
        actor=_actor(request), region_id=data.pop("region"), contacts=contacts, source="api", **data
    )
    return Status(201, customer)


@router.get("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, url_name="customer_detail")
def customer_detail(request: HttpRequest, customer_id: RecordId) -> Any:
    """Open a file (C3: a read by anyone but its owner is logged; a confidential file without a
    grant answers 403 customer_confidential)."""
    return services.customer_open(actor=_actor(request), customer_id=customer_id)


@router.patch("/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, url_name="customer_update")
def customer_update(request: HttpRequest, customer_id: RecordId, payload: CustomerUpdateIn) -> Any:
    values = payload.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    for field in ("region", "owner"):
        if field in values:
            values[f"{field}_id"] = values.pop(field)
    return services.customer_update(actor=_actor(request), customer_id=customer_id, expected_version=version, **values)


@router.post(
    "/customers/{customer_id}/access-requests",
    response={201: AccessRequestOut, **ERRORS},
    url_name="access_request_create",
)
def access_request_create(request: HttpRequest, customer_id: RecordId, payload: AccessRequestCreateIn) -> Status[Any]:
    access_request = services.access_request_create(
        actor=_actor(request), customer_id=customer_id, reason=payload.reason
    )
    return Status(201, access_request)


@router.get("/access-requests", response={200: list[AccessRequestOut], **ERRORS}, url_name="access_request_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def access_request_list(request: HttpRequest, status: AccessRequestStatusCode | None = None) -> Any:
    """Requests the caller made and those the caller may decide (file owner or manager), newest first."""
    return selectors.access_request_list(_actor(request), status=status or "")


@router.post(
    "/access-requests/{request_id}/approve",
    response={200: AccessRequestOut, **ERRORS},
    url_name="access_request_approve",
)
def access_request_approve(request: HttpRequest, request_id: RecordId) -> Any:
    return services.access_request_decide(actor=_actor(request), request_id=request_id, approve=True)


@router.post(
    "/access-requests/{request_id}/refuse",
    response={200: AccessRequestOut, **ERRORS},
    url_name="access_request_refuse",
)
def access_request_refuse(request: HttpRequest, request_id: RecordId) -> Any:
    return services.access_request_decide(actor=_actor(request), request_id=request_id, approve=False)
