"""Complaint follow-up API (K8, K12–K15): tasks, the supplier, corrective actions, the monthly review.

Mounted on the complaints router (complaints.api). No `from __future__ import annotations`: Ninja
reads the parameter annotations at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import actor_for
from aftersales.complaints import selectors, services
from aftersales.complaints.followup_schemas import (
    CapaDoneIn,
    CapaOut,
    CapaPlanIn,
    CapaVerifyIn,
    ReviewApproveIn,
    ReviewOut,
    ReviewSubmitIn,
    SupplierIn,
    SupplierOut,
    TaskDoneIn,
    TaskOut,
)
from aftersales.core.access import Actor
from aftersales.service.schemas import MAX_ID

router = Router(tags=["complaints"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
Number = Annotated[str, Path(min_length=1, max_length=20)]
Period = Annotated[str, Path(pattern=r"^\d{4}-\d{2}$")]
C = "/complaints/{number}"
R = "/responsibility-reviews/{period}"
MAX_TASKS = 200


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth


# --- K13, K14, K15 tasks --------------------------------------------------------------------------


@router.get("/complaint-tasks", response={200: list[TaskOut], **ERRORS}, url_name="complaint_task_list")
def task_list(
    request: HttpRequest,
    mine: Annotated[bool, Query()] = False,
    open: Annotated[bool, Query()] = True,  # noqa: A002 — the query parameter's name
) -> Any:
    """Follow-up tasks, earliest due first (at most 200); `mine`: the caller's; `open`: not done."""
    return list(selectors.task_list(_actor(request), mine=mine, open_only=open)[:MAX_TASKS])


@router.post("/complaint-tasks/{task_id}/done", response={200: TaskOut, **ERRORS}, url_name="complaint_task_done")
def task_done(request: HttpRequest, task_id: RecordId, payload: TaskDoneIn) -> Any:
    return services.task_done(actor=_actor(request), task_id=task_id, **payload.model_dump())


# --- K12 supplier ----------------------------------------------------------------------------------


@router.post(f"{C}/supplier", response={200: SupplierOut, **ERRORS}, url_name="complaint_supplier")
def complaint_supplier(request: HttpRequest, number: Number, payload: SupplierIn) -> Any:
    data = payload.model_dump()
    data["expected_version"] = data.pop("version")
    return services.complaint_supplier_set(actor=_actor(request), number=number, **data)


# --- K14 corrective actions ------------------------------------------------------------------------


@router.get(f"{C}/capa", response={200: list[CapaOut], **ERRORS}, url_name="complaint_capa_list")
def capa_list(request: HttpRequest, number: Number) -> Any:
    return selectors.capas_for(selectors.access_complaint(_actor(request), number))


@router.post(f"{C}/capa", response={201: CapaOut, **ERRORS}, url_name="complaint_capa_plan")
def capa_plan(request: HttpRequest, number: Number, payload: CapaPlanIn) -> Any:
    return Status(201, services.capa_plan(actor=_actor(request), number=number, **payload.model_dump()))


@router.post(f"{C}/capa/{{capa_id}}/done", response={200: CapaOut, **ERRORS}, url_name="complaint_capa_done")
def capa_done(request: HttpRequest, number: Number, capa_id: RecordId, payload: CapaDoneIn) -> Any:
    return services.capa_done(actor=_actor(request), number=number, capa_id=capa_id, **payload.model_dump())


@router.post(f"{C}/capa/{{capa_id}}/verify", response={200: CapaOut, **ERRORS}, url_name="complaint_capa_verify")
def capa_verify(request: HttpRequest, number: Number, capa_id: RecordId, payload: CapaVerifyIn) -> Any:
    return services.capa_verify(actor=_actor(request), number=number, capa_id=capa_id, **payload.model_dump())


# --- K8 monthly responsibility review --------------------------------------------------------------


@router.get(R, response={200: ReviewOut, **ERRORS}, url_name="responsibility_review_detail")
def review_detail(request: HttpRequest, period: Period) -> Any:
    return selectors.access_review(_actor(request), period)


@router.post(f"{R}/prepare", response={200: ReviewOut, **ERRORS}, url_name="responsibility_review_prepare")
def review_prepare(request: HttpRequest, period: Period) -> Any:
    return services.review_prepare(actor=_actor(request), period=period)


@router.post(f"{R}/submit", response={200: ReviewOut, **ERRORS}, url_name="responsibility_review_submit")
def review_submit(request: HttpRequest, period: Period, payload: ReviewSubmitIn) -> Any:
    return services.review_submit(actor=_actor(request), period=period, **payload.model_dump())


@router.post(f"{R}/approve", response={200: ReviewOut, **ERRORS}, url_name="responsibility_review_approve")
def review_approve(request: HttpRequest, period: Period, payload: ReviewApproveIn) -> Any:
    return services.review_approve(actor=_actor(request), period=period, **payload.model_dump())
