"""V4 in real Chromium (zh-CN): a customer answers the survey from the link, without logging in; the
link works once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from aftersales.surveys.models import Recipient, Response
from aftersales.surveys.selectors import recipient_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def link(make_user: Any, actor_of: Any) -> str:
    from aftersales.surveys.services import campaign_create
    from tests.installed_base.factories import CustomerFactory, ProductFactory, UnitFactory

    customer = CustomerFactory(name="湖南税控设备用户有限公司")
    UnitFactory(customer=customer, product=ProductFactory(model="HCC-TAX-1"))
    analyst = actor_of(make_user("analyst"))
    campaign = campaign_create(
        actor=analyst, title="2026 年下半年用户满意度调查", period="2026-H2", customers=[customer.pk]
    )
    return reverse("portal:survey_answer", args=[recipient_token(Recipient.objects.get(campaign=campaign))])


def test_customer_answers_from_the_link_without_logging_in(live_server: Any, page: Page, link: str) -> None:
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("h1")).to_contain_text("用户满意度调查")
    form = page.locator("#survey-form")
    expect(form.locator('input[name="q1"][value="HCC-TAX-1"]')).to_be_checked()
    # no customer training in the year: item 6 starts at 未参加 (T2)
    expect(form.locator('input[name="q6"][value="not_attended"]')).to_be_checked()
    for number in (2, 4, 5, 7, 8):
        form.locator(f'input[name="q{number}"][value="satisfied"]').check()
    page.locator("#survey-submit").click()  # item 3 left empty: the form says so and keeps the answers
    expect(page.locator("#survey-form")).to_contain_text("请回答")
    assert not Response.objects.exists()
    page.locator('input[name="q3"][value="satisfied"]').check()
    page.locator("#survey-submit").click()
    expect(page.locator("#survey-done")).to_contain_text("感谢")
    response = Response.objects.get()
    assert (response.score, response.grade, response.products) == (100, "satisfied", ["HCC-TAX-1"])
    page.goto(f"{live_server.url}{link}")
    expect(page.locator("#survey-done")).to_contain_text("已")
