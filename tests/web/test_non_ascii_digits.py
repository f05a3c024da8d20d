"""Ids and versions typed into a URL or a form with non-ASCII digits ("²", "١") are not ids: the pages
answer 404 or ignore them, never a server error. `"²".isdigit()` is True but `int("²")` raises, so each
`x.isdigit()` check before `int(x)` must also ask `x.isascii()` (review20)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.accounts.selectors import actor_for
from aftersales.customers.services import vetting as vetting_svc
from aftersales.surveys.services import campaign_create
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db
SUPERSCRIPT_TWO = "²"


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def test_detail_pages_answer_404(make_user: Any) -> None:
    agent = _client(make_user("agent"))
    assert agent.get(f"/consultations/{SUPERSCRIPT_TWO}/").status_code == 404
    trainer = _client(make_user("trainer"))
    assert trainer.get(f"/training/customers/{SUPERSCRIPT_TWO}/").status_code == 404


def test_visit_form_ignores_the_item(make_user: Any) -> None:
    client = _client(make_user("sales"))
    assert client.get(reverse("customers:visit_new") + f"?item={SUPERSCRIPT_TWO}").status_code == 200


def test_vetting_post_with_such_a_version_is_not_a_server_error(make_user: Any) -> None:
    sales = make_user("sales")
    vetting = vetting_svc.vetting_create(actor=actor_for(sales), name="新星电子有限公司")
    rows = {f"c{item.position}-result": "meets" for item in vetting.items.all()}
    response = _client(sales).post(
        reverse("customers:vetting_detail", args=[vetting.pk]), {"action": "save", "version": SUPERSCRIPT_TWO, **rows}
    )
    assert response.status_code == 302


def test_paper_survey_entry_ignores_such_a_customer(make_user: Any) -> None:
    customer = CustomerFactory()
    campaign = campaign_create(
        actor=actor_for(make_user("analyst")), title="年度满意度调查", period="2026", customers=[customer.pk]
    )
    client = _client(make_user("agent"))
    url = reverse("surveys:response_entry", args=[campaign.pk]) + f"?customer={SUPERSCRIPT_TWO}"
    assert client.get(url).status_code == 200
