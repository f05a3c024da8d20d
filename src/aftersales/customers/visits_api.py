"""Visits (C7) and new-customer vetting (C5) API: /visit-plans, /visits, /vettings.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
Each endpoint parses its input, calls one selector or service, and renders the result.
"""

from typing import Annotated, Any

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest
from ninja import File, Path, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.core.errors import NotFound
from aftersales.core.pagination import bounded_pagination
from aftersales.customers.selectors import vetting as vetting_selectors
from aftersales.customers.selectors import visits as visit_selectors
from aftersales.customers.services import vetting as vetting_services
from aftersales.customers.services import visits as visit_services
from aftersales.customers.visits_schemas import (
    MAX_ID,
    GiftCreateIn,
    GiftOut,
    GiftStateCode,
    PurposeCode,
    VersionIn,
    VettingCreateIn,
    VettingDecideIn,
    VettingOut,
    VettingStateCode,
    VettingSummaryOut,
    VettingUpdateIn,
    VisitPlanCreateIn,
    VisitPlanDetailOut,
    VisitPlanItemIn,
    VisitPlanItemOut,
    VisitPlanOut,
    VisitReportIn,
    VisitReportOut,
    plan_out,
    vetting_out,
)
from aftersales.installed_base.schemas import query_date

router = Router(tags=["visits"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
PAGE_SIZE = 50
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Pagination: type[PageNumberPagination] = bounded_pagination(PAGE_SIZE)
_actor = api_actor


# --- visit plans -----------------------------------------------------------------------------


@router.get("/visit-plans", response={200: list[VisitPlanOut], **ERRORS}, url_name="visit_plan_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def visit_plan_list(
    request: HttpRequest, owner: FilterId = None, year: Annotated[int | None, Query(ge=2000, le=2100)] = None
) -> Any:
    """Yearly and monthly visit plans: the caller's own, everyone's for managers."""
    return visit_selectors.visit_plan_list(_actor(request), owner_id=owner, year=year)


@router.post("/visit-plans", response={201: VisitPlanDetailOut, **ERRORS}, url_name="visit_plan_create")
def visit_plan_create(request: HttpRequest, payload: VisitPlanCreateIn) -> Status[Any]:
    """A yearly plan (no `month`) or a monthly plan; `owner` only for managers planning for someone else."""
    plan = visit_services.visit_plan_create(
        actor=_actor(request), year=payload.year, month=payload.month, owner_id=payload.owner, note=payload.note
    )
    return Status(201, plan_out(plan, detail=True))


@router.get("/visit-plans/{plan_id}", response={200: VisitPlanDetailOut, **ERRORS}, url_name="visit_plan_detail")
def visit_plan_detail(request: HttpRequest, plan_id: RecordId) -> Any:
    """The plan with its visits and plan against done (`progress`)."""
    return plan_out(visit_selectors.access_visit_plan(_actor(request), plan_id), detail=True)


@router.post("/visit-plans/{plan_id}/items", response={201: VisitPlanItemOut, **ERRORS}, url_name="visit_plan_item_add")
def visit_plan_item_add(request: HttpRequest, plan_id: RecordId, payload: VisitPlanItemIn) -> Status[Any]:
    item = visit_services.visit_plan_item_add(
        actor=_actor(request),
        plan_id=plan_id,
        customer_id=payload.customer,
        month=payload.month,
        planned_on=payload.planned_on,
        purpose=payload.purpose,
        note=payload.note,
    )
    return Status(201, VisitPlanItemOut.from_item(item))


@router.delete(
    "/visit-plans/{plan_id}/items/{item_id}", response={204: None, **ERRORS}, url_name="visit_plan_item_remove"
)
def visit_plan_item_remove(request: HttpRequest, plan_id: RecordId, item_id: RecordId) -> Status[None]:
    visit_services.visit_plan_item_remove(actor=_actor(request), plan_id=plan_id, item_id=item_id)
    return Status(204, None)


# --- gifts and visit reports -----------------------------------------------------------------


@router.get("/visits/gifts", response={200: list[GiftOut], **ERRORS}, url_name="gift_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def gift_list(request: HttpRequest, state: GiftStateCode | None = None) -> Any:
    return visit_selectors.gift_list(_actor(request), state=state or "")


@router.post("/visits/gifts", response={201: GiftOut, **ERRORS}, url_name="gift_create")
def gift_create(request: HttpRequest, payload: GiftCreateIn) -> Status[Any]:
    """Ask before the visit to give a gift; the approver follows from the value (C7.gift_limits)."""
    gift = visit_services.gift_request_create(
        actor=_actor(request),
        customer_id=payload.customer,
        description=payload.description,
        value=payload.value,
        reason=payload.reason,
        plan_item_id=payload.plan_item,
    )
    return Status(201, gift)


@router.get("/visits", response={200: list[VisitReportOut], **ERRORS}, url_name="visit_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def visit_list(
    request: HttpRequest,
    visitor: FilterId = None,
    customer: FilterId = None,
    purpose: PurposeCode | None = None,
    date_from: str = "",
    date_to: str = "",
) -> Any:
    """Visit reports: the caller's own, everyone's for managers; newest first."""
    return visit_selectors.visit_report_list(
        _actor(request),
        visitor_id=visitor,
        customer_id=customer,
        purpose=purpose or "",
        date_from=query_date(date_from, field="date_from"),
        date_to=query_date(date_to, field="date_to"),
    )


@router.post("/visits", response={201: VisitReportOut, **ERRORS}, url_name="visit_create")
def visit_create(request: HttpRequest, payload: VisitReportIn) -> Status[Any]:
    """File a visit report (走访用户汇报); a gift must have been approved before (409 gift_not_approved)."""
    report = visit_services.visit_report_file(
        actor=_actor(request),
        customer_id=payload.customer,
        visited_on=payload.visited_on,
        purpose=payload.purpose,
        findings=payload.findings,
        customer_opinion=payload.customer_opinion,
        suggestions=payload.suggestions,
        companions=payload.companions,
        people_met=payload.people_met,
        plan_item_id=payload.plan_item,
        gift_id=payload.gift,
    )
    return Status(201, report)


@router.get("/visits/{visit_id}", response={200: VisitReportOut, **ERRORS}, url_name="visit_detail")
def visit_detail(request: HttpRequest, visit_id: RecordId) -> Any:
    return visit_selectors.access_visit_report(_actor(request), visit_id)


# --- new-customer vetting (C5) ---------------------------------------------------------------


@router.get("/vettings", response={200: list[VettingSummaryOut], **ERRORS}, url_name="vetting_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def vetting_list(request: HttpRequest, state: VettingStateCode | None = None) -> Any:
    return vetting_selectors.vetting_list(_actor(request), state=state or "")


@router.post("/vettings", response={201: VettingOut, **ERRORS}, url_name="vetting_create")
def vetting_create(request: HttpRequest, payload: VettingCreateIn) -> Status[Any]:
    """Start a vetting; its checklist is the criteria in force (C5.criteria), each not yet known."""
    data = payload.model_dump()
    vetting = vetting_services.vetting_create(actor=_actor(request), customer_id=data.pop("customer"), **data)
    return Status(201, vetting_out(vetting))


@router.get("/vettings/{vetting_id}", response={200: VettingOut, **ERRORS}, url_name="vetting_detail")
def vetting_detail(request: HttpRequest, vetting_id: RecordId) -> Any:
    return vetting_out(vetting_selectors.access_vetting(_actor(request), vetting_id))


@router.patch("/vettings/{vetting_id}", response={200: VettingOut, **ERRORS}, url_name="vetting_update")
def vetting_update(request: HttpRequest, vetting_id: RecordId, payload: VettingUpdateIn) -> Any:
    """Change the investigation and answer criteria (`items`: number, result, note) while it is a draft."""
    values = payload.model_dump(exclude_unset=True, exclude={"items", "version"})
    items = [vetting_services.ItemAnswer(position=i.number, result=i.result, note=i.note) for i in payload.items]
    vetting = vetting_services.vetting_update(
        actor=_actor(request), vetting_id=vetting_id, expected_version=payload.version, items=items, **values
    )
    return vetting_out(vetting)


@router.post("/vettings/{vetting_id}/submit", response={200: VettingOut, **ERRORS}, url_name="vetting_submit")
def vetting_submit(request: HttpRequest, vetting_id: RecordId, payload: VersionIn) -> Any:
    vetting = vetting_services.vetting_submit(
        actor=_actor(request), vetting_id=vetting_id, expected_version=payload.version
    )
    return vetting_out(vetting)


@router.post("/vettings/{vetting_id}/decide", response={200: VettingOut, **ERRORS}, url_name="vetting_decide")
def vetting_decide(request: HttpRequest, vetting_id: RecordId, payload: VettingDecideIn) -> Any:
    """approve / reject / needs_more, by the role of C5.decider_role (a note is required unless approving)."""
    vetting = vetting_services.vetting_decide(
        actor=_actor(request),
        vetting_id=vetting_id,
        decision=payload.decision,
        note=payload.note,
        expected_version=payload.version,
    )
    return vetting_out(vetting)


@router.post("/vettings/{vetting_id}/files", response={201: VettingOut, **ERRORS}, url_name="vetting_file_add")
def vetting_file_add(request: HttpRequest, vetting_id: RecordId, file: File[UploadedFile]) -> Status[Any]:
    """Archive a PDF, JPEG or PNG with the vetting (multipart `file`)."""
    vetting_services.vetting_file_add(actor=_actor(request), vetting_id=vetting_id, upload=file)
    return Status(201, vetting_out(vetting_selectors.access_vetting(_actor(request), vetting_id)))


@router.get(
    "/vettings/{vetting_id}/files/{file_id}/content", response={200: None, **ERRORS}, url_name="vetting_file_content"
)
def vetting_file_content(request: HttpRequest, vetting_id: RecordId, file_id: RecordId) -> Any:
    found = vetting_selectors.access_vetting_file(_actor(request), vetting_id, file_id)
    if not default_storage.exists(found.file.name):
        raise NotFound()
    response = FileResponse(
        default_storage.open(found.file.name, "rb"), content_type=found.content_type, filename=found.original_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post("/vettings/{vetting_id}/customer", response={201: dict[str, int], **ERRORS}, url_name="vetting_customer")
def vetting_customer(request: HttpRequest, vetting_id: RecordId) -> Status[Any]:
    """Open the customer file from the approved vetting, prefilled; answers its id."""
    customer = vetting_services.vetting_customer_create(actor=_actor(request), vetting_id=vetting_id)
    return Status(201, {"customer": customer.pk})
