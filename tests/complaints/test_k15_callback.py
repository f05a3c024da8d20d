"""K15 (issue 15 point 1): the callback after closing a complaint is a callback of kind "after complaint"
in the callbacks queue, linked to the complaint, due on the CN calendar; the complaint page reads its
outcome; planning never makes a second one; the open K15 tasks of before are moved by a migration."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from aftersales.callbacks.models import Callback
from aftersales.callbacks.services import callbacks_plan
from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.complaints.models import FollowUpTask
from aftersales.core.models import Event
from tests.complaints.conftest import at
from tests.complaints.test_followup import close_at, implemented

pytestmark = pytest.mark.django_db

move_open_tasks = importlib.import_module(
    "aftersales.callbacks.migrations.0003_complaint_tasks_to_callbacks"
).move_open_tasks


@pytest.mark.parametrize(
    ("closed", "due"),
    [
        ("2025-11-21 10:00", "2025-11-26 10:00"),  # Friday: Mon, Tue, Wed
        ("2025-09-30 10:00", "2025-10-11 10:00"),  # before National Day: 9th, 10th, make-up Saturday 11th
        ("2025-11-22 10:00", "2025-11-26 18:00"),  # Saturday: Mon, Tue, Wed to the close of business
    ],
    ids=["working_day", "holiday", "weekend"],
)
def test_k15_closing_makes_one_callback_in_the_queue_due_on_the_cn_calendar(
    new_complaint, staff, monkeypatch, closed, due
):
    complaint = implemented(new_complaint, staff)

    close_at(monkeypatch, at(closed), actor=staff["agent"], number=complaint.number)

    callback = Callback.objects.get()
    assert (callback.kind, callback.planning_key, callback.state) == (
        "after_complaint",
        f"complaint:{complaint.pk}",
        "open",
    )
    assert (callback.complaint, callback.customer_id, callback.assignee.username) == (
        complaint,
        complaint.customer_id,
        "agent",
    )
    assert callback.due_at == at(due)
    assert complaint.number in callback.reason
    clock = Clock.objects.get(subject_type="callbacks.callback", subject_id=str(callback.pk))
    assert (clock.kind, clock.rule, clock.policy_key, clock.target_amount, clock.target_unit, clock.due_at) == (
        "callback",
        "K15",
        "K15.callback_days",
        3,
        "working_days",
        at(due),
    )
    # no K15 task any more on /complaint-tasks; the events say what happened
    assert not FollowUpTask.objects.exists()
    assert Event.objects.filter(action="complaint.callback_due", rule="K15").count() == 1
    assert Event.objects.filter(action="callback.planned", rule="K15").count() == 1


def test_k15_planning_never_makes_a_second_callback(new_complaint, staff, monkeypatch):
    complaint = implemented(new_complaint, staff)
    close_at(monkeypatch, timezone.now(), actor=staff["agent"], number=complaint.number)

    report = callbacks_plan(on=timezone.localdate())

    assert report.planned.get("after_complaint", 0) == 0
    assert Callback.objects.filter(complaint=complaint).count() == 1


def test_k15_planning_catches_up_a_missing_callback_once(new_complaint, staff):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    Callback.objects.all().delete()  # as if the closing's signal had not been heard
    Clock.objects.filter(subject_type="callbacks.callback").delete()

    first = callbacks_plan(on=timezone.localdate())
    second = callbacks_plan(on=timezone.localdate())

    assert (first.planned.get("after_complaint"), second.planned.get("after_complaint", 0)) == (1, 0)
    callback = Callback.objects.get(kind="after_complaint")
    assert (callback.complaint, callback.assignee.username) == (complaint, "agent")


def test_k15_a_complaint_with_a_k15_task_from_before_is_not_called_twice(new_complaint, staff):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    Callback.objects.all().delete()
    services.task_raise(complaint=complaint, kind="callback", rule="K15", assignee=staff["agent"].user)
    FollowUpTask.objects.update(done_at=timezone.now())  # made before the move: history

    report = callbacks_plan(on=timezone.localdate())

    assert report.planned.get("after_complaint", 0) == 0
    assert not Callback.objects.exists()


def test_k15_end_to_end_through_the_api(new_complaint, staff, api_as, make_user):
    complaint = implemented(new_complaint, staff)
    agent = api_as(staff["agent"].user)
    closed = agent.post(f"complaints/{complaint.number}/close", {})
    assert closed.status_code == 200, closed.content

    # the agent's callback queue has it, ordered by due, with its kind
    rows = agent.get("callbacks", kind="after_complaint", state="open").json()
    assert [(r["kind"], r["state"], r["complaint"]) for r in rows] == [("after_complaint", "open", complaint.number)]
    callback_id = rows[0]["id"]
    # the complaint-tasks queue keeps only the other follow-ups
    assert agent.get("complaint-tasks").json() == []

    # refusals: someone else's callback is not theirs to see; a wrong outcome is refused
    other = api_as(make_user("agent", username="agent2"))
    assert other.post(f"callbacks/{callback_id}/outcome", {"result": "reached", "note": ""}).status_code == 404
    assert api_as(make_user("finance", username="fin")).post(
        f"callbacks/{callback_id}/outcome", {"result": "reached", "note": ""}
    ).status_code in (403, 404)
    bad = agent.post(f"callbacks/{callback_id}/outcome", {"result": "no_answer", "satisfaction": "satisfied"})
    assert bad.status_code == 422

    done = agent.post(
        f"callbacks/{callback_id}/outcome", {"result": "reached", "satisfaction": "satisfied", "note": "客户确认已解决"}
    )
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done"
    again = agent.post(f"callbacks/{callback_id}/outcome", {"result": "reached", "note": ""})
    assert again.status_code == 409
    clock = Clock.objects.get(subject_type="callbacks.callback", subject_id=str(callback_id))
    assert clock.state == "stopped"
    assert Event.objects.filter(action="callback.done").count() == 1


def test_k15_complaint_page_shows_the_callback_outcome(new_complaint, staff, client):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    client.force_login(staff["agent"].user)
    html = client.get(f"/complaints/{complaint.number}/").content.decode()
    block = re.search(r'id="complaint-callbacks">(.*?)</ul>', html, re.S).group(1)
    assert 'data-callback-state="open"' in block
    assert 'data-callback-kind="after_complaint"' in block

    from aftersales.callbacks.services import callback_outcome

    callback = Callback.objects.get()
    callback_outcome(
        actor=staff["agent"], callback_id=callback.pk, result="reached", satisfaction="satisfied", note="客户确认满意"
    )
    html = client.get(f"/complaints/{complaint.number}/").content.decode()
    block = re.search(r'id="complaint-callbacks">(.*?)</ul>', html, re.S).group(1)
    assert 'data-callback-state="done"' in block
    assert "客户确认满意" in block


def test_k15_dissatisfied_after_a_complaint_opens_the_follow_up(new_complaint, staff):
    from aftersales.callbacks.services import callback_outcome

    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    callback = Callback.objects.get()
    callback_outcome(
        actor=staff["agent"], callback_id=callback.pk, result="reached", satisfaction="dissatisfied", note="仍有异响"
    )
    assert Callback.objects.filter(kind="low_score").count() == 1


def test_k2_a_complaint_heard_on_the_k15_callback_is_linked_to_it(new_complaint, staff, client, api_as):
    complaint = implemented(new_complaint, staff)
    services.complaint_close(actor=staff["agent"], number=complaint.number)
    callback = Callback.objects.get()

    r = api_as(staff["agent"].user).post(
        f"callbacks/{callback.pk}/outcome",
        {"result": "reached", "satisfaction": "average", "note": "回访时客户反映仍有异响", "opens": "complaint"},
    )

    assert r.status_code == 200, r.content
    new = r.json()["opened_complaint"]
    assert new
    assert new != complaint.number
    client.force_login(staff["agent"].user)
    html = client.get(f"/complaints/{new}/").content.decode()
    raised = re.search(r'class="col-sm-8 complaint-raised-on">(.*?)</dd>', html, re.S).group(1)
    assert f"/callbacks/{callback.pk}/" in raised
    assert complaint.number in raised  # the complaint the callback followed


def test_k15_migration_moves_open_tasks_and_keeps_done_ones(new_complaint, staff, make_user):
    agent = staff["agent"]
    first = implemented(new_complaint, staff)
    second = implemented(new_complaint, staff)
    for complaint in (first, second):
        services.complaint_close(actor=agent, number=complaint.number, unfounded=True, receivables=Decimal("10"))
    Callback.objects.all().delete()
    Clock.objects.filter(subject_type="callbacks.callback").delete()
    # as before the move: each closed complaint had its K15 task with its clock; the first one is done
    open_task = services.task_raise(complaint=second, kind="callback", rule="K15", assignee=agent.user)
    done_task = services.task_raise(complaint=first, kind="callback", rule="K15", assignee=agent.user)
    services.task_done(actor=agent, task_id=done_task.pk, note="已回访")
    due = FollowUpTask.objects.get(pk=open_task.pk).due_at

    move_open_tasks(apps, None)
    move_open_tasks(apps, None)  # twice: nothing more

    callback = Callback.objects.get()
    assert (callback.kind, callback.planning_key, callback.state, callback.complaint) == (
        "after_complaint",
        f"complaint:{second.pk}",
        "open",
        second,
    )
    assert (callback.assignee, callback.due_at) == (agent.user, due)
    assert second.number in callback.reason
    clock = Clock.objects.get(subject_type="callbacks.callback", subject_id=str(callback.pk))
    assert (clock.kind, clock.rule, clock.due_at, clock.state) == ("callback", "K15", due, "running")
    # the open task is gone, the done one stays as history, the K13 tasks are untouched
    assert not FollowUpTask.objects.filter(pk=open_task.pk).exists()
    assert FollowUpTask.objects.filter(pk=done_task.pk, done_at__isnull=False).exists()
    assert FollowUpTask.objects.filter(kind="receivables").count() == 2
    # and the planner does not add a callback for either
    assert callbacks_plan(on=timezone.localdate()).planned.get("after_complaint", 0) == 0
