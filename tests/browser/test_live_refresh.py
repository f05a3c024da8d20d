"""Issue 13, points 2–3 in a real browser: a request the agent registers appears on the team lead's open
dispatch board without a reload, the bell count rises, and the home page's queue counts follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, screenshot
from tests.installed_base.factories import UnitFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_urgent_request_reaches_the_open_board_and_the_bell_without_a_reload(
    live_server, page: Page, make_user, settings
) -> None:
    from aftersales.accounts.models import Region, ServicePoint
    from aftersales.accounts.selectors import actor_for
    from aftersales.customers.services import customer_create
    from aftersales.service.services import service_request_create

    settings.AFTERSALES_LIVE_REFRESH_SECONDS = 2
    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    agent = actor_for(make_user("agent", username="agent1", display_name="陈客服"))
    make_user("team_lead", username="lead1", display_name="赵组长", service_point_id=point.pk)
    make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk)
    customer = customer_create(
        actor=agent,
        name="上海华东精密机械有限公司",
        phone="021-64001234",
        address="上海市闵行区申富路 88 号",
        region_id=region.pk,
    )
    unit = UnitFactory(
        customer=customer,
        serial="SN-LIVE-0001",
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )

    def register() -> str:
        return service_request_create(
            actor=agent,
            customer_id=customer.pk,
            serial=unit.serial,
            channel="phone",
            priority="urgent",
            fault="主轴卡死，设备停机",
            service_point_code=point.code,
        ).number

    # The team lead has the board open; nothing waits, the bell is quiet.
    login(page, live_server, "lead1")
    page.goto(f"{live_server.url}/service/board/")
    expect(page.locator("#board-table tr[data-number]")).to_have_count(0)
    expect(page.locator("#notification-unread")).to_have_count(0)
    page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded

    # The agent registers an urgent request: the board and the bell follow, on the same page.
    number = register()
    expect(page.locator(f'#board-table tr[data-number="{number}"]')).to_be_visible()
    expect(page.locator("#notification-unread")).to_have_text("1")
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "live-refresh-board")
    page.locator("#notification-bell").click()
    expect(page.locator("#notifications")).to_contain_text(f"紧急服务请求 {number} 等待派工")

    # The home page's queue counts follow too.
    page.goto(f"{live_server.url}/")
    to_dispatch = page.locator('[data-queue="to_dispatch"] .queue-count')
    expect(to_dispatch).to_have_text("1")
    page.evaluate("window.__sameDocument = true")
    register()
    expect(to_dispatch).to_have_text("2")
    expect(page.locator("#notification-unread")).to_have_text("2")  # seen on the list, not marked read
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "live-refresh-home")
