"""C7 in real Chromium (zh-CN) on a phone-sized screen: an engineer asks for a gift before the visit, the sales
manager approves it, and the engineer files the visit report of a planned visit with the approved gift."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.models import Approval
from aftersales.approvals.services import approval_decide
from aftersales.customers.models import GiftRequest, VisitPlanItem, VisitReport
from aftersales.customers.services.visits import visit_plan_create, visit_plan_item_add
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planned(make_user: Any) -> dict[str, Any]:
    from tests.customers.factories import CustomerFactory

    engineer = make_user("engineer", username="eng_visit", display_name="王工")
    manager = make_user("sales_manager", username="mgr_visit", display_name="孙经理")
    customer = CustomerFactory(name="苏州精工设备有限公司", owner=engineer)
    today = timezone.localdate()
    plan = visit_plan_create(actor=actor_for(engineer), year=today.year, month=today.month)
    item = visit_plan_item_add(actor=actor_for(engineer), plan_id=plan.pk, customer_id=customer.pk, purpose="technical")
    return {"engineer": engineer, "manager": manager, "customer": customer, "plan": plan, "item": item}


def test_engineer_files_a_visit_report_with_a_gift_approved_first(
    live_server: Any, page: Page, planned: dict[str, Any]
) -> None:
    login(page, live_server, "eng_visit")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone (after signing in: the navbar collapses)
    expect(page.locator("body")).to_contain_text("本月应走访用户")  # the home queue tile
    page.goto(f"{live_server.url}/customers/visits/gifts/")
    form = page.locator("#gift-form")
    form.locator("#id_customer").fill(planned["customer"].code)
    form.locator("#id_description").fill("公司纪念台历")
    form.locator("#id_value").fill("200")
    page.locator("#gift-ask").click()
    expect(page.locator("#gift-table")).to_contain_text("待审批")
    gift = GiftRequest.objects.get()
    # the sales manager approves it (value below the lower limit of C7.gift_limits)
    approval = Approval.objects.get(kind="gift", subject_id=str(gift.pk))
    approval_decide(actor=actor_for(planned["manager"]), approval_id=approval.pk, approve=True)
    page.goto(f"{live_server.url}/customers/visits/plans/{planned['plan'].pk}/")
    page.locator(f'tr[data-item="{planned["item"].pk}"] a').click()
    expect(page.locator("#id_plan_item")).to_have_value(str(planned["item"].pk))
    page.locator("#id_gift").select_option(str(gift.pk))
    page.locator("#id_people_met").fill("设备科张科长")
    page.locator("#id_findings").fill("设备运行正常，操作人员需培训")
    page.locator("#id_customer_opinion").fill("对服务满意")
    page.locator("#id_suggestions").fill("增加季度培训")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on the phone
    page.locator("#visit-save").click()
    expect(page.locator("#visit-gift")).to_contain_text("公司纪念台历")
    report = VisitReport.objects.get()
    assert report.plan_item_id == planned["item"].pk
    assert report.gift_id == gift.pk
    assert GiftRequest.objects.get(pk=gift.pk).state == "given"
    assert VisitPlanItem.objects.get(pk=planned["item"].pk).done
