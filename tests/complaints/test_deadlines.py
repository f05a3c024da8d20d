"""K5, K6: every complaint deadline, on a working day, a weekend, a holiday and a 调休 make-up day.

Units (docs/decisions/0005-complaints.md): contact in working hours and the whole case in working
days on the CN calendar (Mon–Fri 09:00–18:00, holidays and make-up days); the "24 h" steps and the
major-complaint reports in hours around the clock; carrying out in working days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.core.models import Event
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db


def _clock(complaint, kind):
    return Clock.objects.get(subject_type="complaints.complaint", subject_id=str(complaint.pk), kind=kind)


# Received at, contact due (4 working hours), close due (5 working days) on the CN calendar.
DAYS = pytest.mark.parametrize(
    ("received", "contact_due", "close_due"),
    [
        # a working day (Tuesday): 4 working hours later the same day; 5 working days counting the
        # make-up Sunday 2025-09-28
        ("2025-09-23 10:00", "2025-09-23 14:00", "2025-09-29 10:00"),
        # an ordinary weekend (Saturday): from Monday 09:00
        ("2025-11-22 10:00", "2025-11-24 13:00", "2025-11-28 18:00"),
        # National Day (holiday 2025-10-01..08): from Thursday 2025-10-09 09:00; the days count the
        # make-up Saturday 2025-10-11 and end at the close of business
        ("2025-10-01 10:00", "2025-10-09 13:00", "2025-10-14 18:00"),
        # the make-up working Sunday 2025-09-28: 2 hours that day, 2 on Monday
        ("2025-09-28 16:00", "2025-09-29 11:00", "2025-10-11 16:00"),
    ],
    ids=["working_day", "weekend", "holiday", "make_up_day"],
)


@DAYS
def test_k5_contact_and_close_deadlines_follow_the_cn_calendar(new_complaint, received, contact_due, close_due):
    # given a complaint received at that time
    complaint = new_complaint(received_at=at(received))

    # then the contact clock counts 4 working hours and the whole case 5 working days
    contact = _clock(complaint, "contact")
    close = _clock(complaint, "close")
    assert (contact.rule, contact.policy_key, contact.target_amount, contact.target_unit) == (
        "K5",
        "K5.contact",
        4,
        "working_hours",
    )
    assert contact.due_at == at(contact_due)
    assert (close.policy_key, close.target_amount, close.target_unit) == ("K5.close", 5, "working_days")
    assert close.due_at == at(close_due)


def test_k5_step_clocks_of_a_case_beyond_authority(new_complaint, staff):
    # given a complaint contacted, escalated to the head, decided by the head, replied to
    complaint = new_complaint(received_at=at("2025-09-23 10:00"))
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    solution = _clock(complaint, "solution")
    services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="超出权限")
    head = _clock(complaint, "head_decision")
    services.complaint_approve(
        actor=staff["cs_manager"], number=complaint.number, disposition="explanation", decision="向客户解释使用方法"
    )
    reply = _clock(complaint, "reply")
    services.complaint_reply(actor=staff["agent"], number=complaint.number, public_reply="已电话答复")
    implement = _clock(complaint, "implement")

    # then each "24 h" step runs 24 hours around the clock, carrying out 2 working days
    solution.refresh_from_db()
    head.refresh_from_db()
    reply.refresh_from_db()
    for clock, key in [(solution, "K5.solution"), (head, "K5.decide"), (reply, "K5.reply")]:
        assert (clock.policy_key, clock.target_amount, clock.target_unit) == (key, 24, "hours")
        assert clock.due_at - clock.started_at == dt.timedelta(hours=24)
        assert clock.state == "stopped"
        assert clock.outcome == "met"
    assert (implement.policy_key, implement.target_amount, implement.target_unit, implement.state) == (
        "K5.implement",
        2,
        "working_days",
        "running",
    )
    assert _clock(complaint, "contact").outcome == "breached"  # contacted long after 2025-09-23 14:00
    escalated = Event.objects.get(action="complaint.escalated", subject_id=str(complaint.pk))
    assert (escalated.data["head_deadline"], escalated.data["within_head_deadline"]) == ("24 hours", True)  # K5.head


@DAYS
def test_k6_major_complaint_reports_run_around_the_clock(new_complaint, staff, received, contact_due, close_due):
    # given a major complaint (media exposure) received at that time
    complaint = new_complaint(received_at=at(received), media_exposure=True)

    # then it is major, owned by a team lead and supervised by the department head
    complaint.refresh_from_db()
    assert complaint.major is True
    assert (complaint.owner.username, complaint.supervisor.username) == ("team_lead", "cs_manager")
    # and the desk report is due 4 hours later whatever the day, beside the K5 working-time clocks
    desk = _clock(complaint, "report_desk")
    assert (desk.rule, desk.policy_key, desk.target_amount, desk.target_unit) == ("K6", "K6.report_desk", 4, "hours")
    assert desk.due_at == at(received) + dt.timedelta(hours=4)
    assert _clock(complaint, "contact").due_at == at(contact_due)
    assert _clock(complaint, "close").due_at == at(close_due)

    # when it is reported to the desk, then to the department head
    services.complaint_report(actor=staff["team_lead"], number=complaint.number)
    head = _clock(complaint, "report_head")
    assert (head.policy_key, head.target_amount, head.target_unit) == ("K6.report_head", 2, "hours")
    assert head.due_at - head.started_at == dt.timedelta(hours=2)
    services.complaint_report(actor=staff["team_lead"], number=complaint.number)

    # then both clocks are stopped and the times recorded
    complaint.refresh_from_db()
    head.refresh_from_db()
    assert complaint.desk_reported_at is not None
    assert complaint.head_reported_at is not None
    assert head.state == "stopped"


def test_k5_late_contact_escalates_on_the_ladder(new_complaint, staff):
    from aftersales.clocks.sweep import clock_sweep

    # given a complaint received Tuesday 10:00 (contact due 14:00, warning at 13:00)
    complaint = new_complaint(received_at=at("2025-09-23 10:00"))

    # when the sweep runs at 15:00 and nobody has called the customer
    clock_sweep(now=at("2025-09-23 15:00"))

    # then the warning and the breach steps are recorded on the complaint
    steps = Event.objects.filter(
        action="complaint.clock_escalated", subject_type="complaints.complaint", subject_id=str(complaint.pk)
    ).order_by("id")
    assert [(e.data["clock"], e.data["at"], e.rule) for e in steps] == [
        ("contact", "warning", "K5"),
        ("contact", "breach", "K5"),
    ]


def _set_policy(staff, key, value, *, effective_from=None):
    from aftersales.policies.services import policy_set

    return policy_set(actor=staff["admin"], key=key, value=value, note="K5 备选规定", effective_from=effective_from)


def test_k5_alternatives_are_a_policy_change_away(new_complaint, staff):
    from aftersales.calendars.selectors import calendar_add, calendar_for_code

    # given the alternatives of 001 §25 (close within 6 days) and 002 §5.1.18 (solution within 8
    # working hours) in force since before the complaint was received
    since = at("2025-01-01 00:00")
    _set_policy(staff, "K5.close", {"amount": 6, "unit": "days"}, effective_from=since)
    _set_policy(staff, "K5.solution", {"amount": 8, "unit": "working_hours"}, effective_from=since)

    # when a complaint is received on a Saturday and contacted
    complaint = new_complaint(received_at=at("2025-11-22 10:00"))
    services.complaint_contact(actor=staff["agent"], number=complaint.number)

    # then the whole case runs 6 calendar days, weekend included
    close = _clock(complaint, "close")
    assert (close.policy_key, close.target_amount, close.target_unit) == ("K5.close", 6, "days")
    assert close.due_at == at("2025-11-28 10:00")
    # and the solution 8 working hours on the CN calendar
    solution = _clock(complaint, "solution")
    assert (solution.target_amount, solution.target_unit, solution.policy_version) == (8, "working_hours", 2)
    expected = calendar_add(calendar_for_code("CN"), start=solution.started_at, amount=8, unit="working_hours")
    assert solution.due_at == expected.result


def test_k5_a_unit_change_reaches_running_clocks(new_complaint, staff):
    from aftersales.clocks.services import clock_recompute

    # given a complaint received on a Saturday under the defaults (5 working days: Friday 18:00)
    complaint = new_complaint(received_at=at("2025-11-22 10:00"))
    assert _clock(complaint, "close").due_at == at("2025-11-28 18:00")

    # when the administrator changes K5.close to 6 days around the clock
    version = _set_policy(staff, "K5.close", {"amount": 6, "unit": "days"})

    # then the running clock is recomputed in the new unit from its start
    close = clock_recompute(clock=_clock(complaint, "close"))
    assert (close.target_amount, close.target_unit, close.policy_version) == (6, "days", version.number)
    assert close.due_at == at("2025-11-28 10:00")
    assert Event.objects.filter(action="clock.recomputed", subject_id=str(close.pk)).count() == 1


@pytest.mark.parametrize(
    "value",
    [6, {"amount": 6, "unit": "weeks"}, {"amount": 0, "unit": "days"}, {"amount": 6}, {"amount": "6", "unit": "days"}],
    ids=["bare_number", "unknown_unit", "zero", "no_unit", "text_amount"],
)
def test_k5_a_deadline_needs_an_amount_and_a_known_unit(staff, value):
    from aftersales.core.errors import ValidationFailed
    from aftersales.policies.selectors import policy_get

    with pytest.raises(ValidationFailed):
        _set_policy(staff, "K5.close", value)
    assert policy_get("K5.close").value == {"amount": 5, "unit": "working_days"}


# Every step of a case beyond authority taken on one kind of day, an hour apart from 10:00:
# registered 10:00, contacted 11:00, escalated 12:00, decided by the head 13:00, replied 14:00.
# (day, contact due, close due, implement due): the "24 h" steps are wall-clock, so they fall due
# the next day at the same hour whatever the day; contact, close and carrying out follow CN.
STEPS_BY_DAY = pytest.mark.parametrize(
    ("day", "contact_due", "close_due", "implement_due"),
    [
        # Tuesday: 2 working days from 14:00 keep the time of day
        ("2025-09-23", "2025-09-23 14:00", "2025-09-29 10:00", "2025-09-25 14:00"),
        # Saturday: counting starts at Monday's opening; the 2nd working day ends at the close of business
        ("2025-11-22", "2025-11-24 13:00", "2025-11-28 18:00", "2025-11-25 18:00"),
        # National Day: from Thursday 2025-10-09
        ("2025-10-01", "2025-10-09 13:00", "2025-10-14 18:00", "2025-10-10 18:00"),
        # the make-up working Sunday: a working day like any other; 5 working days skip National Day
        # and end on the make-up Saturday 2025-10-11
        ("2025-09-28", "2025-09-28 14:00", "2025-10-11 10:00", "2025-09-30 14:00"),
    ],
    ids=["working_day", "weekend", "holiday", "make_up_day"],
)


@STEPS_BY_DAY
def test_k5_every_deadline_of_a_case_beyond_authority(new_complaint, staff, day, contact_due, close_due, implement_due):
    import time_machine

    def step(hour):
        return time_machine.travel(at(f"{day} {hour:02d}:00"), tick=False)

    # given a complaint taken through every step on that day
    with step(10):
        complaint = new_complaint(received_at=at(f"{day} 10:00"))
    with step(11):
        services.complaint_contact(actor=staff["agent"], number=complaint.number)
    with step(12):
        services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="超出权限")
    with step(13):
        services.complaint_approve(
            actor=staff["cs_manager"], number=complaint.number, disposition="explanation", decision="向客户解释"
        )
    with step(14):
        services.complaint_reply(actor=staff["agent"], number=complaint.number, public_reply="已电话答复")

    # then each clock is due as K5 says, from the moment its step was taken
    next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    expected = {
        "contact": ("K5.contact", at(contact_due)),
        "close": ("K5.close", at(close_due)),
        "solution": ("K5.solution", at(f"{next_day} 11:00")),
        "head_decision": ("K5.decide", at(f"{next_day} 12:00")),
        "reply": ("K5.reply", at(f"{next_day} 13:00")),
        "implement": ("K5.implement", at(implement_due)),
    }
    for kind, (key, due) in expected.items():
        clock = _clock(complaint, kind)
        assert (kind, clock.policy_key, clock.due_at) == (kind, key, due)
    # and the steps taken in time are met, the ones still open run
    assert {k: _clock(complaint, k).state for k in expected} == {
        "contact": "stopped",
        "close": "running",
        "solution": "stopped",
        "head_decision": "stopped",
        "reply": "stopped",
        "implement": "running",
    }
    assert _clock(complaint, "solution").outcome == "met"
    escalated = Event.objects.get(action="complaint.escalated", subject_id=str(complaint.pk))
    assert (escalated.data["head_due_at"], escalated.data["within_head_deadline"]) == (
        at(f"{next_day} 11:00").isoformat(),
        True,
    )


@STEPS_BY_DAY
def test_k6_reports_of_a_major_complaint_on_every_kind_of_day(
    new_complaint, staff, day, contact_due, close_due, implement_due
):
    import time_machine

    # given a major complaint (industry inspection) received at 10:00, reported to the desk at 11:00
    with time_machine.travel(at(f"{day} 10:00"), tick=False):
        complaint = new_complaint(received_at=at(f"{day} 10:00"), industry_inspection=True)
    with time_machine.travel(at(f"{day} 11:00"), tick=False):
        services.complaint_report(actor=staff["team_lead"], number=complaint.number)

    # then the desk report was due at 14:00 and met, the report to the head is due at 13:00,
    # around the clock, while the K5 clocks follow the calendar
    desk, head = _clock(complaint, "report_desk"), _clock(complaint, "report_head")
    assert (desk.due_at, desk.state, desk.outcome) == (at(f"{day} 14:00"), "stopped", "met")
    assert (head.policy_key, head.due_at, head.state) == ("K6.report_head", at(f"{day} 13:00"), "running")
    assert _clock(complaint, "contact").due_at == at(contact_due)
    assert _clock(complaint, "close").due_at == at(close_due)
