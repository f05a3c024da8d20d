"""The pickers in a real browser: the intake's symptom list narrowed by a synonym (htmx), and the
complaint form's service requests of the chosen customer loaded by htmx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftersales.service.models import ServiceRequest
from tests.browser.conftest import login
from tests.installed_base.factories import UnitFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_symptom_search_by_synonym_and_service_request_picker(live_server, page: Page, make_user) -> None:
    from aftersales.accounts.models import Region
    from aftersales.accounts.selectors import actor_for
    from aftersales.customers.services import customer_create
    from aftersales.service.services.codes import fault_code_create

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    agent = make_user("agent", username="agent1", display_name="陈客服")
    boss = actor_for(make_user("cs_manager", username="boss1", display_name="钱部长"))
    spindle = fault_code_create(
        actor=boss, kind="symptom", category="数控机床", code="SPN", name="主轴异响", synonyms="主轴噪声"
    )
    fault_code_create(actor=boss, kind="symptom", code="ALM", name="系统报警", synonyms="数控报警")
    customer = customer_create(
        actor=actor_for(agent), name="上海华东精密机械有限公司", phone="021-64001234", region_id=region.pk
    )
    UnitFactory(
        customer=customer,
        acceptance_date=timezone.localdate() - dt.timedelta(days=100),
        production_date=timezone.localdate() - dt.timedelta(days=130),
    )
    login(page, live_server, "agent1")
    page.goto(f"{live_server.url}{reverse('service:request_create')}?customer={customer.pk}")
    options = page.locator("#id_symptom_code option")
    expect(options).to_have_count(3)  # —, 系统报警, 主轴异响
    page.locator("#symptom-code-q").press_sequentially("噪声", delay=20)
    expect(options).to_have_count(2)
    page.locator("#id_symptom_code").select_option(str(spindle.pk))
    page.locator("#id_fault").fill("主轴有噪声")
    page.locator("#intake-submit").click()
    page.wait_for_url("**/service/requests/FW*/")
    sr = ServiceRequest.objects.get()
    assert sr.symptom_code_id == spindle.pk

    page.goto(f"{live_server.url}{reverse('complaints:complaint_create')}?customer={customer.pk}")
    expect(page.locator(f'#id_service_request option[value="{sr.number}"]')).to_have_count(1)
