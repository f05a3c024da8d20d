"""V2 in real Chromium (zh-CN): an agent works a callback from the queue with the script and the timer,
hears a problem and opens a service request from the callback in one step."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftersales.callbacks.models import Callback
from aftersales.callbacks.services import callbacks_plan
from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned(make_user: Any) -> Callback:
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    make_user("agent", username="agent1", display_name="李客服")
    customer = CustomerFactory(name="长沙精密机械有限公司", phone="0731-5512903")
    UnitFactory(customer=customer, serial="SN-CB-0001", acceptance_date=timezone.localdate() - dt.timedelta(days=60))
    today = timezone.localdate()
    callbacks_plan(on=today.replace(day=28) if today.day < 28 else today)
    callback = Callback.objects.get(kind="warranty_month")
    Callback.objects.filter(pk=callback.pk).update(try_on=today)  # callable today
    return callback


def test_agent_works_a_callback_and_opens_a_request(live_server: Any, page: Page, planned: Callback) -> None:
    login(page, live_server, "agent1")
    expect(page.locator("body")).to_contain_text("待回访")  # the home queue tile
    page.goto(f"{live_server.url}/callbacks/")
    row = page.locator(f'tr[data-callback="{planned.pk}"]')
    expect(row).to_contain_text("长沙精密机械有限公司")
    row.locator("a").click()
    expect(page.locator("#script-opening")).to_contain_text("保修期内")
    expect(page.locator("#script-closing")).to_contain_text("感谢您的支持")
    expect(page.locator("#callback-timer")).to_have_text("0:01", timeout=5000)
    form = page.locator("#callback-outcome")
    form.locator('input[name="result"][value="reached"]').check()
    form.locator("#id_satisfaction").select_option("average")
    form.locator("#id_note").fill("打印机偶尔卡纸，需要上门检查")
    form.locator("#id_opens").select_option("service_request")
    page.locator("#callback-save").click()
    expect(page.locator(".alert-success")).to_contain_text("已")
    callback = Callback.objects.get(pk=planned.pk)
    assert callback.state == "done"
    assert callback.opened_request is not None
    request = ServiceRequest.objects.get(pk=callback.opened_request_id)
    assert request.unit is not None
    assert request.unit.serial == "SN-CB-0001"
    assert "卡纸" in request.fault
    assert callback.talk_seconds is not None
    assert callback.talk_seconds >= 1
    assert request.number in page.url
