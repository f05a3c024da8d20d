"""X2 in the API and on the page: the C3 decision clock of an access request; GET /api/v1/clocks."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from aftersales.clocks.models import Clock
from aftersales.customers.models import CustomerAccessRequest
from tests.clocks.conftest import TZ, at
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db

FIELDS = {"kind", "rule", "state", "started_at", "due_at", "warn_at", "stopped_at", "paused_seconds", "explanation"}


def _frozen(when: dt.datetime):  # noqa: ANN202
    """timezone.now() fixed at `when` (services, sessions, events all read it)."""
    return mock.patch("django.utils.timezone.now", new=lambda: when)  # noqa: PT008 (a decorator: no mock argument)


@_frozen(dt.datetime(2025, 9, 30, 15, 0, tzinfo=TZ))
def test_c3_access_request_carries_its_decision_clock_until_decided(api_as, make_user):
    owner = make_user("sales", username="owner")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner)
    requester = api_as(make_user("agent", username="requester"))
    created = requester.post(f"customers/{customer.pk}/access-requests", {"reason": "客户来电报修"})
    assert created.status_code == 201
    [clock] = created.json()["clocks"]
    assert set(clock) >= FIELDS
    assert (clock["kind"], clock["rule"], clock["state"], clock["status"]) == ("access_decision", "C3", "running", "ok")
    # 8 working hours on CN (09:00–18:00) from Tue 30 Sep 15:00: 3 h, then 1–8 Oct holidays → Thu 9 Oct 14:00.
    assert dt.datetime.fromisoformat(clock["due_at"]) == at("2025-10-09 14:00")
    explanation = clock["explanation"]
    assert (explanation["calendar"], explanation["rule"], explanation["policy_key"]) == ("CN", "C3", "C3.decide_within")
    assert [h["date"] for h in explanation["holidays_skipped"]][:2] == ["2025-10-01", "2025-10-02"]
    assert explanation["holidays_skipped"][0]["name"]
    request = CustomerAccessRequest.objects.get()
    approved = api_as(owner).post(f"access-requests/{request.pk}/approve")
    [stopped] = approved.json()["clocks"]
    assert (stopped["state"], stopped["outcome"], stopped["status"]) == ("stopped", "met", "met")
    assert stopped["stopped_at"] is not None


def test_x2_due_list_needs_the_permission_and_uses_due_before(api_as, make_user):
    owner = make_user("sales", username="owner")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner)
    with _frozen(dt.datetime(2025, 9, 30, 15, 0, tzinfo=TZ)):
        api_as(make_user("agent", username="requester")).post(
            f"customers/{customer.pk}/access-requests", {"reason": "查看"}
        )
    lead = api_as("team_lead")
    due = lead.get("clocks", due_before="2025-10-10T00:00:00+08:00")
    assert due.status_code == 200
    assert due.json()["count"] == 1
    assert due.json()["items"][0]["subject_type"] == "customers.customeraccessrequest"
    assert lead.get("clocks", due_before="2025-10-09T12:00:00+08:00").json()["count"] == 0
    assert api_as("agent").get("clocks", due_before="2025-10-10T00:00:00+08:00").status_code == 403
    assert lead.get("clocks", due_before="nonsense").status_code in (400, 422)
    assert Clock.objects.count() == 1


def test_x2_access_requests_page_shows_the_clock_and_its_explanation_in_chinese(client, make_user):
    from tests.conftest import PASSWORD

    owner = make_user("sales", username="owner")
    customer = CustomerFactory(name="保密客户", confidential=True, owner=owner)
    make_user("agent", username="requester")
    client.login(username="requester", password=PASSWORD)
    with _frozen(dt.datetime(2025, 9, 30, 15, 0, tzinfo=TZ)):
        client.post(f"/customers/{customer.pk}/request-access/", {"reason": "查看"})
        assert CustomerAccessRequest.objects.count() == 1
        client.logout()
        client.login(username="owner", password=PASSWORD)
        page = client.get("/customers/access-requests/").content.decode()
    assert 'data-status="ok"' in page
    assert "2025-10-09 14:00" in page
    assert "为什么在此时到期" in page
    assert "跳过的节假日" in page
    assert "国庆节" in page
