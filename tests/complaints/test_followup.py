"""K12, K13, K15: the receivables task of an unfounded complaint for finance; marking tasks done (the
K15 callback tasks from before the callbacks queue included); joint handling with a supplier.
The K15 callback itself: tests/complaints/test_k15_callback.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.complaints.models import FollowUpTask
from aftersales.core.errors import Conflict, PermissionDenied
from aftersales.core.models import Event
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db


def implemented(new_complaint, staff, **kwargs):
    """A complaint carried out by the agent, ready to close."""
    complaint = new_complaint(amount_claimed=Decimal("0.00"), **kwargs)
    agent = staff["agent"]
    services.complaint_contact(actor=agent, number=complaint.number)
    services.complaint_decide(actor=agent, number=complaint.number, disposition="explanation", decision="解释")
    services.complaint_reply(actor=agent, number=complaint.number, public_reply="已解释")
    services.complaint_implement(actor=agent, number=complaint.number)
    return complaint


def close_at(monkeypatch, when, **kwargs):
    monkeypatch.setattr(timezone, "now", lambda: when)
    try:
        return services.complaint_close(**kwargs)
    finally:
        monkeypatch.undo()


# K15: closing makes a callback in the callbacks queue, no task here: tests/complaints/test_k15_callback.py


def test_k13_unfounded_complaint_raises_a_receivables_task_for_finance(new_complaint, staff, make_user, monkeypatch):
    finance = make_user("finance", username="finance")
    complaint = implemented(new_complaint, staff)

    close_at(
        monkeypatch,
        at("2025-11-21 10:00"),
        actor=staff["agent"],
        number=complaint.number,
        unfounded=True,
        receivables=Decimal("1200.50"),
    )

    tasks = {t.kind: t for t in FollowUpTask.objects.filter(complaint=complaint)}
    assert set(tasks) == {"receivables"}  # the K15 callback is in the callbacks queue
    receivables = tasks["receivables"]
    assert (receivables.rule, receivables.assignee, receivables.assignee_role) == ("K13", finance, "finance")
    assert receivables.amount == Decimal("1200.50")
    assert receivables.due_at == at("2025-12-21 10:00")  # 30 calendar days
    assert Event.objects.filter(action="complaint.receivables_due").count() == 1


def test_k13_receivables_default_to_the_amount_claimed(new_complaint, staff):
    complaint = new_complaint(amount_claimed=Decimal("300.00"))
    agent = staff["agent"]
    services.complaint_contact(actor=agent, number=complaint.number)
    services.complaint_decide(actor=agent, number=complaint.number, disposition="explanation", decision="无责")
    services.complaint_reply(actor=agent, number=complaint.number, public_reply="经核实不属实")
    services.complaint_implement(actor=agent, number=complaint.number)
    services.complaint_close(actor=agent, number=complaint.number, unfounded=True)
    task = FollowUpTask.objects.get(complaint=complaint, kind="receivables")
    assert task.amount == Decimal("300.00")
    assert task.assignee is None  # nobody in finance yet: the role's queue


def test_founded_complaint_raises_no_receivables(new_complaint, staff):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    assert list(FollowUpTask.objects.values_list("kind", flat=True)) == []


def test_tasks_through_the_api_mine_and_done(new_complaint, staff, make_user, api_as):
    finance = make_user("finance", username="finance")
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number, unfounded=True)
    # a K15 callback task from before the callbacks queue (history; closing makes a callback now)
    legacy = services.task_raise(complaint=complaint, kind="callback", rule="K15", assignee=staff["agent"].user)
    agent, accountant = api_as(staff["agent"].user), api_as(finance)

    mine = agent.get("complaint-tasks", mine="true").json()
    assert [(t["kind"], t["complaint"]) for t in mine] == [("callback", complaint.number)]
    theirs = accountant.get("complaint-tasks", mine="true").json()
    assert [(t["kind"], t["amount"]) for t in theirs] == [("receivables", "0.00")]
    assert len(agent.get("complaint-tasks").json()) == 2

    # finance may not make the callback; the agent may not book the receivables
    callback, receivables = mine[0]["id"], theirs[0]["id"]
    assert callback == legacy.pk
    assert accountant.post(f"complaint-tasks/{callback}/done", {}).status_code == 403
    assert agent.post(f"complaint-tasks/{receivables}/done", {}).status_code == 403

    done = agent.post(f"complaint-tasks/{callback}/done", {"note": "客户确认满意"}).json()
    assert (done["done_by"]["username"], done["note"]) == ("agent", "客户确认满意")
    clock = Clock.objects.get(subject_type="complaints.followuptask", subject_id=str(callback))
    assert clock.state == "stopped"
    again = agent.post(f"complaint-tasks/{callback}/done", {})
    assert (again.status_code, again.json()["code"]) == (409, "task_already_done")
    assert agent.get("complaint-tasks", mine="true").json() == []
    assert [t["id"] for t in agent.get("complaint-tasks", mine="true", open="false").json()] == [callback]
    assert Event.objects.filter(action="complaint.task_done").count() == 1
    # a portal user sees no tasks
    portal = api_as(make_user("customer", customer_id=complaint.customer_id))
    assert portal.get("complaint-tasks").json() == []


def test_k12_supplier_joint_handling(new_complaint, staff, api_as):
    complaint = new_complaint()
    agent = api_as(staff["agent"].user)
    path = f"complaints/{complaint.number}/supplier"

    body = agent.post(
        path, {"supplier_name": "宁波轴承厂", "supplier_contact": "王工 0574-1234", "supplier_share": "400.00"}
    ).json()
    assert (body["supplier_name"], body["supplier_share"], body["version"]) == ("宁波轴承厂", "400.00", 2)
    detail = agent.get(f"complaints/{complaint.number}").json()
    assert (detail["supplier_name"], detail["supplier_contact"]) == ("宁波轴承厂", "王工 0574-1234")
    event = Event.objects.get(action="complaint.supplier_set")
    assert (event.rule, event.data["supplier_share"]) == ("K12", "400.00")

    stale = agent.post(path, {"supplier_name": "x", "version": 1})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    bad = agent.post(path, {"supplier_contact": "无名"})
    assert bad.status_code == 422
    assert "supplier_name" in bad.json()["fields"]
    negative = agent.post(path, {"supplier_name": "x", "supplier_share": "-1.00"})
    assert negative.status_code == 422
    assert api_as(staff["engineer"].user).post(path, {"supplier_name": "x"}).status_code == 403
    cleared = agent.post(path, {"supplier_name": ""}).json()
    assert (cleared["supplier_name"], cleared["supplier_share"]) == ("", None)


def test_task_done_needs_the_right(new_complaint, staff):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    task = services.task_raise(complaint=complaint, kind="callback", rule="K15", assignee=staff["agent"].user)
    with pytest.raises(PermissionDenied):
        services.task_done(actor=staff["engineer"], task_id=task.pk)
    services.task_done(actor=staff["team_lead"], task_id=task.pk)  # any complaint handler for a callback
    with pytest.raises(Conflict):
        services.task_done(actor=staff["agent"], task_id=task.pk)
    assert dt.timedelta(0) <= timezone.now() - FollowUpTask.objects.get().done_at < dt.timedelta(minutes=1)
