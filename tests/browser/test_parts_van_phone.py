"""Issue 14 in real Chromium at 390×844: the engineer's van stock on the phone, and the part picker
on the job page offering the van's parts (no typed codes)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def test_van_stock_fits_the_phone(live_server: Any, page: Page, make_user: Any, actor_of: Any) -> None:
    from aftersales.parts.models import Part, Store
    from aftersales.parts.services.stock import stock_receive

    engineer = make_user("engineer", username="eng1", display_name="张工")
    keeper = actor_of(make_user("parts_keeper", username="keeper1"))
    van = Store.objects.create(code="VAN-ENG1", name="张工随车库", kind="engineer", engineer=engineer, owner=engineer)
    for code, name, major, n in (("BRG-6205", "主轴轴承 6205", False, 4), ("PCB-SD8", "伺服驱动板", True, 1)):
        stock_receive(actor=keeper, store=van, part=Part.objects.create(code=code, name=name, major=major), quantity=n)
    page.set_viewport_size(DESKTOP)
    login(page, live_server, "eng1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/parts/van/")
    expect(page.locator('.van-level[data-part="BRG-6205"]')).to_contain_text("4")
    expect(page.locator('.van-level[data-part="PCB-SD8"]')).to_contain_text("重要件")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "parts-van-phone")
    page.locator("#van-count").click()
    expect(page.locator("#adjustment-form")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
