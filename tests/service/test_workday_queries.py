"""Issue 13 bench goals, guarded by query counts (docs/decisions/0027): the dispatch board, each role's
home queues and GET /api/v1/service-requests make a fixed number of queries whatever the rows shown
(no N+1), the board shows every waiting request on numbered pages, and the list API's count is exact
below its cap and says so. Speed itself is measured by `python -m bench --only workday`, not here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aftersales.service import services
from aftersales.service.models import ServiceRequest

BOARD = reverse("service:board")
HOME = reverse("web:home")
API = "/api/v1/service-requests"
# The budgets: what one page costs today plus a little headroom; they must not grow with the rows.
BOARD_QUERIES = 30
HOME_QUERIES = 30
API_QUERIES = 8


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = fn()
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.fixture
def busy_day(staff: dict[str, Any], new_request: Any) -> Any:
    """make(n): n more requests of every kind a queue counts — waiting (one carried over), dispatched to
    the engineer, signed — and an approval waiting for the managers."""

    def make(n: int) -> None:
        for i in range(n):
            waiting = new_request(priority=("urgent", "serious", "general")[i % 3])
            if i == 0:
                ServiceRequest.objects.filter(pk=waiting.pk).update(carried_over_on=timezone.localdate())
            job = new_request()
            services.service_request_dispatch(actor=staff["team_lead"], number=job.number, engineer="eng1")
            services.approval_request(actor=staff["engineer"], number=job.number, kind="support", reason="需要配件支持")

    return make


@pytest.mark.django_db
def test_board_queries_do_not_grow_with_the_rows(staff, busy_day, django_assert_max_num_queries):
    client = _client(staff["team_lead"])
    busy_day(2)  # every queue's conditional counts run
    few = _queries(lambda: client.get(BOARD))
    busy_day(6)
    with django_assert_max_num_queries(BOARD_QUERIES):
        many = _queries(lambda: client.get(BOARD))
    assert many == few


@pytest.mark.django_db
def test_board_pages_every_waiting_request_in_board_order(staff, new_request, monkeypatch):
    """Numbered pages over all waiting requests (no cap at 200): carried over first, then urgent first."""
    from aftersales.service.views import requests as views

    monkeypatch.setattr(views, "BOARD_SIZE", 2)
    general = new_request(priority="general", received_at=timezone.now() - dt.timedelta(hours=3))
    urgent = new_request(priority="urgent", received_at=timezone.now() - dt.timedelta(hours=1))
    serious = new_request(priority="serious", received_at=timezone.now() - dt.timedelta(hours=2))
    carried = new_request(priority="general", received_at=timezone.now() - dt.timedelta(days=1))
    ServiceRequest.objects.filter(pk=carried.pk).update(carried_over_on=timezone.localdate())
    client = _client(staff["team_lead"])
    shown = []
    for page in (1, 2, 3):
        html = client.get(BOARD, {"page": page}).content.decode()
        shown.append(re.findall(r'<tr data-number="([^"]+)"', html))
    assert shown == [
        [carried.number, urgent.number],
        [serious.number, general.number],
        [serious.number, general.number],
    ]
    assert "page=2" in client.get(BOARD).content.decode()  # the numbered pages are linked


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["agent", "team_lead", "cs_manager", "engineer", "gm", "finance", "vp"])
def test_home_queue_queries_do_not_grow_with_the_rows(
    role, staff, make_user, actor_of, busy_day, django_assert_max_num_queries
):
    actor = staff.get(role) or actor_of(make_user(role))
    client = _client(actor)
    busy_day(2)  # every queue's conditional counts run
    few = _queries(lambda: client.get(HOME))
    busy_day(4)
    with django_assert_max_num_queries(HOME_QUERIES):
        many = _queries(lambda: client.get(HOME))
    assert many == few


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"state": "registered"},
        {"engineer": "eng1"},
        {"service_point": "SP-SH"},
        {"overdue": "true"},
        {"page": 2, "page_size": 2},
    ],
)
def test_list_api_queries_do_not_grow_with_the_rows(params, staff, busy_day, api_as, django_assert_max_num_queries):
    client = api_as(staff["team_lead"].user)
    client.get(API)  # the token's first use is recorded once
    busy_day(2)  # every queue's conditional counts run
    few = _queries(lambda: client.get(API, **params))
    busy_day(5)
    with django_assert_max_num_queries(API_QUERIES):
        many = _queries(lambda: client.get(API, **params))
    assert many == few


@pytest.mark.django_db
def test_list_api_count_is_exact_below_the_cap_and_says_so_above(staff, new_request, api_as, monkeypatch):
    from aftersales.core import pagination

    for _ in range(3):
        new_request()
    client = api_as(staff["team_lead"].user)
    body = client.get(API, page_size=1).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (3, True, 1)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    body = client.get(API, page_size=1, page=3).json()
    assert (body["count"], body["count_exact"], len(body["items"])) == (2, False, 1)


_TOKENS = re.compile(
    r'name="(csrfmiddlewaretoken|form_token)" value="[^"]+"|csrf-token" content="[^"]+"|X-CSRFToken": "[^"]+"'
)


@pytest.mark.django_db
def test_board_html_is_what_the_django_widget_templates_draw(staff, busy_day, monkeypatch):
    """The board's dispatch forms write their widgets without the template engine (core.formrender):
    the page is byte for byte the one Django's widget templates draw, also with a refused form."""
    from aftersales.service.forms import DispatchForm

    client = _client(staff["team_lead"])
    busy_day(3)
    waiting = ServiceRequest.objects.filter(state="registered").order_by("id").first()
    refused = {"action": "dispatch", "number": waiting.number, "version": waiting.version, "engineer": ""}

    def pages() -> list[str]:
        got = [client.get(BOARD), client.post(BOARD, refused)]
        assert [r.status_code for r in got] == [200, 422]
        return [_TOKENS.sub("TOKEN", r.content.decode()) for r in got]

    fast = pages()
    assert '<option value="eng1"' in fast[0]
    assert "is-invalid" in fast[1]
    monkeypatch.setattr(DispatchForm, "default_renderer", None)  # Django's own renderer
    assert pages() == fast


