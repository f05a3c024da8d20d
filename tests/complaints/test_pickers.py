"""Pickers on the complaint pages: the customer's service requests (htmx options) instead of a typed
number at registration, and CAPA owners picked by name (never their login names)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.complaints.models import Complaint, CorrectiveAction
from aftersales.service.services import service_request_create

pytestmark = pytest.mark.django_db
OPTIONS = reverse("complaints:service_request_options")


def _client(actor: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(actor.user)
    return client


@pytest.fixture
def requests_of(staff: dict[str, Any]) -> Any:
    from tests.installed_base.factories import UnitFactory

    def _make(customer: Any) -> Any:
        unit = UnitFactory(customer=customer)
        return service_request_create(
            actor=staff["agent"], customer_id=customer.pk, serial=unit.serial, channel="phone", fault="主轴异响"
        )

    return _make


def test_registration_offers_the_customers_service_requests_and_saves_the_picked_one(staff, customer, requests_of):
    from tests.complaints.test_views import CREATE, _register_data
    from tests.installed_base.factories import CustomerFactory

    mine = requests_of(customer)
    theirs = requests_of(CustomerFactory())
    agent = _client(staff["agent"])
    page = agent.get(f"{CREATE}?customer={customer.pk}").content.decode()
    assert f'hx-get="{OPTIONS}?customer={customer.pk}' in page
    assert 'name="service_request"' in page
    assert "<select" in page
    options = agent.get(OPTIONS, {"customer": customer.pk}).content.decode()
    assert f'value="{mine.number}"' in options
    assert theirs.number not in options
    response = agent.post(CREATE, _register_data(customer, service_request=mine.number))
    assert response.status_code == 302
    assert Complaint.objects.get().service_request_id == mine.pk
    refused = agent.post(CREATE, _register_data(customer, service_request=theirs.number))
    assert refused.status_code == 422
    assert Complaint.objects.count() == 1


def test_service_request_options_are_scoped(staff, make_user, customer):
    assert _client(staff["agent"]).get(OPTIONS, {"customer": "x"}).status_code == 404
    assert _client(staff["agent"]).get(OPTIONS, {"customer": 999999}).status_code == 404
    anonymous = Client().get(OPTIONS, {"customer": customer.pk})
    assert anonymous.status_code == 302
    portal = Client()
    portal.force_login(make_user("customer", customer_id=customer.pk))
    assert portal.get(OPTIONS, {"customer": customer.pk}).status_code == 403


def test_capa_owner_is_picked_by_name_and_the_right_user_is_saved(staff, make_user, new_complaint):
    owner = make_user("quality", username="qc_wang", display_name="王质检")
    complaint = new_complaint()
    agent = _client(staff["agent"])
    detail = reverse("complaints:complaint_detail", args=[complaint.number])
    page = agent.get(detail).content.decode()
    select = re.search(r'<select name="capa_plan-owner".*?</select>', page, re.S)
    assert select is not None
    shown = re.findall(r">([^<]*)</option>", select.group(0))
    assert "王质检" in shown
    assert not any(u in text for text in shown for u in ("qc_wang", "agent", "team_lead"))  # never login names
    assert "engineer" not in select.group(0)  # an engineer does not carry out corrective actions (K14)
    response = agent.post(
        detail,
        {
            "action": "capa_plan",
            "capa_plan-needed": "on",
            "capa_plan-measures": "包装加固",
            "capa_plan-owner": owner.username,
            "capa_plan-due_date": "2099-01-31",
        },
    )
    assert response.status_code == 302
    assert CorrectiveAction.objects.get().owner_id == owner.pk
