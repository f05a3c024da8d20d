"""Issue 13 point 4 in real Chromium (zh-CN): the hotline takes a call from a secondary contact
whose display shows only the last digits (尾号), picks the file from the candidate list and
registers the request with that contact pre-filled, within a budget of taps and fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftersales.customers.services import ContactData
from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login, screenshot
from tests.customers.factories import CustomerFactory
from tests.installed_base.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP_BUDGET = 6  # taps and fields from the start page to the registered request


class Budget:
    """Counts what the agent does by hand: each click or tap, each field typed into."""

    def __init__(self) -> None:
        self.used = 0

    def tap(self, locator: Any) -> None:
        self.used += 1
        locator.click()

    def type(self, locator: Any, text: str) -> None:
        self.used += 1
        locator.press_sequentially(text, delay=20)


def test_intake_by_trailing_digits_picks_the_candidate_and_prefills_the_secondary_contact(
    live_server: Any, page: Page, make_user: Any
) -> None:
    make_user("agent", username="agent1", display_name="陈客服")
    customer = CustomerFactory(
        name="苏州华东精密机械有限公司",
        phone="0512-6288 0001",
        address="苏州工业园区星湖街 1 号",
        contacts=[
            ContactData(name="张主任", phone="138 0000 2222", is_primary=True),
            ContactData(name="李工程师", phone="139 2468 1357"),
        ],
    )
    other = CustomerFactory(name="杭州另一家机床厂", phone="0571-8000 1357")  # same 4 trailing digits
    unit = UnitFactory(
        customer=customer,
        serial="SN-TAIL-01",
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )
    login(page, live_server, "agent1")
    budget = Budget()

    budget.tap(page.locator("nav").get_by_text("服务登记"))
    budget.type(page.locator("#intake-q"), "1357")  # 尾号: the caller's display shows the last 4 digits
    candidates = page.locator(".intake-customer")
    expect(candidates).to_have_count(2)  # a candidate list with names to choose from
    expect(page.locator(f'.intake-customer[data-customer="{other.pk}"]')).to_contain_text("杭州另一家机床厂")
    mine = page.locator(f'.intake-customer[data-customer="{customer.pk}"]')
    expect(mine).to_contain_text("李工程师")  # the contact whose number ends in 1357, not the primary
    expect(page.locator("#intake-empty")).to_have_count(0)  # no "create the file" while something matched
    screenshot(page, "lookup-trailing-digits-candidates")
    budget.tap(mine)

    expect(page.locator("#intake-customer")).to_contain_text("苏州华东精密机械有限公司")
    expect(page.locator("#id_contact_name")).to_have_value("李工程师")
    expect(page.locator("#id_phone")).to_have_value("139 2468 1357")
    expect(page.locator("#id_unit")).to_have_value(unit.serial)
    budget.type(page.locator("#id_fault"), "主轴异响，无法加工")
    budget.tap(page.locator("#intake-submit"))
    page.wait_for_url("**/service/requests/FW*/")

    request = ServiceRequest.objects.get(customer=customer)
    assert (request.contact_name, request.phone, request.unit_id) == ("李工程师", "139 2468 1357", unit.pk)
    assert budget.used <= TAP_BUDGET, f"{budget.used} taps and fields, budget {TAP_BUDGET}"
