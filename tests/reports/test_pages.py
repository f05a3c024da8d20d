"""The statistics, KPI, breakdown and dashboard pages: figures shown, links to the list behind a
figure, Excel exports, bad periods refused in Chinese."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from tests.reports.conftest import add_part, at, make_request


def _client(make_user: Any, role: str) -> Client:
    client = Client()
    client.force_login(make_user(role))
    return client


def _data(world: dict[str, Any]) -> None:
    s1, s2 = world["symptoms"]
    a = make_request(world, at("2026-11-02"), symptom_code=s1)
    make_request(world, at("2026-11-03"), symptom_code=s1)
    make_request(world, at("2026-11-04"), symptom_code=s2, service_point=world["points"][1])
    make_request(world, at("2025-11-04"), symptom_code=s1)  # the same month last year
    make_request(world, at("2026-10-04"), symptom_code=s2)  # the month before
    add_part(world, a, "P-1", "主轴轴承")


def test_statistics_page_links_each_row_to_its_requests_and_exports(world: dict[str, Any], make_user: Any) -> None:
    _data(world)
    client = _client(make_user, "quality")
    period = {"date_from": "2026-11-01", "date_to": "2026-11-30", "by": "symptom"}
    page = client.get("/reports/statistics/", period).content.decode()
    assert "主轴异响" in page
    assert "66.7%" in page
    assert "+100.0%" in page
    assert page.count(">变化</th>") == 2  # the change columns, not the policies' 修改 (edit)
    assert "statistics-chart" in page
    assert "vendor/echarts/echarts.min.js" in page
    key = world["symptoms"][0].pk
    listed = client.get(f"/reports/requests/?from=2026-11-01&to=2026-11-30&by=symptom&key={key}").content.decode()
    assert listed.count("data-number=") == 2
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/reports/statistics/", {**period, "export": "xlsx"}).streaming_content))
    )
    sheet = book.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "故障现象"
    assert rows[1][:2] == ("主轴异响", 2)


def test_bad_period_is_refused_in_chinese(world: dict[str, Any], make_user: Any) -> None:
    client = _client(make_user, "analyst")
    page = client.get("/reports/statistics/", {"date_from": "2026-11-30", "date_to": "2026-11-01"}).content.decode()
    assert "统计期的截止日期早于起始日期。" in page
    listed = client.get("/reports/requests/?from=2026-11-30&to=2026-11-01&by=symptom&key=1").content.decode()
    assert "统计期的截止日期早于起始日期。" in listed
    assert "data-number=" not in listed


def test_kpi_page_writes_the_definitions(world: dict[str, Any], make_user: Any) -> None:
    _data(world)
    page = _client(make_user, "cs_manager").get("/reports/kpis/", {"date_from": "2026-11-01", "date_to": "2026-11-30"})
    text = page.content.decode()
    assert "指标定义" in text
    assert "恰好到期停止视为达成" in text
    assert "上海办事处" in text


def test_dashboards_per_role(world: dict[str, Any], make_user: Any) -> None:
    _data(world)
    head = _client(make_user, "cs_manager").get("/reports/dashboard/").content.decode()
    assert "各服务网点未结服务单" in head
    assert "上海办事处" in head
    assert "上月按故障现象统计" in _client(make_user, "quality").get("/reports/dashboard/").content.decode()
    management = _client(make_user, "gm").get("/reports/dashboard/").content.decode()
    assert "每月服务单数" in management
    export = _client(make_user, "cs_manager").get("/reports/dashboard/head/?export=xlsx&table=backlog")
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1] == ("上海办事处", 4)
    assert _client(make_user, "agent").get("/reports/dashboard/").status_code == 403


def test_home_shows_the_month_figures(world: dict[str, Any], make_user: Any) -> None:
    from django.utils import timezone

    make_request(world, timezone.now())
    for role in ("analyst", "quality", "mgmt_rep", "gm"):
        page = _client(make_user, role).get("/").content.decode()
        assert "本月受理服务单" in page, role