@pytest.mark.django_db
def test_list_api_rows_are_what_the_schema_makes_of_the_model_instances(staff, busy_day, new_request, api_as):
    """GET /service-requests reads its page's keys first, then their rows with `values_list`
    (selectors.service_request_summaries), and writes them without the schema (core.pagination.json_page):
    each item is exactly what ServiceRequestSummaryOut makes of the plain ORM row (request with customer,
    unit, service point and engineer), in the same order, with and without a unit and an engineer, and
    the count is the queryset's."""
    from ninja.responses import NinjaJSONEncoder

    from aftersales.service.schemas import ServiceRequestSummaryOut
    from aftersales.service.selectors import service_request_list

    busy_day(2)
    new_request(serial="", model="XK-714")  # no registered unit: the typed model
    client = api_as(staff["team_lead"].user)
    for params in ({}, {"engineer": "eng1"}, {"page": 2, "page_size": 3}):
        body = client.get(API, **params).json()
        page, size = int(params.get("page", 1)), int(params.get("page_size", 50))
        filters = {"engineer": params["engineer"]} if "engineer" in params else {}
        rows = list(service_request_list(staff["team_lead"], **filters)[(page - 1) * size : page * size])
        plain = [ServiceRequestSummaryOut.from_orm(sr).model_dump() for sr in rows]
        assert body["items"] == json.loads(json.dumps(plain, cls=NinjaJSONEncoder))  # as ninja renders them
        assert body["items"]
        assert (body["count"], body["count_exact"]) == (
            service_request_list(staff["team_lead"], **filters).count(),
            True,
        )
    assert any(item["serial"] is None and item["model"] == "XK-714" for item in client.get(API).json()["items"])
    assert any(item["engineer"] is None for item in client.get(API).json()["items"])
