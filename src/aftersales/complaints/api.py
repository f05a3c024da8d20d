"""Complaints API: the register and one endpoint per move (K1–K11); approvals are /approvals (approvals app).

Each endpoint parses its input, calls one selector or service, and renders. Staff get the whole
complaint (ComplaintOut); a portal user gets ComplaintPublicOut (the public state and the reply),
in the list too, and may neither set nor filter by what only staff judge (K6, K11). No
`from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

from collections.abc import Iterable
from typing import Annotated, Any

from django.db.models import BooleanField, Value
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.complaints import selectors, services
from aftersales.complaints.followup_api import router as followup_router
from aftersales.complaints.models import Complaint
from aftersales.complaints.schemas import (
    ComplaintCloseIn,
    ComplaintCreateIn,
    ComplaintDecideIn,
    ComplaintEscalateIn,
    ComplaintImplementIn,
    ComplaintListRowOut,
    ComplaintNoteIn,
    ComplaintOut,
    ComplaintPublicOut,
    ComplaintReassignIn,
    ComplaintRejectIn,
    ComplaintReplyIn,
    ComplaintStateCode,
)
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.service.schemas import MAX_ID

router = Router(tags=["complaints"])
router.add_router("", followup_router)  # K8, K12–K15 follow-up
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[str, Path(min_length=1, max_length=20)]
COMPLAINT = {200: ComplaintOut | ComplaintPublicOut, **ERRORS}
C = "/complaints/{number}"
PAGE_SIZE = 50
# K6: staff judge whether a complaint is major, K2: staff make the callbacks; a portal user may not send these.
STAFF_ONLY_FIELDS = ("loss_amount", "media_exposure", "industry_inspection", "callback")


class Pagination(PageNumberPagination):
    """Page-number pagination, 50 a page, with bounded numbers (as the other lists)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


def _render(actor: Actor, complaint: Complaint, status: int = 200) -> JsonResponse:
    """K11: the portal's body (ComplaintPublicOut) leaves the internal form out.

    Rendered here, as the declared union cannot tell the two apart: a staff body also fits the
    portal's schema, and Ninja would validate the rendered body through the resolvers once more.
    """
    schema = ComplaintPublicOut if actor.has_role("customer") else ComplaintOut
    body = schema.from_orm(complaint).model_dump(mode="json", by_alias=True)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _refuse_on_portal(actor: Actor, names: Iterable[str]) -> None:
    """K6, K11: a portal user sent a field or filter that only staff use → 422, nothing done."""
    names = list(names)
    if names and actor.has_role("customer"):
        message = _("Not available on the customer portal.")
        raise ValidationFailed(message, fields=dict.fromkeys(names, message))


def _version(payload: Any) -> dict[str, Any]:
    data = payload.model_dump()
    data["expected_version"] = data.pop("version")
    return data


@router.get(
    "/complaints", response={200: list[ComplaintListRowOut], **ERRORS}, url_name="complaint_list", by_alias=True
)
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def complaint_list(
    request: HttpRequest,
    state: Annotated[ComplaintStateCode | None, Query()] = None,
    major: Annotated[bool | None, Query()] = None,
) -> Any:
    """Complaints in the caller's scope, newest first; a portal user's rows are the public body."""
    actor = _actor(request)
    _refuse_on_portal(actor, [name for name, value in (("state", state), ("major", major)) if value is not None])
    rows = selectors.complaint_list(actor, state=state or "", major=major)
    if actor.has_role("customer"):  # K11: ComplaintListRowOut picks ComplaintPublicOut by this mark
        rows = rows.select_related("service_request", "parent").annotate(
            public_view=Value(True, output_field=BooleanField())
        )
    return rows


@router.post(
    "/complaints",
    response={201: ComplaintOut | ComplaintPublicOut, **ERRORS},
    url_name="complaint_create",
    by_alias=True,
)
def complaint_create(request: HttpRequest, payload: ComplaintCreateIn) -> Any:
    actor = _actor(request)
    _refuse_on_portal(actor, [name for name in STAFF_ONLY_FIELDS if name in payload.model_fields_set])
    data = payload.model_dump()
    created = services.complaint_register(actor=actor, customer_id=data.pop("customer"), **data)
    return _render(actor, created, 201)


@router.get(C, response=COMPLAINT, url_name="complaint_detail", by_alias=True)
def complaint_detail(request: HttpRequest, number: Number) -> Any:
    actor = _actor(request)
    return _render(actor, selectors.access_complaint(actor, number))


@router.post(f"{C}/report", response=COMPLAINT, url_name="complaint_report", by_alias=True)
def complaint_report(request: HttpRequest, number: Number, payload: ComplaintNoteIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_report(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/contact", response=COMPLAINT, url_name="complaint_contact", by_alias=True)
def complaint_contact(request: HttpRequest, number: Number, payload: ComplaintNoteIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_contact(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/decide", response=COMPLAINT, url_name="complaint_decide", by_alias=True)
def complaint_decide(request: HttpRequest, number: Number, payload: ComplaintDecideIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_decide(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/escalate", response=COMPLAINT, url_name="complaint_escalate", by_alias=True)
def complaint_escalate(request: HttpRequest, number: Number, payload: ComplaintEscalateIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_escalate(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/approve", response=COMPLAINT, url_name="complaint_approve", by_alias=True)
def complaint_approve(request: HttpRequest, number: Number, payload: ComplaintDecideIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_approve(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/reply", response=COMPLAINT, url_name="complaint_reply", by_alias=True)
def complaint_reply(request: HttpRequest, number: Number, payload: ComplaintReplyIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_reply(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/implement", response=COMPLAINT, url_name="complaint_implement", by_alias=True)
def complaint_implement(request: HttpRequest, number: Number, payload: ComplaintImplementIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_implement(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/close", response=COMPLAINT, url_name="complaint_close", by_alias=True)
def complaint_close(request: HttpRequest, number: Number, payload: ComplaintCloseIn) -> Any:
    actor = _actor(request)
    return _render(actor, services.complaint_close(actor=actor, number=number, **_version(payload)))


@router.post(f"{C}/reassign", response=COMPLAINT, url_name="complaint_reassign", by_alias=True)
def complaint_reassign(request: HttpRequest, number: Number, payload: ComplaintReassignIn) -> Any:
    """K2: give the complaint to another handler (`owner`: their username); they are notified."""
    actor = _actor(request)
    return _render(actor, services.complaint_reassign(actor=actor, number=number, **_version(payload)))


@router.post(
    f"{C}/reject-conclusion",
    response={201: ComplaintOut | ComplaintPublicOut, **ERRORS},
    url_name="complaint_reject_conclusion",
    by_alias=True,
)
def complaint_reject_conclusion(request: HttpRequest, number: Number, payload: ComplaintRejectIn) -> Any:
    """K10: answers with the new complaint, linked to the original by `parent`."""
    actor = _actor(request)
    follower = services.complaint_reject_conclusion(actor=actor, number=number, **_version(payload))
    return _render(actor, follower, 201)
