"""Issue 3 / X2: open a record, see its clock, read why it is due then — in Chinese."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from aftersales.clocks.models import Clock
from tests.browser.conftest import login, screenshot
from tests.installed_base.factories import CustomerFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_x2_access_request_decision_clock_explains_itself_in_chinese(live_server, page: Page, make_user) -> None:
    owner = make_user("sales", username="owner_sales", display_name="王销售")
    customer = CustomerFactory(name="保密精密机械有限公司", confidential=True, owner=owner)
    make_user("engineer", username="eng", display_name="张工")

    # The engineer asks for the confidential file: that starts the C3 decision clock.
    login(page, live_server, "eng")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.locator("textarea, input[name=reason]").first.fill("客户报修，需要查看设备档案")
    page.locator("form button[type=submit]").last.click()
    clock = Clock.objects.get()
    assert clock.rule == "C3"
    assert clock.due_at is not None

    # The owner opens the access requests page and reads the clock and its explanation.
    page.context.clear_cookies()
    login(page, live_server, "owner_sales")
    page.goto(f"{live_server.url}/customers/access-requests/")
    badge = page.locator(f'[data-clock="{clock.pk}"]')
    expect(badge).to_be_visible()
    expect(badge).to_have_attribute("data-status", "ok")
    local_due = clock.due_at.astimezone(ZoneInfo("Asia/Shanghai"))
    expect(badge.locator(".clock-due")).to_contain_text(local_due.strftime("%Y-%m-%d %H:%M"))
    badge.locator("summary").click()
    explanation = badge.locator("details.clock-explanation")
    expect(explanation).to_contain_text("为什么在此时到期")
    expect(explanation).to_contain_text("C3")
    expect(explanation).to_contain_text("CN")
    expect(explanation).to_contain_text("跳过的节假日")
    screenshot(page, "clock-explanation")
