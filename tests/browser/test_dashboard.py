"""Issue 16 in real Chromium (zh-CN): the head of after-sales opens the dashboard, clicks a bar of
the backlog chart (ECharts, vendored, under the CSP), lands on the matching list and exports it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.reports.conftest import at, build_world, make_request

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_clicks_a_backlog_bar_and_exports_the_list(page: Page, live_server: Any, make_user: Any) -> None:
    world = build_world(make_user)
    shanghai, suzhou = world["points"]
    for i in range(3):
        make_request(world, at("2026-11-02", 9, i), service_point=shanghai)
    make_request(world, at("2026-11-03"), service_point=suzhou)
    make_request(world, at("2026-11-04"), service_point=shanghai, open=False, state="closed")
    make_user("cs_manager", username="buzhang1")
    login(page, live_server, "buzhang1")
    page.goto(f"{live_server.url}/reports/dashboard/head/")
    chart = page.locator("#dashboard-chart-3")
    expect(chart).to_have_attribute("data-ready", "1")
    # The first bar (上海办事处, 3 open requests): its centre in page pixels, from ECharts itself.
    x, y = page.evaluate(
        """() => { const el = document.getElementById('dashboard-chart-3');
                   const c = echarts.getInstanceByDom(el); const p = c.convertToPixel({seriesIndex: 0}, [0, 1]);
                   return p; }"""
    )
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(re.compile(r".*/reports/requests/.*"))
    expect(page.locator("#breakdown-filter")).to_contain_text("上海办事处")
    expect(page.locator("#breakdown-table tbody tr")).to_have_count(3)
    with page.expect_download() as download:
        page.locator(".list-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as fh:
        sheet = load_workbook(fh).active
    assert sheet is not None
    assert sheet.max_row == 4  # header + the three open requests of 上海办事处
