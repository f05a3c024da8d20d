"""Consultation register API (C8): enquiries, their stages and follow-ups, the conversion per
period, and the administrator's extra fields.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.consultations import selectors, services
from aftersales.consultations.schemas import (
    ConsultationDetailOut,
    ConsultationIn,
    ConsultationOut,
    ConversionOut,
    FieldIn,
    FieldOut,
    FieldUpdateIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpOutcomeIn,
    StageIn,
)
from aftersales.consultations.selectors import MAX_ID

router = Router(tags=["consultations"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
LIMIT = 500
_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/consultations", response={200: list[ConsultationOut], **ERRORS}, url_name="consultation_list")
def consultation_list(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100)] = "",
    channel: Annotated[str, Query(max_length=8)] = "",
    stage: Annotated[str, Query(max_length=12)] = "",
    product: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    date_from: Annotated[dt.date | None, Query()] = None,
    date_to: Annotated[dt.date | None, Query()] = None,
) -> Any:
    """C8: enquiries newest first (at most 500), filtered like the register's page."""
    qs = selectors.consultation_list(
        _actor(request),
        q=q,
        channel=channel,
        stage=stage,
        product_id=product,
        date_from=date_from,
        date_to=date_to,
    )
    return list(qs[:LIMIT])


@router.post("/consultations", response={201: ConsultationOut, **ERRORS}, url_name="consultation_create")
def consultation_create(request: HttpRequest, payload: ConsultationIn) -> Status[Any]:
    data = payload.model_dump()
    found = services.consultation_register(
        actor=_actor(request), customer_id=data.pop("customer"), product_id=data.pop("product"), **data
    )
    return Status(201, found)


@router.get(
    "/consultations/conversion", response={200: list[ConversionOut], **ERRORS}, url_name="consultation_conversion"
)
def consultation_conversion(
    request: HttpRequest,
    by: Literal["month", "quarter"] = "month",
    date_from: Annotated[dt.date | None, Query()] = None,
    date_to: Annotated[dt.date | None, Query()] = None,
) -> Any:
    """C8: per month or quarter, enquiries received, how many visited and purchased, and the rates (0–1)."""
    return selectors.consultation_conversion(_actor(request), by=by, date_from=date_from, date_to=date_to)


@router.get("/consultations/fields", response={200: list[FieldOut], **ERRORS}, url_name="consultation_field_list")
def field_list(request: HttpRequest) -> Any:
    """C8: the extra fields of the register (the active ones; the administrator sees all)."""
    actor = _actor(request)
    if actor.has_perm("consultations.view_consultationfield"):
        return list(selectors.field_list(active_only=False))
    actor.require_perm(selectors.VIEW)
    return list(selectors.field_list())


@router.post("/consultations/fields", response={201: FieldOut, **ERRORS}, url_name="consultation_field_create")
def field_create(request: HttpRequest, payload: FieldIn) -> Status[Any]:
    return Status(201, services.field_create(actor=_actor(request), **payload.model_dump()))


@router.patch(
    "/consultations/fields/{field_id}", response={200: FieldOut, **ERRORS}, url_name="consultation_field_update"
)
def field_update(request: HttpRequest, field_id: Id, payload: FieldUpdateIn) -> Any:
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None or k == "version"}
    version = data.pop("version", None)
    return services.field_update(actor=_actor(request), field_id=field_id, data=data, expected_version=version)


@router.post(
    "/consultations/follow-ups/{followup_id}/outcome",
    response={200: FollowUpOut, **ERRORS},
    url_name="consultation_followup_outcome",
)
def followup_outcome(request: HttpRequest, followup_id: Id, payload: FollowUpOutcomeIn) -> Any:
    return services.followup_record(actor=_actor(request), followup_id=followup_id, **payload.model_dump())


@router.get(
    "/consultations/{consultation_id}", response={200: ConsultationDetailOut, **ERRORS}, url_name="consultation_detail"
)
def consultation_detail(request: HttpRequest, consultation_id: Id) -> Any:
    return selectors.access_consultation(_actor(request), consultation_id)


@router.post(
    "/consultations/{consultation_id}/stage", response={200: ConsultationOut, **ERRORS}, url_name="consultation_stage"
)
def consultation_stage(request: HttpRequest, consultation_id: Id, payload: StageIn) -> Any:
    """C8: visited, purchased (on a day, default today), dropped, or back to an enquiry."""
    return services.consultation_stage(actor=_actor(request), consultation_id=consultation_id, **payload.model_dump())


@router.post(
    "/consultations/{consultation_id}/follow-ups",
    response={201: FollowUpOut, **ERRORS},
    url_name="consultation_followup_create",
)
def followup_create(request: HttpRequest, consultation_id: Id, payload: FollowUpIn) -> Status[Any]:
    data = payload.model_dump()
    found = services.followup_plan(
        actor=_actor(request), consultation_id=consultation_id, assignee_id=data.pop("assignee"), **data
    )
    return Status(201, found)
