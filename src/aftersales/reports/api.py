"""Statistics and KPI API (Q1, Q4). No `from __future__ import annotations`: Ninja reads the
parameter annotations at import."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.reports import selectors
from aftersales.reports.schemas import KpiOut, StatisticsOut

router = Router(tags=["reports"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
StatisticsBy = Literal["product", "symptom", "part", "service_point", "engineer", "channel"]
KpiBy = Literal["service_point", "region_tier", "engineer", "product"]


_actor = api_actor  # the one helper (accounts.selectors)


@router.get("/statistics/service-requests", response={200: StatisticsOut, **ERRORS}, url_name="statistics_requests")
def statistics_requests(
    request: HttpRequest,
    date_from: Annotated[dt.date, Query(alias="from")],
    date_to: Annotated[dt.date, Query(alias="to")],
    by: StatisticsBy = "product",
) -> Any:
    """Q1: service requests received from `from` to `to` (local days, both included) by `by`."""
    return selectors.request_statistics(_actor(request), date_from=date_from, date_to=date_to, by=by)


@router.get("/kpis", response={200: list[KpiOut], **ERRORS}, url_name="kpis")
def kpis(
    request: HttpRequest,
    date_from: Annotated[dt.date, Query(alias="from")],
    date_to: Annotated[dt.date, Query(alias="to")],
    by: KpiBy = "service_point",
) -> Any:
    """Q4: the KPIs of the period per group of `by`; rates are fractions 0–1, times in business minutes."""
    return selectors.kpis(_actor(request), date_from=date_from, date_to=date_to, by=by)


# Q3 early warnings (docs/decisions/0038).
from aftersales.reports.quality_api import router as quality_router  # noqa: E402

router.add_router("", quality_router)
