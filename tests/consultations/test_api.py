"""C8 through the API: register enquiries with the administrator's fields, stages, follow-ups,
the conversion per period; errors as {"code","message","fields"}."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.consultations.models import Consultation, ConsultationFollowUp
from aftersales.core.models import Event
from aftersales.notifications.models import Notification

pytestmark = pytest.mark.django_db

ENQUIRY = {
    "channel": "phone",
    "name": "王经理",
    "organisation": "湛江机械厂",
    "contact": "13800000000",
    "question": "XK-714 的交货期多久？",
    "answer": "约 30 天",
}


@pytest.fixture
def fields(api_as):
    admin = api_as("admin")
    intent = admin.post(
        "consultations/fields",
        {"key": "intent", "label": "就诊意向", "field_type": "choice", "choices": ["购买", "了解"], "required": True},
    )
    budget = admin.post("consultations/fields", {"key": "budget", "label": "预算", "field_type": "number", "order": 2})
    assert intent.status_code == 201, intent.content
    assert budget.status_code == 201
    return {"intent": intent.json(), "budget": budget.json()}


def test_agent_registers_an_enquiry_with_extra_fields(api_as, make_user, fields) -> None:
    agent = api_as(make_user("agent", username="desk_wang"))

    response = agent.post("consultations", {**ENQUIRY, "extra": {"intent": "购买", "budget": "200000"}})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["extra"] == {"intent": "购买", "budget": "200000"}
    assert body["stage"] == "enquiry"
    assert body["handler"] == "desk_wang"
    assert Event.objects.filter(action="consultation.registered", subject_id=str(body["id"])).exists()


def test_extra_values_are_validated(api_as, fields) -> None:
    agent = api_as("agent")

    missing = agent.post("consultations", {**ENQUIRY, "extra": {"budget": "10"}})
    wrong = agent.post("consultations", {**ENQUIRY, "extra": {"intent": "采购", "budget": "很多"}})
    unknown = agent.post("consultations", {**ENQUIRY, "extra": {"intent": "了解", "colour": "红"}})

    assert missing.status_code == 422
    assert set(missing.json()["fields"]) == {"extra.intent"}
    assert set(wrong.json()["fields"]) == {"extra.intent", "extra.budget"}
    assert set(unknown.json()["fields"]) == {"extra.colour"}
    assert Consultation.objects.count() == 0


def test_an_inactive_field_is_no_longer_asked(api_as, fields) -> None:
    admin = api_as("admin")
    changed = admin.patch(f"consultations/fields/{fields['intent']['id']}", {"active": False, "version": 1})
    stale = admin.patch(f"consultations/fields/{fields['intent']['id']}", {"label": "意向", "version": 1})

    response = api_as("agent").post("consultations", ENQUIRY)

    assert changed.status_code == 200
    assert changed.json()["version"] == 2
    assert stale.status_code == 409
    assert response.status_code == 201
    listed = api_as("team_lead").get("consultations/fields").json()
    assert [f["key"] for f in listed] == ["budget"]
    assert [f["key"] for f in admin.get("consultations/fields").json()] == ["intent", "budget"]


def test_field_definitions_are_checked(api_as) -> None:
    admin = api_as("admin")
    no_choices = admin.post("consultations/fields", {"key": "intent", "label": "意向", "field_type": "choice"})
    bad_key = admin.post("consultations/fields", {"key": "Intent!", "label": "意向", "field_type": "text"})
    admin.post("consultations/fields", {"key": "src", "label": "来源", "field_type": "text"})
    duplicate = admin.post("consultations/fields", {"key": "src", "label": "来源", "field_type": "text"})
    by_agent = api_as("agent").post("consultations/fields", {"key": "x", "label": "x", "field_type": "text"})

    assert no_choices.status_code == 422
    assert bad_key.status_code == 422
    assert duplicate.status_code == 422
    assert duplicate.json()["code"] == "duplicate_field"
    assert by_agent.status_code == 403


def test_stages_and_conversion_per_month_and_quarter(api_as) -> None:
    agent = api_as("agent")
    ids = [agent.post("consultations", {**ENQUIRY, "name": f"客户{i}"}).json()["id"] for i in range(4)]
    Consultation.objects.filter(pk=ids[3]).update(received_at=timezone.now() - dt.timedelta(days=400))

    visited = agent.post(f"consultations/{ids[0]}/stage", {"stage": "visited", "on": "2026-03-02", "version": 1})
    bought = agent.post(f"consultations/{ids[0]}/stage", {"stage": "purchased", "version": 2})
    direct = agent.post(f"consultations/{ids[1]}/stage", {"stage": "purchased"})
    again = agent.post(f"consultations/{ids[0]}/stage", {"stage": "visited"})
    stale = agent.post(f"consultations/{ids[2]}/stage", {"stage": "dropped", "version": 7})

    assert visited.status_code == 200, visited.content
    assert visited.json()["visited_on"] == "2026-03-02"
    assert bought.json()["stage"] == "purchased"
    assert direct.status_code == 200
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert stale.status_code == 409
    this_month = timezone.localdate().strftime("%Y-%m")
    rows = api_as("analyst").get("consultations/conversion", by="month").json()
    current = next(r for r in rows if r["period"] == this_month)
    assert current == {
        "period": this_month,
        "enquiries": 3,
        "visited": 2,
        "purchased": 2,
        "visit_rate": 0.6667,
        "purchase_rate": 0.6667,
        "visit_to_purchase_rate": 1.0,
    }
    assert len(rows) == 2
    since = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    quarters = api_as("analyst").get("consultations/conversion", by="quarter", date_from=since).json()
    assert sum(r["enquiries"] for r in quarters) == 3


def test_follow_up_callbacks_notify_and_record(api_as, make_user) -> None:
    agent = api_as(make_user("agent", username="desk_wang"))
    colleague = make_user("team_lead", username="lead_li")
    created = agent.post("consultations", {**ENQUIRY, "follow_up_on": "2026-01-10"}).json()

    planned = agent.post(
        f"consultations/{created['id']}/follow-ups",
        {"due_on": "2026-01-12", "assignee": colleague.pk, "note": "问预算"},
    )
    to_engineer = agent.post(
        f"consultations/{created['id']}/follow-ups",
        {"due_on": "2026-01-12", "assignee": make_user("engineer").pk},
    )
    outcome = agent.post(f"consultations/follow-ups/{planned.json()['id']}/outcome", {"result": "visit_agreed"})
    twice = agent.post(f"consultations/follow-ups/{planned.json()['id']}/outcome", {"result": "reached"})
    detail = agent.get(f"consultations/{created['id']}").json()

    assert planned.status_code == 201, planned.content
    assert Notification.objects.filter(user=colleague, rule="C8").count() == 1
    assert to_engineer.status_code == 422
    assert outcome.status_code == 200
    assert outcome.json()["state"] == "done"
    assert twice.status_code == 409
    assert [(f["due_on"], f["state"]) for f in detail["follow_ups"]] == [("2026-01-10", "open"), ("2026-01-12", "done")]
    assert ConsultationFollowUp.objects.filter(assignee__username="desk_wang").count() == 1


def test_list_filters(api_as) -> None:
    agent = api_as("agent")
    agent.post("consultations", ENQUIRY)
    agent.post("consultations", {**ENQUIRY, "channel": "web", "name": "李工", "question": "价格"})

    assert len(agent.get("consultations").json()) == 2
    assert [c["name"] for c in agent.get("consultations", channel="web").json()] == ["李工"]
    assert [c["name"] for c in agent.get("consultations", q="交货期").json()] == ["王经理"]
    assert agent.get("consultations", stage="purchased").json() == []
    assert api_as("engineer").get("consultations").status_code == 403
