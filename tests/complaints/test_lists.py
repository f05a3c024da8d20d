"""Issue 13: the complaint list's text search, sortable columns and Excel export (core.lists), and
the same export on every other list page (one mechanism: `?export=xlsx` on the list's address)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.core.lists import LIST_EXPORTED
from aftersales.core.models import Event

LIST = reverse("complaints:complaint_list")


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def _numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', html)


@pytest.mark.django_db
def test_complaints_are_searched_by_text_in_the_description_number_and_customer(staff, new_complaint) -> None:
    cracked = new_complaint(description="设备外壳开裂，要求换货")
    noisy = new_complaint(description="主轴噪音过大")
    client = _client(staff["cs_manager"])
    assert _numbers(client.get(LIST, {"q": "噪音"}).content.decode()) == [noisy.number]
    assert _numbers(client.get(LIST, {"q": cracked.number}).content.decode()) == [cracked.number]
    assert set(_numbers(client.get(LIST, {"q": cracked.customer.name}).content.decode())) == {
        cracked.number,
        noisy.number,
    }
    assert _numbers(client.get(LIST, {"q": "没有这样的投诉"}).content.decode()) == []


@pytest.mark.django_db
def test_complaint_list_sorts_and_exports_what_it_shows(staff, new_complaint) -> None:
    first, second = new_complaint(description="甲：开裂"), new_complaint(description="乙：噪音")
    client = _client(staff["cs_manager"])
    assert _numbers(client.get(LIST, {"sort": "number"}).content.decode()) == sorted([first.number, second.number])
    assert _numbers(client.get(LIST, {"sort": "-number"}).content.decode()) == sorted(
        [first.number, second.number], reverse=True
    )
    rows = _rows(client.get(LIST, {"q": "噪音", "export": "xlsx"}))
    assert [r[0] for r in rows[1:]] == [second.number]
    event = Event.objects.get(action=LIST_EXPORTED)
    assert (event.data["list"], event.data["count"], event.data["filters"]["q"]) == ("complaints", 1, "噪音")
    html = client.get(LIST, {"q": "噪音"}).content.decode()
    assert 'class="btn btn-outline-secondary btn-sm list-export" href="?q=%E5%99%AA%E9%9F%B3&amp;export=xlsx"' in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "role", "list_name"),
    [
        ("returns:return_list", "cs_manager", "returns"),
        ("knowledge:article_list", "agent", "knowledge"),
        ("approvals:approval_queue", "cs_manager", "approvals"),
        ("complaints:task_list", "cs_manager", "follow-up-tasks"),
        ("service:request_list", "cs_manager", "service-requests"),
        ("installed_base:product_list", "agent", "products"),
        ("installed_base:contract_list", "cs_manager", "contracts"),
    ],
)
def test_every_list_exports_to_excel_and_logs_it(staff, url_name: str, role: str, list_name: str) -> None:
    client = _client(staff[role])
    page = client.get(reverse(url_name)).content.decode()
    assert "list-export" in page  # the button is on the list
    rows = _rows(client.get(reverse(url_name), {"export": "xlsx"}))
    assert rows[0]
    assert all(rows[0])
    event = Event.objects.get(action=LIST_EXPORTED)
    assert event.data["list"] == list_name
    assert event.actor_id == staff[role].pk


@pytest.mark.django_db
def test_a_list_export_is_refused_to_whoever_may_not_see_the_list(staff) -> None:
    response = _client(staff["engineer"]).get(reverse("returns:return_list"), {"export": "xlsx"})
    assert response.status_code in (403, 404)
    assert not Event.objects.filter(action=LIST_EXPORTED).exists()
