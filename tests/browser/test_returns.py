"""R1–R3, K7 in real Chromium (zh-CN): a return walked through its pages with reconciliation.

Sales registers the return request (退库产品申请单); the approver of the level its value needs (K7)
finds it in the approval queue and approves it on its page; the warehouse records a wrong quantity, finance is refused (R3) until the warehouse
recounts, then books; the return note (产品退货单) PDF downloads with its three copies.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from aftersales.returns.models import ReturnRequest
from tests.browser.conftest import login, screenshot
from tests.returns.conftest import days_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    from tests.installed_base.factories import CustomerFactory

    customer = CustomerFactory(name="杭州精工机床有限公司")
    for role, username in [
        ("sales", "xiaoshou1"),
        ("sales_manager", "jingli1"),
        ("vp", "fuzong1"),
        ("warehouse", "cangku1"),
        ("finance", "caiwu1"),
    ]:
        make_user(role, username=username)
    return {"customer": customer}


def _as(page: Page, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def test_return_with_reconciliation(live_server: Any, page: Page, people: dict[str, Any], tmp_path: Path) -> None:
    customer = people["customer"]

    # 1. Sales registers the request from the menu: 3 × 500 = 1500 yuan, decided by the VP (K7).
    _as(page, live_server, "xiaoshou1")
    page.locator('a.nav-link:has-text("退换货"), a:has-text("退换货")').first.click()
    expect(page.locator("h1")).to_contain_text("退换货")
    page.locator("#return-create-link").click()
    expect(page.locator("h1")).to_contain_text("退库产品申请单")
    page.locator("#id_customer").fill(customer.code)
    page.locator("#id_kind").select_option("return")
    page.locator("#id_condition_0").check()  # just shipped, unopened, another model wanted
    page.locator("#id_unopened").check()
    page.locator("#id_wanted_model").fill("XK-200")
    page.locator("#id_model").fill("XK-100")
    page.locator("#id_order_number").fill("SO-2026-118")
    page.locator("#id_ship_date").fill(days_ago(3).isoformat())
    page.locator("#id_quantity").fill("3")
    page.locator("#id_unit_price").fill("500.00")
    page.locator("#id_reason").fill("型号订错，客户需要 XK-200")
    page.locator("#return-create-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    found = ReturnRequest.objects.get()
    expect(page.locator("#return-number")).to_have_text(found.number)
    expect(page.locator("#approval-role")).to_have_text("副总经理")
    expect(page.locator("#approval-explanation")).to_contain_text("1500.00")
    expect(page.locator("#approval-pending")).to_contain_text("副总经理")
    expect(page.locator("#action-approve")).to_have_count(0)
    screenshot(page, "returns-1-requested")

    # 2. The sales manager is below the level: no approval form. The VP approves.
    _as(page, live_server, "jingli1")
    page.goto(f"{live_server.url}/returns/{found.number}/")
    expect(page.locator("#return-state")).to_contain_text("已申请")
    expect(page.locator("#action-approve")).to_have_count(0)
    # The VP finds it in the approval queue (K7 engine), which links the return's page.
    _as(page, live_server, "fuzong1")
    page.goto(f"{live_server.url}/complaints/approvals/")
    row = page.locator("#approval-queue tr", has_text=found.number)
    expect(row).to_contain_text("1500.00")
    row.locator(f'a:has-text("{found.number}")').click()
    expect(page.locator("#return-number")).to_have_text(found.number)
    page.locator("#id_approve-disposition").select_option("restock")
    page.locator("#id_approve-basis").fill("未拆封，符合 R1")
    page.locator("#submit-approve").click()
    expect(page.locator("#return-state")).to_contain_text("已批准")
    expect(page.locator("#approved-quantity")).to_have_text("3")
    for label in ("仓储部联", "财务部联", "销售部联"):
        expect(page.locator("#return-copies")).to_contain_text(label)

    # 3. The warehouse records a wrong quantity; finance is refused (R3).
    _as(page, live_server, "cangku1")
    page.goto(f"{live_server.url}/returns/{found.number}/")
    page.locator("#id_receive-quantity").fill("2")
    page.locator("#submit-receive").click()
    expect(page.locator("#received-quantity")).to_have_text("2")
    _as(page, live_server, "caiwu1")
    page.goto(f"{live_server.url}/returns/{found.number}/")
    expect(page.locator("#quantity-warning")).to_contain_text("实收数量 2 与批准数量 3 不一致")
    page.locator("#submit-book").click()
    expect(page.locator("#action-error")).to_contain_text("R3：实收数量 2 与批准数量 3 不一致")
    expect(page.locator("#return-state")).to_contain_text("已收货")
    screenshot(page, "returns-2-book-refused")

    # 4. The warehouse recounts; finance books.
    _as(page, live_server, "cangku1")
    page.goto(f"{live_server.url}/returns/{found.number}/")
    page.locator("#id_receive-quantity").fill("3")
    page.locator("#submit-receive").click()
    expect(page.locator("#received-quantity")).to_have_text("3")
    _as(page, live_server, "caiwu1")
    page.goto(f"{live_server.url}/returns/{found.number}/")
    expect(page.locator("#quantity-warning")).to_have_count(0)
    page.locator("#submit-book").click()
    expect(page.locator(".alert-success")).to_contain_text("退货已入账")
    expect(page.locator("#return-state")).to_contain_text("已入账")
    screenshot(page, "returns-3-booked")
    found.refresh_from_db()
    assert (found.state, found.approved_quantity, found.received_quantity, found.approval_role) == (
        "booked",
        3,
        3,
        "vp",
    )

    # 5. The return note downloads: three pages, one per copy.
    href = page.locator("#return-note-pdf").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "note.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("产品退货单", found.number, "仓储部联", "财务部联", "销售部联", "未拆封，符合 R1"):
        assert expected in text, expected
