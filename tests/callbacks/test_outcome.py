"""V2 over the API: the queue ordered by due, retries for no answer, a problem opens a linked request."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.callbacks.models import Callback
from aftersales.callbacks.services import callbacks_plan
from aftersales.service.models import ServiceRequest
from tests.installed_base.factories import CustomerFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(city):
    customer = CustomerFactory(region=city, key_account=True, phone="021-64001234")
    unit = UnitFactory(customer=customer, acceptance_date=timezone.localdate() - dt.timedelta(days=40))
    callbacks_plan(on=timezone.localdate().replace(day=28) if timezone.localdate().day < 28 else timezone.localdate())
    return customer, unit


def test_list_is_ordered_by_due_and_filtered(api_as, planned):
    agent = api_as("agent")
    rows = agent.get("callbacks", state="open").json()
    assert rows
    assert [r["due_at"] for r in rows] == sorted(r["due_at"] for r in rows)
    kinds = {r["kind"] for r in rows}
    only = agent.get("callbacks", kind=sorted(kinds)[0]).json()
    assert {r["kind"] for r in only} == {sorted(kinds)[0]}
    assert agent.get("callbacks", due_before="2000-01-01T00:00:00Z").json() == []


def test_no_answer_is_retried_then_closed(api_as, planned):
    agent = api_as("agent")
    callback = Callback.objects.filter(kind="warranty_month").first()
    for attempt in range(1, 4):
        r = agent.post(f"callbacks/{callback.pk}/outcome", {"result": "no_answer", "note": ""})
        assert r.status_code == 200
        assert r.json()["state"] == "open"
        assert r.json()["attempts"] == attempt
        assert r.json()["try_on"] > timezone.localdate().isoformat()
    r = agent.post(f"callbacks/{callback.pk}/outcome", {"result": "no_answer", "note": ""})
    assert r.json()["state"] == "not_reached"
    again = agent.post(f"callbacks/{callback.pk}/outcome", {"result": "reached", "note": ""})
    assert again.status_code == 409


def test_problem_heard_opens_a_linked_request_in_one_step(api_as, planned):
    customer, unit = planned
    agent = api_as("agent")
    callback = Callback.objects.filter(kind="warranty_month").first()
    r = agent.post(
        f"callbacks/{callback.pk}/outcome",
        {"result": "reached", "satisfaction": "average", "note": "打印头偶尔卡纸", "opens": "service_request"},
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["state"] == "done"
    assert body["opened_request"]
    request = ServiceRequest.objects.get(number=body["opened_request"])
    assert request.customer_id == customer.pk
    assert request.unit_id == unit.pk
    assert "卡纸" in request.fault


def test_bad_outcome_is_422_and_changes_nothing(api_as, planned):
    agent = api_as("agent")
    callback = Callback.objects.filter(kind="warranty_month").first()
    r = agent.post(f"callbacks/{callback.pk}/outcome", {"result": "no_answer", "satisfaction": "satisfied", "note": ""})
    assert r.status_code == 422
    r = agent.post(f"callbacks/{callback.pk}/outcome", {"result": "reached", "note": "", "opens": "complaint"})
    assert r.status_code == 422
    assert "note" in r.json()["fields"]
    callback.refresh_from_db()
    assert callback.state == "open"
    assert callback.attempts == 0


def test_dissatisfied_callback_opens_a_follow_up(api_as, planned, make_user):
    make_user("cs_manager")
    agent = api_as("agent")
    callback = Callback.objects.filter(kind="warranty_month").first()
    agent.post(
        f"callbacks/{callback.pk}/outcome", {"result": "reached", "satisfaction": "dissatisfied", "note": "响应太慢"}
    )
    assert Callback.objects.filter(kind="low_score", customer=callback.customer).exists()


def test_queue_and_list_read_what_they_show_in_one_query(planned, make_user, actor_of, django_assert_num_queries):
    """The queue (page, export) joins the customer and the unit, the list (API) also the complaint and
    what a callback opened: showing a page of them reads the database once, whatever the row count."""
    from aftersales.callbacks.selectors import callback_list, callback_queue

    customer, unit = planned
    other = CustomerFactory(key_account=True)
    callbacks_plan(on=timezone.localdate().replace(day=1) + dt.timedelta(days=35))  # another month, more rows
    agent = actor_of(make_user("agent"))
    worked = Callback.objects.filter(kind="warranty_month").first()
    from aftersales.callbacks.services import callback_outcome

    callback_outcome(actor=agent, callback_id=worked.pk, result="reached", note="噪音大", opens="service_request")
    assert Callback.objects.count() > 3
    with django_assert_num_queries(1):
        rows = list(callback_queue(agent, today=timezone.localdate() + dt.timedelta(days=90))[:50])
        shown = [(c.customer.name, c.unit.serial if c.unit else "", c.get_kind_display(), c.reason) for c in rows]
    assert len(shown) == len(rows) > 1
    assert {c.customer_id for c in rows} >= {customer.pk, other.pk}
    with django_assert_num_queries(1):
        rows = list(callback_list(agent)[:50])
        numbers = [
            (
                c.customer.name,
                c.unit.serial if c.unit else None,
                c.complaint.number if c.complaint else None,
                c.opened_request.number if c.opened_request else None,
                c.opened_complaint.number if c.opened_complaint else None,
            )
            for c in rows
        ]
    assert any(n[3] for n in numbers)  # the request opened from the worked callback, read in the same query
