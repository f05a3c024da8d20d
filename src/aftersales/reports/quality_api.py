"""Q3 early-warning API (`GET /api/v1/early-warnings?state=`, names fixed by issue 16) and the
close / link endpoints. No `from __future__ import annotations`: Ninja reads the annotations."""

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Path, Query, Router

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.reports import warnings
from aftersales.reports.quality_models import EarlyWarning
from aftersales.reports.quality_schemas import (
    EarlyWarningOut,
    WarningCapaDoneIn,
    WarningCapaIn,
    WarningCapaVerifyIn,
    WarningCloseIn,
)
from aftersales.service.schemas import MAX_ID

router = Router(tags=["reports"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
WarningId = Annotated[int, Path(ge=1, le=MAX_ID)]
LIST_LIMIT = 500


def _detail(actor: Any, warning_id: int) -> EarlyWarning:
    warning = warnings.warning_get(actor, warning_id)
    warning.case_numbers = list(warnings.warning_cases(warning).values_list("number", flat=True))  # type: ignore[attr-defined]  # read by the output schema
    return warning


@router.get("/early-warnings", response={200: list[EarlyWarningOut], **ERRORS}, url_name="early_warning_list")
def early_warning_list(
    request: HttpRequest,
    state: Annotated[Literal["open", "closed"] | None, Query()] = None,
    window: Annotated[Literal["month", "quarter", "year"] | None, Query()] = None,
) -> Any:
    """Q3: early warnings of recurring problems, newest period first (at most 500)."""
    return list(warnings.warning_list(api_actor(request), state=state or "", window=window or "")[:LIST_LIMIT])


@router.get("/early-warnings/{warning_id}", response={200: EarlyWarningOut, **ERRORS}, url_name="early_warning_detail")
def early_warning_detail(request: HttpRequest, warning_id: WarningId) -> Any:
    """Q3: one warning with the numbers of its cases."""
    return _detail(api_actor(request), warning_id)


@router.post(
    "/early-warnings/{warning_id}/close", response={200: EarlyWarningOut, **ERRORS}, url_name="early_warning_close"
)
def early_warning_close(request: HttpRequest, warning_id: WarningId, payload: WarningCloseIn) -> Any:
    """Q3: close a warning with a reason (quality)."""
    actor = api_actor(request)
    warnings.warning_close(actor=actor, warning_id=warning_id, reason=payload.reason, version=payload.version)
    return _detail(actor, warning_id)


@router.post(
    "/early-warnings/{warning_id}/capa", response={200: EarlyWarningOut, **ERRORS}, url_name="early_warning_capa"
)
def early_warning_capa(request: HttpRequest, warning_id: WarningId, payload: WarningCapaIn) -> Any:
    """Q3 + K14: close a warning with a corrective action, an existing one or one planned here."""
    actor = api_actor(request)
    warnings.warning_link_capa(
        actor=actor,
        warning_id=warning_id,
        capa_id=payload.capa,
        measures=payload.measures,
        owner=payload.owner,
        due_date=payload.due_date,
        version=payload.version,
    )
    return _detail(actor, warning_id)


@router.post(
    "/early-warnings/{warning_id}/capa/done",
    response={200: EarlyWarningOut, **ERRORS},
    url_name="early_warning_capa_done",
)
def early_warning_capa_done(request: HttpRequest, warning_id: WarningId, payload: WarningCapaDoneIn) -> Any:
    """K14: the linked corrective action's measures are carried out (its owner); quality is asked to verify."""
    actor = api_actor(request)
    warnings.warning_capa_done(actor=actor, warning_id=warning_id, note=payload.note)
    return _detail(actor, warning_id)


@router.post(
    "/early-warnings/{warning_id}/capa/verify",
    response={200: EarlyWarningOut, **ERRORS},
    url_name="early_warning_capa_verify",
)
def early_warning_capa_verify(request: HttpRequest, warning_id: WarningId, payload: WarningCapaVerifyIn) -> Any:
    """K14: quality verifies the linked action: effective, or not (with the reason: planned again)."""
    actor = api_actor(request)
    warnings.warning_capa_verify(actor=actor, warning_id=warning_id, effective=payload.effective, note=payload.note)
    return _detail(actor, warning_id)
