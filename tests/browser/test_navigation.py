"""The menu and forms in real Chromium (issue 13, point 11): a group of the menu opens as a dropdown
and leads to its page; after a refused submit the cursor is in the first invalid field; the favicon
is served."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.customers.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_menu_group_opens_and_leads_to_its_page(live_server: Any, page: Page, make_user: Any) -> None:
    make_user("cs_manager", username="cs_wang", display_name="王部长")
    login(page, live_server, "cs_wang")
    expect(page.locator("#user-menu")).to_contain_text("王部长")
    group = page.locator('[data-menu-group="admin"] > a.dropdown-toggle')
    expect(group).to_have_text("管理")
    group.click()
    page.locator('[data-menu-group="admin"] a.dropdown-item:has-text("审计日志")').click()
    page.wait_for_url("**/audit/**")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert icon
    assert page.request.get(f"{live_server.url}{icon}").ok


def test_a_refused_submit_puts_the_cursor_in_the_first_invalid_field(
    live_server: Any, page: Page, make_user: Any
) -> None:
    make_user("agent", username="agent_li", display_name="李客服")
    customer = CustomerFactory(name="上海华东机械有限公司")
    login(page, live_server, "agent_li")
    page.goto(f"{live_server.url}/service/requests/new/?customer={customer.pk}")
    page.locator("#intake-submit").click()
    page.wait_for_load_state()
    focused = page.evaluate("document.activeElement && document.activeElement.getAttribute('aria-invalid')")
    assert focused == "true"
