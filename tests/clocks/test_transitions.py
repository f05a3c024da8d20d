"""X2: a clock's pause, resume and stop go through core.workflow.transition() (clocks.transitions):
each event carries the state old → new, the clock's rule and the actor; a move the table does not
allow is refused with 409 invalid_transition and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.clocks import events
from aftersales.clocks.choices import ClockState
from aftersales.clocks.models import Clock, ClockSegment
from aftersales.clocks.services import clock_pause, clock_resume, clock_start, clock_stop
from aftersales.clocks.transitions import clock_transitions
from aftersales.core.errors import Conflict
from aftersales.core.models import Event
from tests.clocks.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(make_user, actor_of):
    return actor_of(make_user("cs_manager", username="zhuguan"))


def _start(subject, head):
    return clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="LUNCH",
        target=8,
        actor=head,
        started_at=at("2025-09-30 11:00"),
    )


def _moves(clock):
    return list(
        Event.objects.filter(subject_type="clocks.clock", subject_id=str(clock.pk))
        .exclude(action=events.CLOCK_STARTED)
        .values_list("action", "rule", "actor__username", "data__state")
    )


def test_x2_the_table_names_every_move_under_the_clock_rule():
    assert clock_transitions("S6") == {
        "running": {"paused": "S6", "stopped": "S6"},
        "paused": {"running": "S6", "stopped": "S6"},
        "stopped": {},
    }


def test_x2_pause_resume_stop_record_old_to_new_rule_and_actor(subject, lunch_calendar, head):
    clock = _start(subject, head)
    clock_pause(clock=clock, actor=head, reason="等待客户", at=at("2025-09-30 14:00"))
    clock_resume(clock=clock, actor=head, at=at("2025-10-09 10:00"))
    clock_pause(clock=clock, at=at("2025-10-09 11:00"))  # the system (no actor)
    stopped = clock_stop(clock=clock, actor=head, at=at("2025-10-09 12:00"))
    assert _moves(clock) == [
        ("clock.paused", "C3", "zhuguan", ["running", "paused"]),
        ("clock.resumed", "C3", "zhuguan", ["paused", "running"]),
        ("clock.paused", "C3", None, ["running", "paused"]),
        ("clock.stopped", "C3", "zhuguan", ["paused", "stopped"]),
    ]
    paused = Event.objects.filter(subject_id=str(clock.pk), action="clock.paused").first()
    assert (paused.data["reason"], paused.data["kind"], paused.data["due_at"]) == ("等待客户", "access_decision", None)
    resumed = Event.objects.get(subject_id=str(clock.pk), action="clock.resumed")
    # 2 h ran before the pause, 6 h remain from Thu 9 Oct 10:00: 10–12, 13–17
    assert resumed.data["due_at"] == at("2025-10-09 17:00").astimezone(dt.UTC).isoformat()
    final = Event.objects.get(subject_id=str(clock.pk), action="clock.stopped")
    assert (final.data["outcome"], final.data["margin_seconds"], final.policy_version) == (
        "met",
        5 * 3600,
        stopped.policy_version,
    )
    # the moves saved what they computed with the state
    row = Clock.objects.get(pk=clock.pk)
    assert (row.state, row.outcome, row.margin_seconds, row.next_check_at, row.stopped_at) == (
        "stopped",
        "met",
        5 * 3600,
        None,
        at("2025-10-09 12:00"),
    )


def test_x2_resume_saves_the_new_deadline_and_the_sweep_column(subject, lunch_calendar, head):
    clock = _start(subject, head)
    clock_pause(clock=clock, actor=head, at=at("2025-09-30 14:00"))
    row = Clock.objects.get(pk=clock.pk)
    assert (row.state, row.due_at, row.warn_at, row.next_check_at) == ("paused", None, None, None)
    clock_resume(clock=clock, actor=head, at=at("2025-10-09 10:00"))
    row = Clock.objects.get(pk=clock.pk)
    assert (row.state, row.due_at, row.paused_seconds) == ("running", at("2025-10-09 17:00"), 5 * 3600)
    # warn at 75 % of 8 h = 6 h of running time: 2 h ran before the pause, 4 more from 10:00 → 15:00
    assert row.next_check_at == row.warn_at == at("2025-10-09 15:00")


@pytest.mark.parametrize(
    ("state", "move"),
    [
        ("running", clock_resume),
        ("paused", clock_pause),
        ("stopped", clock_pause),
        ("stopped", clock_resume),
        ("stopped", clock_stop),
    ],
)
def test_x2_a_move_not_in_the_table_is_refused_and_changes_nothing(subject, lunch_calendar, head, state, move):
    clock = _start(subject, head)
    if state == "paused":
        clock_pause(clock=clock, actor=head, at=at("2025-09-30 12:00"))
    if state == "stopped":
        clock_stop(clock=clock, actor=head, at=at("2025-09-30 12:00"))
    before = Clock.objects.filter(pk=clock.pk).values().get()
    segments = list(ClockSegment.objects.filter(clock=clock).values())
    count = Event.objects.count()
    with pytest.raises(Conflict) as exc:
        move(clock=clock, actor=head, at=at("2025-09-30 15:00"))
    assert (exc.value.status, exc.value.code) == (409, "invalid_transition")
    assert Clock.objects.filter(pk=clock.pk).values().get() == before
    assert list(ClockSegment.objects.filter(clock=clock).values()) == segments
    assert Event.objects.count() == count
    assert before["state"] == ClockState(state)
