"""X2 clocks: start, pause, resume, stop across a holiday and a lunch break; recompute."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.calendars.services import calendar_day_set
from aftersales.clocks import events
from aftersales.clocks.choices import ClockOutcome, ClockState
from aftersales.clocks.selectors import clock_explain, clock_list_for
from aftersales.clocks.services import (
    clock_pause,
    clock_recompute,
    clock_resume,
    clock_start,
    clock_stop,
    clocks_recompute_for_calendar,
)
from aftersales.core.access import SYSTEM
from aftersales.core.errors import Conflict
from aftersales.core.models import Event
from tests.clocks.conftest import at

pytestmark = pytest.mark.django_db


def _start(subject, calendar="LUNCH", target=8, unit="working_hours", when="2025-09-30 11:00"):
    return clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code=calendar,
        target=target,
        unit=unit,
        actor=SYSTEM,
        started_at=at(when),
    )


def test_x2_start_counts_only_working_intervals_across_lunch_and_national_day(subject, lunch_calendar):
    # Tue 30 Sep 2025 11:00: 1 h before lunch, 5 h afternoon; 1–8 Oct holidays (Sat 11 Oct is 调休
    # working day); 2 h more → Thu 9 Oct 11:00.
    clock = _start(subject)
    assert clock.state == ClockState.RUNNING
    assert clock.due_at == at("2025-10-09 11:00")
    # warn at 75 % = 6 h → 30 Sep 18:00 (end of the day).
    assert clock.warn_at == at("2025-09-30 18:00")
    assert clock.next_check_at == clock.warn_at
    assert clock.calendar_version >= 1
    assert Event.objects.filter(action=events.CLOCK_STARTED, subject_id=str(clock.pk)).count() == 1


def test_x2_pause_and_resume_across_a_holiday_never_count_paused_time(subject, lunch_calendar):
    clock = _start(subject)
    # Runs 11:00–12:00 and 13:00–14:00 (2 h), paused 14:00 → resumed Thu 9 Oct 10:00.
    clock = clock_pause(clock=clock, actor=SYSTEM, reason="等待客户", at=at("2025-09-30 14:00"))
    assert clock.state == ClockState.PAUSED
    assert clock.due_at is None
    assert clock.next_check_at is None
    clock = clock_resume(clock=clock, actor=SYSTEM, at=at("2025-10-09 10:00"))
    # Paused business time: 14:00–18:00 on 30 Sep (4 h) + 09:00–10:00 on 9 Oct (1 h); holidays count nothing.
    assert clock.paused_seconds == 5 * 3600
    # 6 h remain from Thu 9 Oct 10:00: 10–12 (2), 13–17 (4) → 17:00.
    assert clock.due_at == at("2025-10-09 17:00")
    clock = clock_stop(clock=clock, actor=SYSTEM, at=at("2025-10-09 16:00"))
    assert clock.state == ClockState.STOPPED
    assert clock.outcome == ClockOutcome.MET
    assert clock.margin_seconds == 3600
    explanation = clock_explain(clock)
    assert explanation["rule"] == "C3"
    assert explanation["calendar"] == "LUNCH"
    assert explanation["calendar_version"] == clock.calendar_version
    assert [p["start"] for p in explanation["pauses"]] == [at("2025-09-30 14:00").isoformat()]
    holidays = {h["date"] for h in explanation["holidays_skipped"]}
    assert "2025-10-01" not in holidays  # paused over the holiday: the running spans never touch it
    assert explanation["segments"][0]["intervals"] == [
        [at("2025-09-30 11:00").isoformat(), at("2025-09-30 12:00").isoformat()],
        [at("2025-09-30 13:00").isoformat(), at("2025-09-30 14:00").isoformat()],
    ]


def test_x2_explanation_lists_the_holidays_and_makeup_days_counted(subject, lunch_calendar):
    clock = _start(subject)
    explanation = clock_explain(clock)
    holidays = [h["date"] for h in explanation["holidays_skipped"]]
    assert holidays == [f"2025-10-0{d}" for d in range(1, 9)]
    assert explanation["target"] == {"amount": 8, "unit": "working_hours", "seconds": 8 * 3600}
    assert explanation["policy_version"] == clock.policy_version


def test_x2_stop_after_the_deadline_is_breached_by_the_working_time_over(subject, lunch_calendar):
    clock = _start(subject, target=2, when="2025-09-30 11:00")
    assert clock.due_at == at("2025-09-30 14:00")
    clock = clock_stop(clock=clock, actor=SYSTEM, at=at("2025-09-30 15:30"))
    assert clock.outcome == ClockOutcome.BREACHED
    assert clock.margin_seconds == -90 * 60


def test_x2_state_conflicts(subject, lunch_calendar):
    clock = _start(subject)
    with pytest.raises(Conflict) as exc:
        clock_resume(clock=clock, actor=SYSTEM, at=at("2025-09-30 12:00"))
    assert exc.value.code == "invalid_transition"
    clock = clock_stop(clock=clock, actor=SYSTEM, at=at("2025-09-30 12:00"))
    for move in (clock_pause, clock_stop, clock_resume):
        with pytest.raises(Conflict) as exc:
            move(clock=clock, actor=SYSTEM, at=at("2025-09-30 12:30"))
        assert exc.value.code == "invalid_transition"


def test_x2_several_clocks_per_record(subject, lunch_calendar):
    _start(subject, target=2)
    _start(subject, target=30, unit="working_minutes")
    _start(subject, target=1, unit="working_days")
    clocks = clock_list_for(subject)
    assert len(clocks) == 3
    assert clocks[1].due_at == at("2025-09-30 11:30")
    # 1 working day from Tue 30 Sep 11:00 → next working day Thu 9 Oct 11:00.
    assert clocks[2].due_at == at("2025-10-09 11:00")


def test_x2_recompute_after_a_holiday_is_added_gives_the_same_answer_twice(subject, lunch_calendar):
    clock = _start(subject, when="2025-11-27 11:00")  # Thu: 1 + 5 h, Fri 28 Nov 2 h → 11:00
    assert clock.due_at == at("2025-11-28 11:00")
    stopped = _start(subject, when="2025-11-27 11:00")
    stopped = clock_stop(clock=stopped, actor=SYSTEM, at=at("2025-11-27 12:00"))
    old_version = stopped.calendar_version
    calendar_day_set(actor=SYSTEM, code="LUNCH", date=dt.date(2025, 11, 28), kind="holiday", name="公司假日")
    assert clocks_recompute_for_calendar("LUNCH") == 1
    clock.refresh_from_db()
    assert clock.due_at == at("2025-12-01 11:00")  # Friday skipped, weekend skipped → Monday
    assert clock.calendar_version > old_version
    first = (clock.due_at, clock.warn_at, clock.paused_seconds)
    clock = clock_recompute(clock=clock)
    assert (clock.due_at, clock.warn_at, clock.paused_seconds) == first
    assert Event.objects.filter(action=events.CLOCK_RECOMPUTED, subject_id=str(clock.pk)).count() == 1
    stopped.refresh_from_db()
    assert stopped.calendar_version == old_version  # stopped clocks keep their versions


def test_x2_a_derived_calendar_change_on_the_base_is_seen_by_the_sweep(subject, lunch_calendar):
    from aftersales.clocks.sweep import clocks_recompute_stale

    clock = _start(subject, when="2025-11-27 11:00")
    calendar_day_set(actor=SYSTEM, code="CN", date=dt.date(2025, 11, 28), kind="holiday", name="测试")
    assert clocks_recompute_stale(at=at("2025-11-27 12:00")) == 1
    clock.refresh_from_db()
    assert clock.due_at == at("2025-12-01 11:00")
    assert clocks_recompute_stale(at=at("2025-11-27 12:00")) == 0


def test_x2_a_policy_change_reaches_running_clocks_only_when_it_asks_to(subject, lunch_calendar, make_user, actor_of):
    from aftersales.clocks.sweep import clocks_recompute_stale
    from aftersales.policies.services import policy_set

    clock = clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="LUNCH",
        policy_key="C3.decide_within",
        unit="working_hours",
        actor=SYSTEM,
        started_at=at("2025-11-27 11:00"),
    )
    assert clock.due_at == at("2025-11-28 11:00")  # 8 working hours (default)
    stopped = clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="LUNCH",
        policy_key="C3.decide_within",
        unit="working_hours",
        actor=SYSTEM,
        started_at=at("2025-11-27 11:00"),
    )
    stopped = clock_stop(clock=stopped, at=at("2025-11-27 12:00"))
    boss = actor_of(make_user("admin", username="boss"))
    # a change that does not ask: the running clock keeps the value it started with (0020)
    policy_set(actor=boss, key="C3.decide_within", value=6, note="测试")
    assert clocks_recompute_stale(at=at("2025-11-27 12:00")) == 0
    clock.refresh_from_db()
    assert (clock.target_amount, clock.due_at, clock.policy_version) == (8, at("2025-11-28 11:00"), 0)
    # a change that asks: in force now, so the running clock moves at once
    version = policy_set(actor=boss, key="C3.decide_within", value=4, note="测试", recompute_clocks=True)
    clock.refresh_from_db()
    assert (clock.target_amount, clock.due_at) == (4, at("2025-11-27 16:00"))
    assert clock.policy_version == 2
    version.refresh_from_db()
    assert version.clocks_recomputed_at is not None
    assert clocks_recompute_stale(at=at("2025-11-27 12:00")) == 0  # applied once
    stopped.refresh_from_db()
    assert (stopped.target_amount, stopped.policy_version) == (8, 0)
