"""Visit (C7) and vetting (C5) pages and exports name people by their display name, never by their login
name (house rule: no user text shows login names; core.selectors.display_name). Users are created with a
display name only, so `get_full_name() or username` showed the login name everywhere (review20)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.selectors import actor_for
from aftersales.customers.services import vetting as vetting_svc
from aftersales.customers.services import visits as visit_svc
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db
LOGIN = "rep_wang_login"
NAME = "王代表"


def _sheet_text(response) -> str:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return " ".join(str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None)


@pytest.fixture
def rep(make_user):
    return make_user("sales", username=LOGIN, display_name=NAME)


def test_visit_pages_and_exports_show_the_display_name(rep) -> None:
    customer = CustomerFactory(owner=rep, name="华东机械有限公司")
    actor = actor_for(rep)
    today = timezone.localdate()
    plan = visit_svc.visit_plan_create(actor=actor, year=today.year, month=today.month)
    visit_svc.visit_plan_item_add(actor=actor, plan_id=plan.pk, customer_id=customer.pk, month=today.month)
    report = visit_svc.visit_report_file(actor=actor, customer_id=customer.pk, visited_on=today, findings="运行正常")
    visit_svc.gift_request_create(actor=actor, customer_id=customer.pk, description="台历", value="100")
    client = Client()
    client.force_login(rep)
    pages = [
        client.get(reverse("customers:visit_list")),
        client.get(reverse("customers:visit_detail", args=[report.pk])),
        client.get(reverse("customers:visit_plans")),
        client.get(reverse("customers:visit_plan", args=[plan.pk])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert NAME in body
        assert LOGIN not in body
    for url in (reverse("customers:visit_list"), reverse("customers:gift_list")):
        text = _sheet_text(client.get(url + "?export=xlsx"))
        assert NAME in text
        assert LOGIN not in text


def test_vetting_pages_and_export_show_the_display_name(rep) -> None:
    vetting = vetting_svc.vetting_create(actor=actor_for(rep), name="新星电子有限公司")
    client = Client()
    client.force_login(rep)
    for url in (reverse("customers:vetting_list"), reverse("customers:vetting_detail", args=[vetting.pk])):
        body = client.get(url).content.decode()
        assert NAME in body
        assert LOGIN not in body
    text = _sheet_text(client.get(reverse("customers:vetting_list") + "?export=xlsx"))
    assert NAME in text
    assert LOGIN not in text
