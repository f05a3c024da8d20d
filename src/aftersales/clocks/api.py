"""Clocks API: running clocks due before an instant (staff with clocks.view_all_clocks)."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import actor_for
from aftersales.clocks.schemas import ClockDueOut
from aftersales.clocks.selectors import clock_due_list
from aftersales.core.errors import ValidationFailed

router = Router(tags=["clocks"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 422}): ErrorOut}


@router.get("/clocks", response={200: list[ClockDueOut], **ERRORS}, url_name="clock_due_list")
@paginate(page_size=50)
def clock_list(request: HttpRequest, due_before: dt.datetime) -> Any:
    if due_before.tzinfo is None:
        raise ValidationFailed("due_before needs a UTC offset", fields={"due_before": ["ISO 8601 with offset"]})
    return clock_due_list(actor_for(request.auth), due_before=due_before)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
