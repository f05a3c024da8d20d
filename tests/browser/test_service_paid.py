"""B1, V3 in real Chromium (zh-CN): an out-of-warranty repair is quoted by the engineer on the request
page, accepted by the customer on the portal, completed, and the customer rates the engineer."""

from __future__ import annotations

import base64
import io
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from aftersales.followup.models import ServiceRating
from aftersales.service import services
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services.quotes import fee_standard_approve, fee_standard_create
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def case(make_user: Any, actor_of: Any) -> dict[str, Any]:
    """A same-city customer with an out-of-warranty unit, its portal user, the staff of the case."""
    import datetime as dt

    from aftersales.accounts.models import Region, ServicePoint
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    customer = CustomerFactory(name="上海精密机械有限公司", region=region, phone="021-64001234")
    unit = UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1), production_date=dt.date(2019, 1, 1))
    make_user("customer", username="kehu_wang", display_name="王科长", customer_id=customer.pk)
    return {
        "customer": customer,
        "unit": unit,
        "agent": actor_of(make_user("agent", username="agent1")),
        "team_lead": actor_of(make_user("team_lead", username="lead1")),
        "cs_manager": actor_of(make_user("cs_manager", username="boss1")),
        "finance": actor_of(make_user("finance", username="fin1")),  # B2: drafts the fee standard
        "engineer": actor_of(make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk)),
    }


def test_b1_v3_quote_offered_accepted_on_the_portal_completed_and_rated(
    live_server: Any, page: Page, case: dict[str, Any], tmp_path: Path
) -> None:
    staff, customer, old_unit = case, case["customer"], case["unit"]
    fee = fee_standard_create(actor=staff["finance"], labour_rate=Decimal("200.00"), callout_fee=Decimal("100.00"))
    fee_standard_approve(actor=staff["cs_manager"], version=fee.version)
    # Registered by the hotline (out of warranty: charging type A) and dispatched to eng1.
    request = services.service_request_create(
        actor=staff["agent"],
        customer_id=customer.pk,
        serial=old_unit.serial,
        channel="phone",
        fault="主轴异响，无法加工",
    )
    assert request.charging_type == "A"
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)

    # 1. The engineer offers a quotation on the request page.
    login(page, live_server, "eng1")
    page.goto(f"{live_server.url}/service/requests/{request.number}/")
    panel = page.locator("#quote-panel")
    expect(panel).to_be_visible()
    panel.locator("#id_offer-labour_hours").fill("1.5")
    panel.locator("#id_lines-0-part_code").fill("6205")
    panel.locator("#id_lines-0-description").fill("主轴轴承 6205")
    panel.locator("#id_lines-0-quantity").fill("2")
    panel.locator("#id_lines-0-unit_price").fill("85.50")
    panel.locator("#quote-offer-submit").click()
    expect(page.locator("#quote-total")).to_have_text("571.00")  # 1.5 h × 200 + 100 + 2 × 85.50
    quote = Quote.objects.get()
    assert quote.state == "offered"
    assert ServiceRequest.objects.get(pk=request.pk).state == "quoted"
    screenshot(page, "service-paid-1-quote-offered")

    # 2. The customer accepts it on the portal.
    page.context.clear_cookies()
    login(page, live_server, "kehu_wang")
    page.goto(f"{live_server.url}/portal/requests/")
    expect(page.locator("#portal-nav")).to_contain_text("我的服务请求")
    page.locator(f'#portal-requests a:has-text("{request.number}")').click()
    card = page.locator("#portal-quote")
    expect(card).to_contain_text("本次服务为有偿服务，请核对报价并确认接受或拒绝。")
    expect(card).to_contain_text("报价单")
    expect(page.locator("#portal-quote-total")).to_have_text("571.00")
    expect(page.locator("#id_accept-decided_by_name")).to_have_value("王科长")
    page.locator("#id_accept-payment_date").fill("2026-12-31")
    screenshot(page, "service-paid-2-portal-quote")
    page.locator("#portal-quote-accept-submit").click()
    expect(page.locator(".alert-success")).to_contain_text(f"您已接受报价单 {quote.number}，服务将继续进行。")
    quote.refresh_from_db()
    assert (quote.state, quote.decided_via, str(quote.payment_date)) == ("accepted", "portal", "2026-12-31")
    assert ServiceRequest.objects.get(pk=request.pk).state == "on_site"

    # 3. The engineer completes the job and the customer signs the repair order.
    services.service_request_step_add(actor=staff["engineer"], number=request.number, text="更换主轴轴承 6205 两只")
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王科长"
    )

    # 4. The customer rates the engineer on the portal.
    page.goto(f"{live_server.url}/portal/requests/{request.number}/")
    expect(page.locator("#portal-steps")).to_contain_text("更换主轴轴承 6205 两只")
    form = page.locator("#portal-rate-form")
    expect(page.locator("#portal-rate")).to_contain_text("评价工程师")
    expect(form).to_contain_text("服务态度")
    expect(form).to_contain_text("非常满意")
    for item, level in [
        ("attitude", "very_satisfied"),
        ("skill", "very_satisfied"),
        ("arrival_time", "satisfied"),
        ("promises_kept", "very_satisfied"),
    ]:
        form.locator(f'[data-item="{item}"] input[value="{level}"] + label').click()
    form.locator("textarea").fill("张工技术过硬，讲解清楚")
    page.locator("#portal-rate-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("感谢您对我们服务的评价。")
    expect(page.locator("#portal-rating")).to_contain_text("您对工程师的评价")
    screenshot(page, "service-paid-3-rated")
    # The customer downloads the accepted quotation and the signed repair order from the portal.
    quotation = _pdf_text(page, live_server, "#portal-quote-pdf", tmp_path)
    for expected in ("报价单", quote.number, "接受"):
        assert expected in quotation, expected
    repair_order = _pdf_text(page, live_server, "#portal-repair-order-pdf", tmp_path)
    for expected in ("产品维修单", request.number):
        assert expected in repair_order, expected
    rating = ServiceRating.objects.get()
    assert (rating.engineer_id, rating.attitude, rating.arrival_time, rating.channel) == (
        staff["engineer"].pk,
        "very_satisfied",
        "satisfied",
        "portal",
    )


def _pdf_text(page: Page, live_server: Any, link: str, tmp_path: Path) -> str:
    """Fetch the PDF behind a link of the current page with the browser's session; its text."""
    response = page.request.get(f"{live_server.url}{page.locator(link).get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "document.pdf"
    path.write_bytes(response.body())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
