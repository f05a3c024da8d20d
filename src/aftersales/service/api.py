"""Service case API: the service register, one endpoint per move, approvals, tasks, the dispatch board.

Each endpoint parses its input, calls one selector or service, and renders the request (S1–S16,
P3, B1). Every action answers with the whole request, so the caller gets the new state, version
and clocks in one round trip. No `from __future__ import annotations`: Ninja reads the parameter
annotations at import.
"""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.clocks.selectors import clocks_for_subjects
from aftersales.core.pagination import MAX_PAGE, json_page
from aftersales.service import selectors, services
from aftersales.service.downloads import attachment_response
from aftersales.service.schemas import (
    MAX_ID,
    ApprovalRequestIn,
    AttachmentOut,
    BoardRowOut,
    BookIn,
    CashIn,
    ChargingIn,
    CloseIn,
    CompleteIn,
    CustomerWaitIn,
    DispatchIn,
    FaultCodeOut,
    FeeOutstandingOut,
    PagedServiceRequestSummaryOut,
    PartIn,
    PaymentIn,
    QuoteAcceptIn,
    QuoteDeclineIn,
    QuoteIn,
    ReasonIn,
    RequestStateCode,
    RequiredReasonIn,
    ServiceRequestCreateIn,
    ServiceRequestOut,
    SignOffIn,
    StepIn,
    TaskDoneIn,
    TaskOut,
    VersionIn,
)
from aftersales.service.services import quotes

router = Router(tags=["service"])
FaultCodeKindCode = Literal["symptom", "cause"]
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[str, Path(min_length=1, max_length=20)]
REQUEST = {200: ServiceRequestOut, **ERRORS}


class Pagination(PageNumberPagination):
    """Page-number pagination, 50 a page, with bounded numbers (as the other lists)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


# --- the service register (S1) ---------------------------------------------------------------


@router.get(
    "/service-requests", response={200: PagedServiceRequestSummaryOut, **ERRORS}, url_name="service_request_list"
)
def service_request_list(
    request: HttpRequest,
    state: Annotated[RequestStateCode | None, Query()] = None,
    engineer: Annotated[str, Query(max_length=150)] = "",
    service_point: Annotated[str, Query(max_length=16)] = "",
    overdue: bool = False,
    q: Annotated[str, Query(max_length=100)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int | None, Query(ge=1, le=PAGE_SIZE)] = None,
) -> Any:
    """Requests in the caller's scope, newest first, 50 a page (`page`, `page_size`). `overdue`: a running
    clock is past its due time.

    `count` is exact up to 10,000 (`count_exact`); above that the answer says "10,000 or more" rather
    than count the whole history on every page (docs/decisions/0027). The busiest list of the API: its
    page is written directly (core.pagination.json_page), not validated row by row."""
    found = selectors.service_request_list(
        _actor(request),
        state=state or "",
        engineer=engineer.strip(),
        service_point=service_point.strip().upper(),
        overdue=overdue,
        q=q.strip(),
    )
    return json_page(found, page=page, page_size=page_size or PAGE_SIZE, rows=selectors.service_request_summaries)


@router.post("/service-requests", response={201: ServiceRequestOut, **ERRORS}, url_name="service_request_create")
def service_request_create(request: HttpRequest, payload: ServiceRequestCreateIn) -> Status[Any]:
    data = payload.model_dump()
    created = services.service_request_create(
        actor=_actor(request),
        customer_id=data.pop("customer"),
        service_point_code=data.pop("service_point"),
        **data,
    )
    return Status(201, created)


def _with_version(payload: VersionIn) -> dict[str, Any]:
    """The payload as service arguments, its `version` passed as `expected_version`."""
    data = payload.model_dump()
    data["expected_version"] = data.pop("version")
    return data


@router.get("/fault-codes", response={200: list[FaultCodeOut], **ERRORS}, url_name="fault_code_list")
def fault_code_list(
    request: HttpRequest,
    kind: Annotated[FaultCodeKindCode, Query()] = "symptom",
    category: Annotated[str | None, Query(max_length=64)] = None,
    q: Annotated[str, Query(max_length=64)] = "",
) -> Any:
    """The active codes a picker offers: of `category` and the general ones (none given: every category);
    `q` matches code, name and synonyms."""
    _actor(request).require_perm("service.view_servicerequest")
    return selectors.fault_codes_for(kind=kind, category=category, query=q)


@router.get("/service-requests/{number}", response=REQUEST, url_name="service_request_detail")
def service_request_detail(request: HttpRequest, number: Number) -> Any:
    return selectors.access_service_request(_actor(request), number)


# --- photos and videos of the fault and the repair (S9) ---------------------------------------

AttachmentKindCode = Literal["fault", "repair", "other"]


@router.post(
    "/service-requests/{number}/attachments",
    response={201: AttachmentOut, **ERRORS},
    url_name="service_request_attachment_add",
)
def service_request_attachment_add(
    request: HttpRequest,
    number: Number,
    file: File[UploadedFile],
    kind: Form[AttachmentKindCode] = "fault",
) -> Status[Any]:
    """Attach a photo (JPEG, PNG, WebP) or video (MP4, WebM, MOV), multipart: `file` and `kind`."""
    attachment = services.attachment_add(actor=_actor(request), number=number, upload=file, kind=kind)
    return Status(201, attachment)


@router.get(
    "/service-requests/{number}/attachments",
    response={200: list[AttachmentOut], **ERRORS},
    url_name="service_request_attachment_list",
)
def service_request_attachment_list(request: HttpRequest, number: Number) -> Any:
    return selectors.attachment_list(selectors.access_service_request(_actor(request), number))


@router.get("/attachments/{attachment_id}/content", response={200: None, **ERRORS}, url_name="attachment_content")
def attachment_content(
    request: HttpRequest,
    attachment_id: RecordId,
    variant: Literal["original", "thumbnail"] = "original",
) -> Any:
    """The file's bytes, only for callers who may read its request (404 for everyone else)."""
    content = selectors.attachment_content(_actor(request), attachment_id, thumbnail=variant == "thumbnail")
    return attachment_response(content)


