"""An import runs in the background (issue 13 point 9): the upload's button is disabled once pressed,
the job's page shows the progress bar while the job waits or runs and refreshes itself (htmx) into
the result with its counts and the refused rows' report; the bell tells the owner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from aftersales.customers.models import Customer
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["客户名称", "类型", "电话", "地址", "区域", "信用等级", "重点客户", "联系人", "联系电话"]


def _workbook(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_background_import_progress_page_then_result_with_counts(
    live_server: Any, page: Page, make_user: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    from aftersales.core.periodic import task_worker_start, task_worker_stop

    make_user("cs_manager", username="zhou_mgr", display_name="周部长")
    rows = [[f"后台导入客户{n:03d}有限公司", "经销商", "", "", "", "", "否", "", ""] for n in range(40)]
    rows[7][1] = "批发"  # an unknown kind: excel row 9
    rows[30][1] = "零批"  # excel row 32
    path = _workbook(tmp_path / "客户.xlsx", rows)

    login(page, live_server, "zhou_mgr")
    page.goto(f"{live_server.url}/customers/import/")
    page.get_by_label("用户档案").check()
    page.locator("#id_file").set_input_files(path)

    # Record the button's state right after the submit event's own handlers ran (web/forms.js disables
    # it in a zero-delay timer registered before this one); sessionStorage survives the navigation.
    page.evaluate(
        """document.addEventListener("submit", () => setTimeout(() => sessionStorage.setItem(
            "submitDisabled", String(document.querySelector("#import-submit").disabled)), 0))"""
    )
    page.locator("#import-submit").click()
    page.wait_for_url(lambda url: "/jobs/" in url)
    assert page.evaluate("sessionStorage.getItem('submitDisabled')") == "true"  # pressed once: disabled
    expect(page.locator("#job-status")).to_have_attribute("data-state", "queued")
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-stage")).to_contain_text("等待开始")
    screenshot(page, "background-import-waiting")

    settings.AFTERSALES_TASK_WORKER = True
    task_worker_start()  # the worker `aftersales serve` runs; the page refreshes itself into the result
    try:
        expect(page.locator("#job-status")).to_have_attribute("data-state", "done")
    finally:
        task_worker_stop()
    expect(page.locator("#import-failed")).to_have_text("未导入任何数据：发现 2 个问题。")
    expect(page.locator("#import-counts")).to_contain_text("读取 40 行 · 拒绝 2 行 · 导入 0 条")
    expect(page.locator("#import-errors tbody tr")).to_have_count(2)
    expect(page.locator("#import-errors tbody tr").first.locator("td").first).to_have_text("9")
    with page.expect_download() as download:
        page.locator("#job-report").click()
    assert download.value.suggested_filename == "refused-rows.xlsx"
    screenshot(page, "background-import-result")
    assert Customer.objects.count() == 0

    page.reload()  # the bell rang for the finished job
    expect(page.locator("#notification-unread")).to_have_text("1")
    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("#job-list tbody tr")).to_have_count(1)
