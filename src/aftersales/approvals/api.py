"""Approvals API: one list, one read and one decision for every kind of approval.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import Field

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.approvals import selectors, services
from aftersales.approvals.schemas import (
    MAX_ID,
    ApprovalDecideIn,
    ApprovalKindCode,
    ApprovalMineCode,
    ApprovalOut,
    ApprovalStateCode,
)

router = Router(tags=["approvals"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
PAGE_SIZE = 50


class Pagination(PageNumberPagination):
    """Page-number pagination, 50 a page, with bounded numbers (as the other lists)."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=PAGE_SIZE)


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/approvals", response={200: list[ApprovalOut], **ERRORS}, url_name="approval_list")
@paginate(Pagination, page_size=PAGE_SIZE, max_page_size=PAGE_SIZE)
def approval_list(
    request: HttpRequest,
    kind: Annotated[ApprovalKindCode | None, Query()] = None,
    state: Annotated[ApprovalStateCode | None, Query()] = None,
    mine: Annotated[ApprovalMineCode | None, Query()] = None,
) -> Any:
    """The approvals the caller may read: their own requests, those they decide, all for auditors;
    `mine=waiting`: the pending ones waiting for the caller's decision."""
    return selectors.approval_list(_actor(request), kind=kind or "", state=state or "", mine=mine or "")


@router.get("/approvals/{approval_id}", response={200: ApprovalOut, **ERRORS}, url_name="approval_get")
def approval_get(request: HttpRequest, approval_id: RecordId) -> Any:
    return selectors.access_approval(_actor(request), approval_id)


@router.post("/approvals/{approval_id}/decide", response={200: ApprovalOut, **ERRORS}, url_name="approval_decide")
def approval_decide(request: HttpRequest, approval_id: RecordId, payload: ApprovalDecideIn) -> Any:
    return services.approval_decide(
        actor=_actor(request),
        approval_id=approval_id,
        approve=payload.decision == "approve",
        note=payload.reason,
    )