@router.delete("/attachments/{attachment_id}", response={204: None, **ERRORS}, url_name="attachment_delete")
def attachment_delete(request: HttpRequest, attachment_id: RecordId) -> Status[None]:
    """The uploader deletes their photo or video until the customer signs the repair order."""
    services.attachment_delete(actor=_actor(request), attachment_id=attachment_id)
    return Status(204, None)


# --- dispatch and the engineer's job (S7–S11, P3) --------------------------------------------


@router.post("/service-requests/{number}/dispatch", response=REQUEST, url_name="service_request_dispatch")
def service_request_dispatch(request: HttpRequest, number: Number, payload: DispatchIn) -> Any:
    return services.service_request_dispatch(
        actor=_actor(request),
        number=number,
        engineer=payload.engineer,
        note=payload.note,
        expected_version=payload.version,
    )


@router.post("/service-requests/{number}/book", response=REQUEST, url_name="service_request_book")
def service_request_book(request: HttpRequest, number: Number, payload: BookIn) -> Any:
    return services.service_request_book(
        actor=_actor(request),
        number=number,
        visit_at=payload.visit_at,
        confirmed_fault=payload.confirmed_fault,
        expected_version=payload.version,
    )


@router.post("/service-requests/{number}/arrive", response=REQUEST, url_name="service_request_arrive")
def service_request_arrive(request: HttpRequest, number: Number, payload: VersionIn) -> Any:
    return services.service_request_arrive(actor=_actor(request), number=number, expected_version=payload.version)


@router.post("/service-requests/{number}/step", response=REQUEST, url_name="service_request_step")
def service_request_step(request: HttpRequest, number: Number, payload: StepIn) -> Any:
    step = services.service_request_step_add(
        actor=_actor(request), number=number, text=payload.text, expected_version=payload.version
    )
    return step.request


@router.post("/service-requests/{number}/parts", response=REQUEST, url_name="service_request_parts")
def service_request_parts(request: HttpRequest, number: Number, payload: PartIn) -> Any:
    part = services.service_request_part_add(actor=_actor(request), number=number, **_with_version(payload))
    return part.request


