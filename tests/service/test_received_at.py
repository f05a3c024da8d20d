"""S1: how far back the time received may lie (policy S1.backdate_days); older needs a team lead or
the head of after-sales. Service requests and complaints share the rule (core.timeutils.received_time)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from aftersales.complaints.models import Complaint
from aftersales.policies.services import policy_set
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def thirty_days(make_user: Any, actor_of: Any) -> None:
    """The SPEC default, stored (the suite's other scenarios run without a bound: tests/conftest.py)."""
    policy_set(actor=actor_of(make_user("admin", username="policy_admin")), key="S1.backdate_days", value=30)


def _ago(days: float) -> str:
    return timezone.localtime(timezone.now() - dt.timedelta(days=days)).isoformat()


def _request(client: Any, customer: Any, unit: Any, received_at: str) -> Any:
    body = {
        "customer": customer.pk,
        "serial": unit.serial,
        "channel": "phone",
        "priority": "general",
        "fault": "主轴异响",
        "received_at": received_at,
    }
    return client.post("service-requests", body)


def _complaint(client: Any, customer: Any, received_at: str) -> Any:
    body = {
        "customer": customer.pk,
        "class": "quality",
        "channel": "phone",
        "description": "外壳开裂",
        "amount_claimed": "1000.00",
        "received_at": received_at,
    }
    return client.post("complaints", body)


def _refusal() -> dict[str, Any]:
    message = zh(
        "The time received lies more than %(days)s days back; only a team lead or the head of after-sales "
        "may register it."
    ) % {"days": 30}
    return {"code": "validation_failed", "message": message, "fields": {"received_at": [message]}}


def test_s1_an_agent_may_back_register_within_the_policy_days(thirty_days, staff, api_as, customer, unit):
    response = _request(api_as(staff["agent"].user), customer, unit, _ago(29.9))

    assert response.status_code == 201, response.content


def test_s1_an_agent_cannot_back_register_beyond_the_policy_days(thirty_days, staff, api_as, customer, unit):
    client = api_as(staff["agent"].user)

    request = _request(client, customer, unit, _ago(30.1))
    complaint = _complaint(client, customer, _ago(45))

    assert (request.status_code, request.json()) == (422, _refusal())
    assert (complaint.status_code, complaint.json()) == (422, _refusal())
    assert (ServiceRequest.objects.count(), Complaint.objects.count()) == (0, 0)


@pytest.mark.parametrize("role", ["team_lead", "cs_manager"])
def test_s1_a_team_lead_or_the_head_may_go_further_back(role, thirty_days, staff, api_as, customer, unit):
    client = api_as(staff[role].user)

    assert _request(client, customer, unit, _ago(200)).status_code == 201
    assert _complaint(client, customer, _ago(200)).status_code == 201


def test_s1_the_bound_follows_the_policy(make_user, actor_of, staff, api_as, customer, unit):
    admin = actor_of(make_user("admin", username="policy_admin"))
    policy_set(actor=admin, key="S1.backdate_days", value=90)

    response = _request(api_as(staff["agent"].user), customer, unit, _ago(60))

    assert response.status_code == 201
