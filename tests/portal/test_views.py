"""Portal pages (S1, B1, V3): a customer's user sees and acts on their own organisation's requests only."""

from __future__ import annotations

import base64
import io
from decimal import Decimal

import pytest
from django.test import Client

from aftersales.core.models import Event
from aftersales.followup.models import ServiceRating
from aftersales.service import services
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services.quotes import fee_standard_approve, fee_standard_create, quote_offer

pytestmark = pytest.mark.django_db


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


@pytest.fixture
def portal(make_user, customer):
    user = make_user("customer", username="kehu1", display_name="王科长", customer_id=customer.pk)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_portal(make_user, city):
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    other = CustomerFactory(region=city)
    UnitFactory(customer=other, serial="OTHER-0001")
    client = Client()
    client.force_login(make_user("customer", username="other", customer_id=other.pk))
    return client


@pytest.fixture
def quoted(staff, new_request, old_unit, fee_drafter):
    fee = fee_standard_create(actor=fee_drafter, labour_rate=Decimal("200.00"), callout_fee=Decimal("100.00"))
    fee_standard_approve(actor=staff["cs_manager"], version=fee.version)
    request = new_request(serial=old_unit.serial)
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_step_add(actor=staff["engineer"], number=request.number, text="检查主轴，轴承磨损")
    quote_offer(
        actor=staff["engineer"],
        number=request.number,
        labour_hours=Decimal("2"),
        lines=[{"part_code": "6205", "description": "主轴轴承", "quantity": 1, "unit_price": Decimal("85.00")}],
    )
    return ServiceRequest.objects.get(pk=request.pk)


def test_s1_portal_lists_and_shows_only_our_requests(portal, other_portal, quoted):
    page = portal.get("/portal/requests/")
    assert page.status_code == 200
    assert quoted.number in page.content.decode()
    detail = portal.get(f"/portal/requests/{quoted.number}/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "检查主轴，轴承磨损" in html
    assert "585.00" in html  # the quotation total: 2 h × 200 + 100 call-out + 85
    assert other_portal.get(f"/portal/requests/{quoted.number}/").status_code == 404
    assert quoted.number not in other_portal.get("/portal/requests/").content.decode()
    assert other_portal.post(f"/portal/requests/{quoted.number}/quote/accept/", {}).status_code == 404
    assert Quote.objects.get().state == "offered"


def test_s1_portal_pages_are_for_portal_users_only(staff):
    client = Client()
    client.force_login(staff["agent"].user)
    assert client.get("/portal/requests/").status_code == 403
    assert Client().get("/portal/requests/").status_code == 302  # to the login page


def test_s1_customer_reports_a_fault_for_their_unit(portal, customer, unit):
    page = portal.get("/portal/requests/new/")
    assert page.status_code == 200
    assert unit.serial in page.content.decode()
    response = portal.post(
        "/portal/requests/new/",
        {
            "serial": unit.serial,
            "kind": "repair",
            "priority": "serious",
            "fault": "液压站漏油",
            "contact_name": "王科长",
            "phone": "13800001111",
        },
    )
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert (request.channel, request.customer_id, request.unit_id, request.priority) == (
        "web",
        customer.pk,
        unit.pk,
        "serious",
    )
    assert response["Location"] == f"/portal/requests/{request.number}/"


def test_s1_customer_cannot_report_for_another_customers_unit(portal, other_portal):
    response = portal.post(
        "/portal/requests/new/", {"serial": "OTHER-0001", "kind": "repair", "priority": "general", "fault": "x"}
    )
    assert response.status_code == 200  # the form again: the unit is not among the choices
    assert not ServiceRequest.objects.exists()


def test_b1_customer_accepts_the_quotation_on_the_portal(portal, quoted):
    response = portal.post(
        f"/portal/requests/{quoted.number}/quote/accept/",
        {"accept-decided_by_name": "王科长", "accept-payment_date": "2026-12-31"},
    )
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.state, quote.decided_via, quote.decided_by_name) == ("accepted", "portal", "王科长")
    assert ServiceRequest.objects.get(pk=quoted.pk).state == "on_site"
    page = portal.get(f"/portal/requests/{quoted.number}/").content.decode()
    assert 'id="portal-quote-accept"' not in page


def test_b1_customer_declines_with_a_reason(portal, quoted):
    response = portal.post(f"/portal/requests/{quoted.number}/quote/decline/", {"decline-reason": ""})
    assert response.status_code == 200  # the reason is required
    assert Quote.objects.get().state == "offered"
    response = portal.post(f"/portal/requests/{quoted.number}/quote/decline/", {"decline-reason": "价格太高"})
    assert response.status_code == 302
    request = ServiceRequest.objects.get(pk=quoted.pk)
    assert (request.state, request.open, request.end_reason) == ("declined", False, "价格太高")


def test_v3_customer_rates_after_signing(portal, staff, new_request):
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换轴承",
        self_check_passed=True,
    )
    rating = {
        "rating-attitude": "very_satisfied",
        "rating-skill": "satisfied",
        "rating-arrival_time": "satisfied",
        "rating-promises_kept": "very_satisfied",
        "rating-comment": "很好",
    }
    assert 'id="portal-rate-form"' not in portal.get(f"/portal/requests/{request.number}/").content.decode()
    response = portal.post(f"/portal/requests/{request.number}/rate/", rating)
    assert response.status_code == 200  # not signed yet: the form with the error
    assert not ServiceRating.objects.exists()
    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )
    assert 'id="portal-rate-form"' in portal.get(f"/portal/requests/{request.number}/").content.decode()
    response = portal.post(f"/portal/requests/{request.number}/rate/", rating)
    assert response.status_code == 302
    assert ServiceRating.objects.get().comment == "很好"
    assert Event.objects.filter(action="servicerating.created").count() == 1
    page = portal.get(f"/portal/requests/{request.number}/").content.decode()
    assert 'id="portal-rating"' in page
    assert 'id="portal-rate-form"' not in page


@pytest.mark.django_db
def test_the_equipment_page_shows_the_cover_without_the_internal_explanation(portal, unit):
    """Regression (walk of the home pages): the portal's first page listed each unit's coverage
    explanation ("A3（制度版本 0）… S4：收费类型 C …"): rule ids, policy versions and charging types."""
    import re

    html = portal.get("/portal/").content.decode()
    assert unit.serial in html
    assert "在保" in html or "已过保" in html or "保修" in html
    assert not re.search(r"(?<![\w.-])[A-Z]\d{1,2}(?![\w.-])", re.sub(r"<[^>]+>", " ", html)), "a rule id"
    assert "制度版本" not in html
    assert "收费类型" not in html