@router.post("/service-requests/{number}/wait-parts", response=REQUEST, url_name="service_request_wait_parts")
def service_request_wait_parts(request: HttpRequest, number: Number, payload: ReasonIn) -> Any:
    return services.service_request_wait_parts(
        actor=_actor(request), number=number, reason=payload.reason, expected_version=payload.version
    )


@router.post("/service-requests/{number}/parts-arrived", response=REQUEST, url_name="service_request_parts_arrived")
def service_request_parts_arrived(request: HttpRequest, number: Number, payload: VersionIn) -> Any:
    return services.service_request_parts_arrived(
        actor=_actor(request), number=number, expected_version=payload.version
    )


@router.post(
    "/service-requests/{number}/customer-unavailable",
    response=REQUEST,
    url_name="service_request_customer_unavailable",
)
def service_request_customer_unavailable(request: HttpRequest, number: Number, payload: CustomerWaitIn) -> Any:
    """客户暂不方便: the clocks of policy S6.customer_wait_pauses pause (S10 never); a note is required."""
    return services.service_request_customer_unavailable(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post(
    "/service-requests/{number}/customer-available",
    response=REQUEST,
    url_name="service_request_customer_available",
)
def service_request_customer_available(request: HttpRequest, number: Number, payload: CustomerWaitIn) -> Any:
    """The customer can receive us again: back to where the work stood, the paused clocks run."""
    return services.service_request_customer_available(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/service-requests/{number}/to-depot", response=REQUEST, url_name="service_request_to_depot")
def service_request_to_depot(request: HttpRequest, number: Number, payload: ReasonIn) -> Any:
    return services.service_request_to_depot(
        actor=_actor(request), number=number, reason=payload.reason, expected_version=payload.version
    )


@router.post(
    "/service-requests/{number}/request-approval", response=REQUEST, url_name="service_request_request_approval"
)
def service_request_approval(request: HttpRequest, number: Number, payload: ApprovalRequestIn) -> Any:
    actor = _actor(request)
    services.approval_request(actor=actor, number=number, **_with_version(payload))
    return selectors.access_service_request(actor, number)


@router.post("/service-requests/{number}/complete", response=REQUEST, url_name="service_request_complete")
def service_request_complete(request: HttpRequest, number: Number, payload: CompleteIn) -> Any:
    data = payload.model_dump()
    return services.service_request_complete(
        actor=_actor(request), number=number, expected_version=data.pop("version"), **data
    )


@router.post("/service-requests/{number}/sign-off", response=REQUEST, url_name="service_request_sign_off")
def service_request_sign_off(request: HttpRequest, number: Number, payload: SignOffIn) -> Any:
    return services.service_request_sign_off(
        actor=_actor(request),
        number=number,
        signature=payload.signature,
        signed_by_name=payload.signed_by_name,
        expected_version=payload.version,
    )


@router.post("/service-requests/{number}/reopen", response=REQUEST, url_name="service_request_reopen")
def service_request_reopen(request: HttpRequest, number: Number, payload: RequiredReasonIn) -> Any:
    return services.service_request_reopen(
        actor=_actor(request), number=number, reason=payload.reason, expected_version=payload.version
    )


@router.post("/service-requests/{number}/close", response=REQUEST, url_name="service_request_close")
def service_request_close(request: HttpRequest, number: Number, payload: CloseIn) -> Any:
    return services.service_request_close(
        actor=_actor(request), number=number, note=payload.note, expected_version=payload.version
    )


@router.post("/service-requests/{number}/cancel", response=REQUEST, url_name="service_request_cancel")
def service_request_cancel(request: HttpRequest, number: Number, payload: RequiredReasonIn) -> Any:
    return services.service_request_cancel(
        actor=_actor(request), number=number, reason=payload.reason, expected_version=payload.version
    )


@router.post("/service-requests/{number}/charging", response=REQUEST, url_name="service_request_charging")
def service_request_charging(request: HttpRequest, number: Number, payload: ChargingIn) -> Any:
    return services.service_request_charging_set(
        actor=_actor(request),
        number=number,
        charging_type=payload.charging_type,
        reason=payload.reason,
        expected_version=payload.version,
    )


# --- paid service out of warranty (B1) -------------------------------------------------------


@router.post("/service-requests/{number}/quote", response=REQUEST, url_name="service_request_quote")
def service_request_quote(request: HttpRequest, number: Number, payload: QuoteIn) -> Any:
    data = payload.model_dump()
    quote = quotes.quote_offer(
        actor=_actor(request),
        number=number,
        labour_hours=data["labour_hours"],
        lines=data["lines"],
        note=data["note"],
        expected_version=data["version"],
        recorded_parts=data["recorded_parts"],
    )
    return quote.request


@router.post("/service-requests/{number}/accept-quote", response=REQUEST, url_name="service_request_accept_quote")
def service_request_accept_quote(request: HttpRequest, number: Number, payload: QuoteAcceptIn) -> Any:
    quote = quotes.quote_accept(actor=_actor(request), number=number, **_with_version(payload))
    return quote.request


@router.post("/service-requests/{number}/decline-quote", response=REQUEST, url_name="service_request_decline_quote")
def service_request_decline_quote(request: HttpRequest, number: Number, payload: QuoteDeclineIn) -> Any:
    quote = quotes.quote_decline(actor=_actor(request), number=number, **_with_version(payload))
    return quote.request


@router.post("/service-requests/{number}/payment", response=REQUEST, url_name="service_request_payment")
def service_request_payment(request: HttpRequest, number: Number, payload: PaymentIn) -> Any:
    quote = quotes.quote_payment_record(actor=_actor(request), number=number, **_with_version(payload))
    return quote.request


@router.post("/service-requests/{number}/cash-collected", response=REQUEST, url_name="service_request_cash_collected")
def service_request_cash_collected(request: HttpRequest, number: Number, payload: CashIn) -> Any:
    """B1: the engineer collected the agreed fee in cash on site (up to the policy B1.cash_limit)."""
    quote = quotes.quote_cash_collect(actor=_actor(request), number=number, **_with_version(payload))
    return quote.request


@router.post("/service-requests/{number}/cash-received", response=REQUEST, url_name="service_request_cash_received")
def service_request_cash_received(request: HttpRequest, number: Number, payload: VersionIn) -> Any:
    """B1: finance confirms it received the cash collected on site."""
    quote = quotes.quote_cash_confirm(actor=_actor(request), number=number, **_with_version(payload))
    return quote.request


@router.get(
    "/service-fees/outstanding", response={200: list[FeeOutstandingOut], **ERRORS}, url_name="service_fees_outstanding"
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def service_fees_outstanding(
    request: HttpRequest, payment_state: Annotated[Literal["due", "collected"] | None, Query()] = None
) -> Any:
    """B1: finance's outstanding fees, oldest acceptance first: due, or collected on site and not yet confirmed."""
    return selectors.fees_outstanding(_actor(request), payment_state=payment_state or "")


# --- approvals, tasks, the dispatch board (S7–S10) -------------------------------------------


@router.post("/service-tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, url_name="service_task_done")
def service_task_done(request: HttpRequest, task_id: RecordId, payload: TaskDoneIn) -> Any:
    return services.service_task_done(actor=_actor(request), task_id=task_id, note=payload.note)


@router.get("/service-board", response={200: list[BoardRowOut], **ERRORS}, url_name="service_board")
def service_board(request: HttpRequest) -> Any:
    """S7: requests waiting for an engineer (carried-over first), each with ranked engineers and its clocks.

    For dispatchers only: the suggestions show every engineer's open load.
    """
    actor = _actor(request)
    actor.require_perm("service.dispatch_servicerequest")
    rows = selectors.dispatch_board(actor)
    engineers = selectors.engineer_candidates()
    clocks = clocks_for_subjects("service.servicerequest", [row.pk for row in rows])
    return [
        {
            "request": row,
            "carried_over": row.carried_over_on is not None,
            "suggestions": [
                {
                    "username": s["user"].username,
                    "display_name": s["user"].display_name,
                    "service_point": s["user"].service_point.code if s["user"].service_point_id else None,
                    "open_jobs": s["open_jobs"],
                    "same_point": s["same_point"],
                    "score": s["score"],
                }
                for s in selectors.engineer_suggestions(row, engineers=engineers)
            ],
            "clocks": clocks.get(str(row.pk), []),
        }
        for row in rows
    ]
