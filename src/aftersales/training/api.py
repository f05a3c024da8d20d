"""Training API (T2): customer trainings (plans and records), whether a customer attended one in a
period (survey item 6), staff assessments and their certificates.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.training import selectors, services
from aftersales.training.schemas import (
    AssessmentIn,
    AssessmentOut,
    AttendedOut,
    CertificateOut,
    TrainingCancelIn,
    TrainingIn,
    TrainingOut,
    TrainingRecordIn,
)
from aftersales.training.selectors import MAX_ID

router = Router(tags=["training"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
LIMIT = 500
_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/training/customer-trainings", response={200: list[TrainingOut], **ERRORS}, url_name="training_list")
def training_list(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100)] = "",
    state: Annotated[str, Query(max_length=12)] = "",
    customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    date_from: Annotated[dt.date | None, Query()] = None,
    date_to: Annotated[dt.date | None, Query()] = None,
) -> Any:
    """T2: customer trainings, newest planned day first (at most 500)."""
    qs = selectors.training_list(
        _actor(request), q=q, state=state, customer_id=customer, date_from=date_from, date_to=date_to
    )
    return list(qs[:LIMIT])


@router.post("/training/customer-trainings", response={201: TrainingOut, **ERRORS}, url_name="training_create")
def training_create(request: HttpRequest, payload: TrainingIn) -> Status[Any]:
    data = payload.model_dump()
    found = services.training_plan(actor=_actor(request), product_id=data.pop("product"), **data)
    return Status(201, found)


@router.get("/training/attended", response={200: AttendedOut, **ERRORS}, url_name="training_attended")
def training_attended(
    request: HttpRequest,
    customer: Annotated[int, Query(ge=1, le=MAX_ID)],
    date_from: Annotated[dt.date, Query()],
    date_to: Annotated[dt.date, Query()],
) -> Any:
    """T2 → V4 item 6: did the customer attend a customer training held in the period?"""
    _actor(request).require_perm(selectors.VIEW_TRAINING)
    attended = selectors.customer_attended_training(customer, date_from=date_from, date_to=date_to)
    return {"customer": customer, "date_from": date_from, "date_to": date_to, "attended": attended}


@router.get(
    "/training/customer-trainings/{training_id}", response={200: TrainingOut, **ERRORS}, url_name="training_detail"
)
def training_detail(request: HttpRequest, training_id: Id) -> Any:
    return selectors.access_training(_actor(request), training_id)


@router.post(
    "/training/customer-trainings/{training_id}/record",
    response={200: TrainingOut, **ERRORS},
    url_name="training_record",
)
def training_record(request: HttpRequest, training_id: Id, payload: TrainingRecordIn) -> Any:
    """T2: the training was held on a day; who attended (replaces the invited list when given); feedback."""
    return services.training_record(actor=_actor(request), training_id=training_id, **payload.model_dump())


@router.post(
    "/training/customer-trainings/{training_id}/cancel",
    response={200: TrainingOut, **ERRORS},
    url_name="training_cancel",
)
def training_cancel(request: HttpRequest, training_id: Id, payload: TrainingCancelIn) -> Any:
    return services.training_cancel(actor=_actor(request), training_id=training_id, **payload.model_dump())


@router.get("/training/assessments", response={200: list[AssessmentOut], **ERRORS}, url_name="assessment_list")
def assessment_list(request: HttpRequest, product_line: Annotated[str, Query(max_length=64)] = "") -> Any:
    """T2: staff assessments (trainers and managers: all; other staff their own), newest first."""
    qs = selectors.assessment_list(_actor(request), product_line=product_line).select_related("certificate")
    return list(qs[:LIMIT])


@router.post("/training/assessments", response={201: AssessmentOut, **ERRORS}, url_name="assessment_create")
def assessment_create(request: HttpRequest, payload: AssessmentIn) -> Status[Any]:
    """T2: theory, practice and simulated-customer scores; a pass issues a certificate for the product line."""
    data = payload.model_dump()
    return Status(201, services.assessment_record(actor=_actor(request), user_id=data.pop("user"), **data))


@router.get("/training/certificates", response={200: list[CertificateOut], **ERRORS}, url_name="certificate_list")
def certificate_list(
    request: HttpRequest,
    product_line: Annotated[str, Query(max_length=64)] = "",
    expiring_by: Annotated[dt.date | None, Query()] = None,
) -> Any:
    """T2: certificates, soonest expiry first (trainers and managers: all; other staff their own)."""
    qs = selectors.certificate_list(_actor(request), product_line=product_line, expiring_by=expiring_by)
    return list(qs[:LIMIT])
