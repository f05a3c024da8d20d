"""Callback API (V2): the queue's list and the outcome of a call.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Query, Router

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.callbacks import selectors, services
from aftersales.callbacks.schemas import CallbackOut, OutcomeIn
from aftersales.callbacks.selectors import MAX_ID

router = Router(tags=["callbacks"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
CallbackId = Annotated[int, Path(ge=1, le=MAX_ID)]
LIMIT = 500


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/callbacks", response={200: list[CallbackOut], **ERRORS}, url_name="callback_list")
def callback_list(
    request: HttpRequest,
    kind: Annotated[str, Query(max_length=24)] = "",
    state: Annotated[str, Query(max_length=16)] = "",
    due_before: Annotated[dt.datetime | None, Query()] = None,
) -> Any:
    """V2: callbacks ordered by due (at most 500), filtered by kind, state and due before a time."""
    qs = selectors.callback_list(_actor(request), kind=kind, state=state, due_before=due_before)
    return list(qs.select_related("opened_request", "opened_complaint")[:LIMIT])


@router.get("/callbacks/{callback_id}", response={200: CallbackOut, **ERRORS}, url_name="callback_detail")
def callback_detail(request: HttpRequest, callback_id: CallbackId) -> Any:
    return selectors.access_callback(_actor(request), callback_id)


@router.post("/callbacks/{callback_id}/outcome", response={200: CallbackOut, **ERRORS}, url_name="callback_outcome")
def callback_outcome(request: HttpRequest, callback_id: CallbackId, payload: OutcomeIn) -> Any:
    """V2: reached / no answer / wrong number / refused, satisfaction, remarks; `opens` a request or complaint."""
    return services.callback_outcome(
        actor=_actor(request),
        callback_id=callback_id,
        result=payload.result,
        satisfaction=payload.satisfaction or "",
        note=payload.note,
        opens=payload.opens or "",
        talk_seconds=payload.talk_seconds,
        version=payload.version,
    )
