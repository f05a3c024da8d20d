"""API list pages whose count does not grow with the history (issue 13, docs/decisions/0027).

django-ninja's PageNumberPagination counts every matching row on every page: at 1M service requests
that COUNT(*) alone is most of a page's time. `BoundedPagination` counts at most COUNT_CAP + 1 rows
(`SELECT COUNT(*) FROM (… LIMIT 10001)`, one index range): below the cap the count is exact, above
it the answer says `count: 10000, count_exact: false` ("10,000 or more"). Pages are still numbered
and any page number may be asked for; the page itself is the same OFFSET/LIMIT slice as before.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination
from ninja.responses import NinjaJSONEncoder

COUNT_CAP = 10_000
MAX_PAGE = 1_000_000


def bounded_count(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """(count, exact): the number of rows when at most `cap` (COUNT_CAP), else (cap, False). Ordering dropped."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return (found, True) if found <= cap else (cap, False)


def bounded_pagination(size: int, rows: Callable[[QuerySet[Any]], Any] | None = None) -> type[PageNumberPagination]:
    """A PageNumberPagination of `size` rows a page (at most) whose count stops at COUNT_CAP.

    `rows`, when given, turns the page's slice into the items the response schema reads (e.g. a
    `values_list` of the columns it shows rather than model instances); else the slice is the items.
    """

    class BoundedPagination(PageNumberPagination):
        class Input(Schema):
            page: int = Field(1, ge=1, le=MAX_PAGE)
            page_size: int | None = Field(None, ge=1, le=size)

        class Output(Schema):
            items: list[Any]
            count: int = Field(description=f"matching rows, exact up to {COUNT_CAP:,}")
            count_exact: bool = Field(description=f"false: {COUNT_CAP:,} or more rows match")

        def paginate_queryset(
            self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
        ) -> Any:
            page_size = self._get_page_size(pagination.page_size)
            offset = (pagination.page - 1) * page_size
            count, exact = bounded_count(queryset)
            page = queryset[offset : offset + page_size]
            items = rows(page) if rows is not None else page
            return {self.items_attribute: items, "count": count, "count_exact": exact}

    return BoundedPagination


def json_page(
    queryset: QuerySet[Any], *, page: int, page_size: int, rows: Callable[[list[Any]], list[dict[str, Any]]]
) -> HttpResponse:
    """A page of `queryset` as a bounded pagination answers it ({items, count, count_exact}), written as
    JSON directly — for the busiest lists (GET /service-requests), where validating every row through
    the response schema was half of the page's time (issue 13).

    The page is read in two steps: the keys of its rows (the ordered, filtered query on its own table
    and indexes, OFFSET included), then `rows(keys)`: the items, as the response schema would dump them
    (plain values, times in UTC), in the keys' order. Joins are made for the page's rows only, not for
    the OFFSET rows before them. The endpoint keeps declaring its schema (OpenAPI, schemathesis), and
    each such `rows` has a test comparing it with the schema's output for the same rows. Written by
    ninja's encoder with the API's renderer settings (UTF-8, not ASCII-escaped): the same bytes."""
    offset = (page - 1) * page_size
    count, exact = bounded_count(queryset)
    keys = list(queryset.values_list("pk", flat=True)[offset : offset + page_size])
    body = {"items": rows(keys) if keys else [], "count": count, "count_exact": exact}
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
