"""Issue 13 (points 9, 10, 12) on the service pages: export with the list's filters, numbered pages,
sortable columns, the engineer's jobs by due time, the compact board and the global search."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.clocks.models import Clock
from aftersales.core.lists import LIST_EXPORTED
from aftersales.core.models import Event
from aftersales.service import services

LIST = reverse("service:request_list")
BOARD = reverse("service:board")
JOBS = reverse("service:engineer_jobs")
SEARCH = reverse("web:search")


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _sheet(response: Any) -> list[tuple[Any, ...]]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


@pytest.mark.django_db
def test_request_list_exports_its_filtered_rows_and_logs_the_export(staff, new_request) -> None:
    urgent = new_request(priority="urgent", fault="液压站漏油")
    new_request(fault="主轴异响")
    response = _client(staff["team_lead"]).get(LIST, {"q": urgent.number, "export": "xlsx"})
    assert response.status_code == 200
    rows = _sheet(response)
    assert rows[0][0] == "服务单号" or rows[0][0] == "Request number"
    assert [r[0] for r in rows[1:]] == [urgent.number]  # the filter applies to the export
    event = Event.objects.filter(action=LIST_EXPORTED).get()
    assert event.actor_id == staff["team_lead"].pk
    assert event.data["list"] == "service-requests"
    assert event.data["count"] == 1
    assert event.data["filters"]["q"] == urgent.number


@pytest.mark.django_db
def test_request_list_has_numbered_pages_and_keeps_filters(staff, new_request) -> None:
    for _i in range(26 * 3):  # PAGE_SIZE 25: four pages
        new_request()
    html = _client(staff["team_lead"]).get(LIST, {"page": 2, "state": "registered"}).content.decode()
    assert 'aria-current="page"><span class="page-link">2</span>' in html
    for n in (1, 3, 4):
        assert f"page={n}" in html
    assert "state=registered" in re.search(r'href="\?([^"]*page=3[^"]*)"', html).group(1)


@pytest.mark.django_db
def test_request_list_sorts_by_a_whitelisted_column_and_ignores_others(staff, new_request) -> None:
    first, second, third = new_request(), new_request(), new_request()
    client = _client(staff["team_lead"])

    def numbers(sort: str) -> list[str]:
        return re.findall(r'<tr data-number="([^"]+)"', client.get(LIST, {"sort": sort}).content.decode())

    assert numbers("number") == sorted([first.number, second.number, third.number])
    assert numbers("-number") == sorted([first.number, second.number, third.number], reverse=True)
    assert numbers("customer__password") == numbers("-received_at")  # not whitelisted: the default order
    html = client.get(LIST, {"sort": "number"}).content.decode()
    assert 'data-sort="number" aria-sort="ascending"' in html


@pytest.mark.django_db
def test_engineer_jobs_are_ordered_by_due_time_with_the_due_and_a_map_link(staff, new_request) -> None:
    requests = [new_request(), new_request(priority="urgent"), new_request()]
    for sr in requests:
        services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    now = timezone.now()
    dues = {requests[0].pk: 9, requests[1].pk: 1, requests[2].pk: 5}  # hours from now
    for pk, hours in dues.items():
        Clock.objects.filter(subject_type="service.servicerequest", subject_id=str(pk)).update(
            due_at=now + dt.timedelta(hours=hours), state="running"
        )
    html = _client(staff["engineer"]).get(JOBS).content.decode()
    order = re.findall(r'engineer-job" data-number="([^"]+)"', html)
    assert order == [requests[1].number, requests[2].number, requests[0].number]
    assert html.count('class="small mt-1 job-due"><i class="bi bi-alarm">') == 3
    address = requests[0].address
    assert address
    assert f'href="https://uri.amap.com/search?keyword={quote(address)}"' in html


@pytest.mark.django_db
def test_board_queries_do_not_grow_with_rows_and_a_page_stays_small(
    staff, new_request, django_assert_max_num_queries
) -> None:
    client = _client(staff["team_lead"])
    new_request()
    with django_assert_max_num_queries(40) as few:
        client.get(BOARD)
    baseline = len(few.captured_queries)
    for _i in range(60):
        new_request(fault="主轴异响，无法加工。" * 6)
    with django_assert_max_num_queries(baseline + 2):  # 60 more rows: no query per row
        response = client.get(BOARD)
    html = response.content.decode()
    assert html.count('<tr data-number="') == 25  # page size (BOARD_SIZE)
    assert len(response.content) < 100 * 1024
    assert "page=2" in html


@pytest.mark.django_db
def test_board_clock_explanation_is_loaded_on_demand(staff, new_request) -> None:
    sr = new_request()
    client = _client(staff["team_lead"])
    html = client.get(BOARD).content.decode()
    url = reverse("service:request_clocks", args=[sr.number])
    assert f'hx-get="{url}"' in html
    fragment = client.get(url).content.decode()
    assert "clock-explanation" in fragment
    assert "data-clock=" in fragment


@pytest.mark.django_db
def test_board_preselects_nobody_on_a_tie(staff, new_request, make_user) -> None:
    from aftersales.accounts.models import ServicePoint

    make_user("engineer", username="eng3", service_point_id=ServicePoint.objects.get(code="SP-SH").pk)
    new_request()
    html = _client(staff["team_lead"]).get(BOARD).content.decode()
    select = re.search(r'<select name="engineer".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(eng\d)" selected>', select) == []
    assert 'class="best-reason' not in html


@pytest.mark.django_db
def test_global_search_finds_requests_units_and_customers_masking_confidential_files(
    staff, new_request, customer, unit
) -> None:
    sr = new_request()
    client = _client(staff["team_lead"])
    html = client.get(SEARCH, {"q": sr.number}).content.decode()
    assert f'data-number="{sr.number}"' in html
    html = client.get(SEARCH, {"q": unit.serial}).content.decode()
    assert f'data-serial="{unit.serial}"' in html
    html = client.get(SEARCH, {"q": customer.code}).content.decode()  # the customer number
    assert f'data-customer="{customer.pk}"' in html
    customer.confidential = True
    customer.save(update_fields=["confidential"])
    agent = _client(staff["agent"])
    html = agent.get(SEARCH, {"q": customer.code}).content.decode()
    assert f'data-customer="{customer.pk}"' in html
    assert "confidential" in html
    assert customer.address not in html.split('id="search-customers"')[1]
    assert 'id="global-search"' in html  # the box in the top bar


@pytest.mark.django_db
def test_global_search_without_text_finds_nothing(staff) -> None:
    html = _client(staff["team_lead"]).get(SEARCH).content.decode()
    assert "search-requests" not in html
    assert "search-empty" not in html


@pytest.mark.django_db
def test_board_exports_every_waiting_request_in_board_order_and_logs_it(staff, new_request) -> None:
    general = new_request(fault="液压站漏油")
    urgent = new_request(priority="urgent")
    dispatched = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=dispatched.number, engineer="eng1")
    client = _client(staff["team_lead"])
    assert "list-export" in client.get(BOARD).content.decode()  # the button is on the board
    rows = _sheet(client.get(BOARD, {"export": "xlsx"}))
    assert rows[0][0] == "服务单号" or rows[0][0] == "Request number"
    assert [r[0] for r in rows[1:]] == [urgent.number, general.number]  # waiting only, urgent first
    assert "液压站漏油" in rows[2]
    event = Event.objects.filter(action=LIST_EXPORTED).get()
    assert (event.actor_id, event.data["list"], event.data["count"]) == (staff["team_lead"].pk, "dispatch-board", 2)
    assert _client(staff["engineer"]).get(BOARD, {"export": "xlsx"}).status_code == 403  # the board's permission


@pytest.mark.django_db
def test_my_jobs_export_holds_the_engineers_own_open_jobs_with_due_and_address(staff, new_request) -> None:
    mine = [new_request(), new_request(priority="urgent")]
    other = new_request()
    for sr in mine:
        services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_dispatch(actor=staff["team_lead"], number=other.number, engineer="eng2")
    client = _client(staff["engineer"])
    assert "list-export" in client.get(JOBS).content.decode()
    rows = _sheet(client.get(JOBS, {"export": "xlsx"}))
    assert sorted(r[0] for r in rows[1:]) == sorted(sr.number for sr in mine)  # not eng2's job
    assert all(r[-1] == mine[0].address for r in rows[1:])  # the address the page shows (C3 applies)
    event = Event.objects.filter(action=LIST_EXPORTED).get()
    assert (event.actor_id, event.data["list"], event.data["count"]) == (staff["engineer"].pk, "my-jobs", 2)
