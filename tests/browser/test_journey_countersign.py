"""Issue 13, journey "countersign from the queue" in real Chromium (zh-CN, desk 1366×768).

The service-centre manager has the home page open. The engineer's customer signs the repair order
(客户已签字): the manager's bell rings and the "To countersign" queue counts it, without a reload. The
manager opens the queue, opens the request, countersigns (S11), and the queue is empty again.

Tap budget (docs/decisions/0026): 3 taps and no typed field — the queue tile, the request in the
filtered list, "Countersign and close". The bell rings when the request arrives (its
count, live); its text is read at the end, outside the budget.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from aftersales.notifications.models import Notification
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login, screenshot
from tests.installed_base.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
TAP_BUDGET = 3  # queue tile → request → countersign; no field typed


class Budget:
    """Counts what the manager does by hand: each click, each field typed into."""

    def __init__(self) -> None:
        self.used = 0

    def tap(self, locator: Locator) -> None:
        self.used += 1
        locator.click()


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def completed(make_user: Any, actor_of: Any) -> ServiceRequest:
    """An in-warranty job of eng1, done and waiting for the customer's signature."""
    from aftersales.accounts.models import Region, ServicePoint
    from aftersales.customers.services import customer_create

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    agent = actor_of(make_user("agent", username="agent1", display_name="陈客服"))
    lead = actor_of(make_user("team_lead", username="lead1", display_name="赵组长", service_point_id=point.pk))
    make_user("cs_manager", username="boss1", display_name="周经理")
    engineer = actor_of(make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk))
    customer = customer_create(
        actor=agent,
        name="上海华东精密机械有限公司",
        phone="021-64001234",
        address="上海市闵行区申富路 88 号",
        region_id=region.pk,
    )
    unit = UnitFactory(
        customer=customer,
        serial="SN-CS-0001",
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )
    request = services.service_request_create(
        actor=agent,
        customer_id=customer.pk,
        serial=unit.serial,
        channel="phone",
        fault="主轴异响",
        service_point_code=point.code,
    )
    services.service_request_dispatch(actor=lead, number=request.number, engineer="eng1")
    services.service_request_book(
        actor=engineer, number=request.number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=engineer, number=request.number)
    services.service_request_complete(
        actor=engineer,
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    return ServiceRequest.objects.get(pk=request.pk)


def test_countersign_from_the_queue_within_the_tap_budget(
    live_server: Any, page: Page, completed: ServiceRequest, actor_of: Any, settings: Any
) -> None:
    settings.AFTERSALES_LIVE_REFRESH_SECONDS = 2
    page.set_viewport_size(DESK)
    login(page, live_server, "boss1")
    queue = page.locator('[data-queue="to_countersign"]')
    expect(queue.locator(".queue-count")).to_have_text("0")
    expect(page.locator("#notification-unread")).to_have_count(0)
    page.evaluate("window.__sameDocument = true")

    # The customer signs on the engineer's phone: the bell and the queue follow, without a reload.
    engineer = actor_of(completed.engineer)
    services.service_request_sign_off(
        actor=engineer, number=completed.number, signature=_png(), signed_by_name="王建国"
    )
    expect(queue.locator(".queue-count")).to_have_text("1")
    expect(page.locator("#notification-unread")).to_have_text("1")
    assert page.evaluate("window.__sameDocument") is True
    screenshot(page, "journey-countersign-1-queue")

    budget = Budget()
    budget.tap(queue)
    expect(page.locator("table tbody tr")).to_have_count(1)  # exactly the signed request
    budget.tap(page.get_by_role("link", name=completed.number, exact=True))
    expect(page.locator("#request-state")).to_have_text("客户已签字")
    expect(page.locator("#action-close")).to_be_visible()
    screenshot(page, "journey-countersign-2-request")
    budget.tap(page.locator("#submit-close"))
    expect(page.locator("#request-state")).to_have_text("已关闭")
    expect(page.locator("#closed-by")).to_contain_text("周经理")
    assert budget.used <= TAP_BUDGET, f"{budget.used} taps, budget {TAP_BUDGET}"

    page.goto(f"{live_server.url}/")
    expect(queue.locator(".queue-count")).to_have_text("0")  # it left the queue

    # What the bell said when it arrived: the record, the customer, who signed, whose job — in names.
    page.locator("#notification-bell").click()
    notices = page.locator("#notifications")
    expect(notices).to_contain_text(f"待会签：{completed.number}（上海华东精密机械有限公司）")
    expect(notices).to_contain_text("王建国")
    expect(notices).to_contain_text("张工")
    expect(notices).not_to_contain_text("eng1")
    closed = ServiceRequest.objects.get(pk=completed.pk)
    assert (closed.state, closed.closed_by.username) == ("closed", "boss1")
    told = Notification.objects.filter(user__username="boss1")
    assert [n.url for n in told] == [f"/service/requests/{completed.number}/"]
