"""S1–S11 in a real browser: an in-warranty repair from the hotline to the manager's countersignature.

The agent registers the call on the intake page, the team lead dispatches it on the board, the
engineer works it on a phone-sized screen (book, check in, complete with the self-check, the
customer signs on the canvas), the manager closes it; every state is read in Chinese on the page.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login, screenshot
from tests.installed_base.factories import UnitFactory

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _switch_user(page: Page, live_server, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_s1_s11_in_warranty_request_from_hotline_to_countersignature(
    live_server, page: Page, make_user, tmp_path: Path
) -> None:
    from aftersales.accounts.models import Region, ServicePoint
    from aftersales.accounts.selectors import actor_for
    from aftersales.customers.services import customer_create

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    point = ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    agent = make_user("agent", username="agent1", display_name="陈客服")
    make_user("team_lead", username="lead1", display_name="赵组长")
    make_user("cs_manager", username="boss1", display_name="钱部长")
    make_user("engineer", username="eng1", display_name="张工", service_point_id=point.pk)
    make_user("engineer", username="eng2", display_name="李工")
    customer = customer_create(
        actor=actor_for(agent),
        name="上海华东精密机械有限公司",
        phone="021-64001234",
        address="上海市闵行区申富路 88 号",
        region_id=region.pk,
    )
    unit = UnitFactory(
        customer=customer,
        serial="SN-BR-0001",
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )
    page.set_viewport_size(DESKTOP)

    # 1. The agent takes the call: finds the caller by phone, the only unit is chosen, registers.
    login(page, live_server, "agent1")
    page.locator("nav").get_by_text("服务登记").click()
    page.locator("#intake-q").press_sequentially("+86 21 6400 1234", delay=20)
    result = page.locator(f'.intake-customer[data-customer="{customer.pk}"]')
    expect(result).to_be_visible()  # live results (htmx), no form submit
    assert "q=" not in page.url
    result.click()
    expect(page.locator("#intake-customer")).to_contain_text("上海华东精密机械有限公司")
    expect(page.locator(f'#intake-units tr[data-unit="{unit.serial}"]')).to_contain_text("在保")
    expect(page.locator("#id_unit")).to_have_value(unit.serial)
    expect(page.locator("#id_phone")).to_have_value("021-64001234")
    page.locator("#id_priority").select_option("serious")
    page.locator("#id_symptom").fill("主轴异响")
    page.locator("#id_fault").fill("主轴异响，无法加工")
    page.locator("#id_contact_name").fill("王工")
    screenshot(page, "service-0-intake")
    page.locator("#intake-submit").click()
    page.wait_for_url("**/service/requests/FW*/")
    sr = ServiceRequest.objects.get()
    expect(page.locator("#request-number")).to_have_text(sr.number)
    expect(page.locator("#request-state")).to_have_text("已登记")
    expect(page.locator("#charging-type")).to_contain_text("C")
    expect(page.locator("#charging-basis")).to_contain_text("S4")
    expect(page.locator("#clocks [data-clock]")).to_have_count(3)
    screenshot(page, "service-1-registered")

    # 2. The team lead dispatches on the board: the engineer of the service point comes first.
    _switch_user(page, live_server, "lead1")
    page.locator("nav").get_by_text("派工看板").click()
    row = page.locator(f'#board-table tr[data-number="{sr.number}"]')
    expect(row).to_be_visible()
    options = row.locator("select option")
    expect(options.nth(1)).to_contain_text("张工")
    expect(options.nth(1)).to_contain_text("同服务网点")
    row.locator("select").select_option("eng1")
    screenshot(page, "service-2-board")
    row.get_by_role("button", name="派工").click()
    expect(page.locator(f'#board-table tr[data-number="{sr.number}"]')).to_have_count(0)
    page.goto(f"{live_server.url}/service/requests/{sr.number}/")
    expect(page.locator("#request-state")).to_have_text("已派工")
    expect(page.locator("#request-engineer")).to_contain_text("张工")

    # 3. The engineer on a phone: books the visit, checks in, completes with the self-check.
    _switch_user(page, live_server, "eng1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/service/engineer/")
    job = page.locator(f'.engineer-job[data-number="{sr.number}"]')
    expect(job).to_contain_text("已派工")
    screenshot(page, "service-3-engineer-jobs")
    job.click()
    expect(page.locator("#request-state")).to_have_text("已派工")
    page.locator("#job-book summary").click()
    visit = timezone.localtime() + dt.timedelta(hours=2)
    page.locator("#id_book-visit_at").fill(visit.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_book-confirmed_fault").fill("主轴轴承磨损")
    page.locator("#submit-book").click()
    expect(page.locator("#request-state")).to_have_text("已预约")
    page.locator("#submit-arrive").click()
    expect(page.locator("#request-state")).to_have_text("现场处理中")
    button_box = page.locator("#job-complete summary").bounding_box()
    assert button_box is not None
    assert button_box["width"] > 300  # big buttons across the phone screen
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling

    page.locator("#job-complete summary").click()
    page.locator("#id_complete-resolution").select_option("on_site")
    page.locator("#id_complete-work_summary").fill("更换主轴轴承，试机正常")
    page.locator("#id_complete-labour_minutes").fill("90")
    page.locator("#submit-complete").click()
    error = page.locator('[data-field-error="complete-self_check_passed"]')
    expect(error).to_contain_text("自检")
    expect(page.locator("#request-state")).to_have_text("现场处理中")
    page.locator("#id_complete-self_check_passed").check()
    page.locator("#submit-complete").click()
    expect(page.locator("#request-state")).to_have_text("已完工")

    # 4. The customer signs on the canvas with a finger (mouse moves).
    canvas = page.locator("#signature-pad")
    expect(canvas).to_be_visible()
    page.locator("#id_sign-signed_by_name").fill("王工")
    page.locator("#submit-sign").click()  # nothing drawn yet: refused in the page
    expect(page.locator("#signature-empty")).to_be_visible()
    box = canvas.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + 150)
    page.mouse.down()
    for step in range(1, 25):
        page.mouse.move(box["x"] + 30 + step * 12, box["y"] + 150 - (step % 6) * 18, steps=2)
    page.mouse.up()
    screenshot(page, "service-4-signature")
    page.locator("#submit-sign").click()
    expect(page.locator("#request-state")).to_have_text("客户已签字")
    expect(page.locator("#signature-image")).to_be_visible()
    screenshot(page, "service-5-engineer-signed")
    signed = ServiceRequest.objects.get(pk=sr.pk)
    assert bytes(signed.signature_png).startswith(b"\x89PNG")
    assert (signed.signed_by_name, signed.labour_minutes, signed.self_check_passed) == ("王工", 90, True)

    # 5. The manager countersigns and closes on the request page.
    page.set_viewport_size(DESKTOP)  # the login helper looks for the expanded navbar
    _switch_user(page, live_server, "boss1")
    page.goto(f"{live_server.url}/service/requests/{sr.number}/")
    expect(page.locator("#request-state")).to_have_text("客户已签字")
    expect(page.locator("#signed-by")).to_contain_text("王工")
    page.locator("#id_close-note").fill("已电话回访，客户满意")
    page.locator("#submit-close").click()
    expect(page.locator("#request-state")).to_have_text("已关闭")
    expect(page.locator("#closed-by")).to_contain_text("钱部长")
    expect(page.locator("#timeline li")).not_to_have_count(0)
    screenshot(page, "service-6-closed")
    assert ServiceRequest.objects.get(pk=sr.pk).state == "closed"

    # 6. The customer's portal user sees it closed and downloads the signed repair order.
    make_user("customer", username="portal1", customer_id=customer.pk)
    _switch_user(page, live_server, "portal1")
    page.goto(f"{live_server.url}/portal/requests/{sr.number}/")
    expect(page.locator("#portal-request-state")).to_have_text("已关闭")
    screenshot(page, "service-7-portal")
    href = page.locator("#portal-repair-order-pdf").get_attribute("href")
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert_signed_repair_order(tmp_path, response.body(), sr.number)


def assert_signed_repair_order(tmp_path: Path, pdf: bytes, number: str) -> None:
    """The PDF's text is Chinese and complete, the signature is embedded, and a page image shows it."""
    path = tmp_path / "repair-order.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in ("产品维修单", number, "王工", "更换主轴轴承"):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    assert len(images.splitlines()[2:]) >= 1  # the customer's signature
    # An image of page 1 is a real page (text and signature), and the embedded signature has ink.
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    subprocess.run(["pdfimages", "-png", str(path), str(tmp_path / "img")], check=True)
    from PIL import Image

    page_image = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
    assert sum(page_image.histogram()[:128]) > 1000
    signature = Image.open(sorted(tmp_path.glob("img-*.png"))[0]).convert("L")  # [1] is its alpha mask
    assert sum(signature.histogram()[:128]) > 50  # the strokes drawn on the canvas
