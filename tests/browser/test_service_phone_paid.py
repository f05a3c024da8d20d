"""Issue 13 point 3 in real Chromium at 390×844: the commonest paid field job on the engineer's phone.

The engineer opens the job, checks in, records the part used, quotes it (the part is already a
quote line: not typed again), the customer signs the acceptance on the phone (labelled as the
customer, never an approver), the engineer completes the job and collects the cash. Every click or
tap is counted: the whole job takes at most 14 (it took 27 before).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from aftersales.service import services
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services.quotes import fee_standard_approve, fee_standard_create
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
MAX_TAPS = 14


class Taps:
    """Counts every click/tap (and each signature drawn) the engineer and the customer make."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.count = 0

    def tap(self, locator: Locator) -> None:
        self.count += 1
        locator.click()

    def sign(self, canvas: Locator) -> None:
        self.count += 1  # one gesture of the finger
        canvas.scroll_into_view_if_needed()
        box = canvas.bounding_box()
        assert box is not None
        self.page.mouse.move(box["x"] + 30, box["y"] + 120)
        self.page.mouse.down()
        for step in range(1, 25):
            self.page.mouse.move(box["x"] + 30 + step * 12, box["y"] + 120 - (step % 6) * 15, steps=2)
        self.page.mouse.up()


def _fits_the_phone(page: Page) -> None:
    """No sideways scrolling, and every visible input has a label (for= or aria-label)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll(
                 '#job-fee input, #job-fee textarea, #job-fee select, '
                 + '#job-actions input, #job-actions textarea, #job-actions select')]
            .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
            .filter(e => !(e.id && document.querySelector(`label[for="${e.id}"]`)) && !e.getAttribute('aria-label'))
            .map(e => e.name)"""
    )
    assert unlabelled == []


@pytest.fixture
def job(make_user: Any, actor_of: Any) -> ServiceRequest:
    """An out-of-warranty request (charging type A) dispatched to eng1; an approved fee standard."""
    from aftersales.accounts.models import Region, ServicePoint
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    customer = CustomerFactory(name="上海精密机械有限公司", region=region, phone="021-64001234")
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1), production_date=dt.date(2019, 1, 1))
    agent = actor_of(make_user("agent", username="agent1"))
    lead = actor_of(make_user("team_lead", username="lead1"))
    manager = actor_of(make_user("cs_manager", username="boss1"))
    finance = actor_of(make_user("finance", username="fin1", display_name="李会计"))
    make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk)
    fee = fee_standard_create(actor=finance, labour_rate=Decimal("200.00"), callout_fee=Decimal("100.00"))
    fee_standard_approve(actor=manager, version=fee.version)
    request = services.service_request_create(
        actor=agent,
        customer_id=customer.pk,
        serial=unit.serial,
        channel="phone",
        fault="主轴异响，无法加工",
        contact_name="王建国",
    )
    assert request.charging_type == "A"
    services.service_request_dispatch(actor=lead, number=request.number, engineer="eng1")
    # P3: the bearing is in the catalogue at an approved list price and in eng1's van stock.
    from aftersales.parts.models import Store
    from aftersales.parts.services.catalogue import part_create, price_list_decide
    from aftersales.parts.services.stock import stock_receive

    keeper = actor_of(make_user("parts_keeper", username="keeper1"))
    bearing = part_create(actor=keeper, code="BRG-6205", name="主轴轴承 6205", price="85.50")
    price_list_decide(actor=manager, version=1, approve=True)
    eng1 = ServicePoint.objects.get(code="SP-SH").staff.get(username="eng1")
    van = Store.objects.create(code="VAN-ENG1", name="张工随车库", kind="engineer", engineer=eng1, owner=eng1)
    stock_receive(actor=keeper, store=van, part=bearing, quantity=5)
    return request


def test_paid_field_job_on_the_phone_in_at_most_14_taps(live_server: Any, page: Page, job: ServiceRequest) -> None:
    page.set_viewport_size(DESKTOP)  # the login helper looks for the expanded navbar
    login(page, live_server, "eng1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/service/engineer/")
    taps = Taps(page)

    # 1. Open the job: the charge is explained in plain Chinese.
    taps.tap(page.locator(f'.engineer-job[data-number="{job.number}"]'))
    expect(page.locator("#request-state")).to_have_text("已派工")
    expect(page.locator("#charge-explanation")).to_contain_text("已过保修期")
    expect(page.locator("#charge-explanation")).to_contain_text("200.00")
    _fits_the_phone(page)

    # 2. Check in.
    taps.tap(page.locator("#submit-arrive"))
    expect(page.locator("#request-state")).to_have_text("现场处理中")

    # 3. Record the part used: picked from the van stock, priced from the approved list price.
    taps.tap(page.locator("#job-part summary"))
    page.locator("#id_part-part").select_option("BRG-6205")
    page.locator("#id_part-quantity").fill("2")
    taps.tap(page.locator("#submit-part"))
    expect(page.locator("#parts-used")).to_contain_text("主轴轴承 6205")

    # 4. Quote: the recorded part is already a line; only the labour is typed.
    offer = page.locator("#job-quote-offer")
    expect(offer).to_be_visible()
    expect(page.locator("#job-quote-parts")).to_contain_text("主轴轴承 6205")
    _fits_the_phone(page)
    page.locator("#id_quote-labour_hours").fill("1.5")
    taps.tap(page.locator("#submit-quote"))
    expect(page.locator("#request-state")).to_have_text("待确认报价")
    expect(page.locator("#job-quote-total")).to_have_text("571.00")  # 1.5 h × 200 + 100 + 2 × 85.50

    # 5. The customer checks the quotation and signs on the phone: called the customer, not an approver.
    sign = page.locator("#job-quote-sign")
    expect(sign).to_contain_text("客户")
    expect(page.locator("body")).not_to_contain_text("审批人")
    expect(page.locator("#id_accept_quote-customer_name")).to_have_value("王建国")
    _fits_the_phone(page)
    screenshot(page, "service-phone-paid-1-sign-quote")
    taps.sign(page.locator("#signature-pad"))
    taps.tap(page.locator("#submit-accept_quote"))
    expect(page.locator("#request-state")).to_have_text("现场处理中")
    expect(page.locator("#job-quote-accepted")).to_contain_text("王建国")

    # 6. Complete: the labour is the quoted labour (prefilled).
    taps.tap(page.locator("#job-complete summary"))
    expect(page.locator("#id_complete-labour_minutes")).to_have_value("90")
    page.locator("#id_complete-work_summary").fill("更换主轴轴承，试机正常")
    taps.tap(page.locator("#id_complete-self_check_passed"))
    taps.tap(page.locator("#submit-complete"))
    expect(page.locator("#request-state")).to_have_text("已完工")

    # 7. Collect the cash (571.00 ≤ the 2,000 yuan limit) for finance to confirm.
    expect(page.locator("#job-collect")).to_contain_text("571.00")
    taps.tap(page.locator("#submit-collect"))
    expect(page.locator("#job-payment-state")).to_have_text("现场收取")
    _fits_the_phone(page)
    screenshot(page, "service-phone-paid-2-collected")

    assert taps.count <= MAX_TAPS, taps.count
    quote = Quote.objects.get()
    assert (quote.state, quote.decided_via, quote.decided_by_name) == ("accepted", "onsite", "王建国")
    assert (quote.payment_state, quote.collected_amount) == ("collected", Decimal("571.00"))
    assert list(quote.lines.values_list("description", "quantity")) == [("主轴轴承 6205", 2)]
    done = ServiceRequest.objects.get(pk=job.pk)
    assert (done.state, done.labour_minutes) == ("completed", 90)
