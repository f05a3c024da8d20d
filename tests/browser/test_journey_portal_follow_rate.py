"""Issue 13, journey "portal follow and rate" in real Chromium on a phone (390×844, zh-CN).

A customer's user (王建国) follows the request the hotline registered for them: the states in plain
Chinese (已派工 → 现场处理中 → 客户已签字), the engineer by name, the deadlines without the internal
clock explanations (no rule ids, no policy keys, no "why is this due then"), and, once the repair
order is signed, rates the engineer (V3) on the phone.

Tap budget (docs/decisions/0026): 9 taps, no typed field — "My service requests", the request, two
refreshes to follow it, one answer for each of the four rating items, "Send the rating".
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from aftersales.followup.models import ServiceRating
from aftersales.service import services
from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login, screenshot
from tests.installed_base.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 768}
TAP_BUDGET = 9
RATING_ITEMS = ("attitude", "skill", "arrival_time", "promises_kept")
# What a customer must never read: rule ids and policy keys, clock internals, login names, raw codes.
INTERNAL = re.compile(
    r"\b[A-Z]\d{1,2}\b(?!-)|\b[A-Z]\d+\.[a-z_]+|规则|制度版本|为什么在此时到期|工作时间|eng1|agent1|lead1"
)


class Budget:
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


def _plain_and_fits(page: Page) -> None:
    """Nothing internal in what the customer reads, and nothing wider than the phone."""
    text = page.locator("main, body").first.inner_text()
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.fixture
def job(make_user: Any, actor_of: Any) -> dict[str, Any]:
    """An in-warranty request the hotline registered for the customer, dispatched to 张工."""
    from aftersales.accounts.models import Region, ServicePoint
    from aftersales.customers.services import customer_create

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    agent = actor_of(make_user("agent", username="agent1", display_name="陈客服"))
    lead = actor_of(make_user("team_lead", username="lead1", display_name="赵组长", service_point_id=point.pk))
    engineer = actor_of(make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk))
    customer = customer_create(
        actor=agent,
        name="上海华东精密机械有限公司",
        phone="021-64001234",
        address="上海市闵行区申富路 88 号",
        region_id=region.pk,
    )
    make_user("customer", username="kehu1", display_name="王建国", customer_id=customer.pk)
    unit = UnitFactory(
        customer=customer,
        serial="SN-PORTAL-01",
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )
    request = services.service_request_create(
        actor=agent,
        customer_id=customer.pk,
        serial=unit.serial,
        channel="phone",
        fault="主轴异响，无法加工",
        contact_name="王建国",
        service_point_code=point.code,
    )
    services.service_request_dispatch(actor=lead, number=request.number, engineer="eng1")
    return {"request": request, "engineer": engineer}


def test_the_customer_follows_the_request_and_rates_the_engineer_on_the_phone(
    live_server: Any, page: Page, job: dict[str, Any]
) -> None:
    number, engineer = job["request"].number, job["engineer"]
    page.set_viewport_size(DESK)  # the login helper looks for the expanded navbar
    login(page, live_server, "kehu1")
    page.set_viewport_size(PHONE)
    budget = Budget()
    state = page.locator("#portal-request-state")

    # Dispatched: the state, the engineer by name, the deadlines without their explanation.
    budget.tap(page.locator("#portal-nav-requests"))
    row = page.locator(f'#portal-requests tr[data-number="{number}"]')
    expect(row).to_contain_text("已派工")
    _plain_and_fits(page)
    budget.tap(row.get_by_role("link", name=number))
    expect(state).to_have_text("已派工")
    expect(page.locator("main, body").first).to_contain_text("张工")
    expect(page.locator(".clock").first).to_be_visible()
    expect(page.locator(".clock-explanation")).to_have_count(0)
    _plain_and_fits(page)
    screenshot(page, "journey-portal-1-dispatched")

    # The engineer arrives: the customer refreshes and sees the work under way.
    services.service_request_book(actor=engineer, number=number, visit_at=timezone.now() + dt.timedelta(hours=1))
    services.service_request_arrive(actor=engineer, number=number)
    budget.used += 1
    page.reload()
    expect(state).to_have_text("现场处理中")
    expect(page.locator("#portal-rate")).to_have_count(0)  # nothing to rate before the signature
    _plain_and_fits(page)

    # Done and signed on the engineer's phone: the rating is offered.
    services.service_request_complete(
        actor=engineer,
        number=number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    services.service_request_sign_off(actor=engineer, number=number, signature=_png(), signed_by_name="王建国")
    budget.used += 1
    page.reload()
    expect(state).to_have_text("客户已签字")
    expect(page.locator("#portal-steps")).to_contain_text("更换主轴轴承，试机正常")
    form = page.locator("#portal-rate-form")
    expect(form).to_be_visible()
    _plain_and_fits(page)
    screenshot(page, "journey-portal-2-rate")
    answers = form.locator(".rating-answer")
    expect(answers).to_have_count(16)
    for index in range(16):  # each answer a finger-sized target on one line (not a wrapped 13 px radio)
        box = answers.nth(index).bounding_box()
        assert box is not None
        assert 32 <= box["height"] < 48, box
        assert box["x"] + box["width"] <= PHONE["width"], box
    for item in RATING_ITEMS:
        budget.tap(form.locator(f'[data-item="{item}"] label', has_text="非常满意"))
    budget.tap(page.locator("#portal-rate-submit"))
    expect(page.locator("#portal-rating")).to_contain_text("非常满意")
    expect(page.locator("#portal-rate-form")).to_have_count(0)
    _plain_and_fits(page)
    screenshot(page, "journey-portal-3-rated")
    assert budget.used <= TAP_BUDGET, f"{budget.used} taps, budget {TAP_BUDGET}"

    rating = ServiceRating.objects.get()
    assert rating.request_id == ServiceRequest.objects.get(number=number).pk
    assert rating.engineer_id == engineer.user.pk
    assert {getattr(rating, item) for item in RATING_ITEMS} == {"very_satisfied"}
