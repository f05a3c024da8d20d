"""X2 sweep: warned/breached exactly once (even with two racing sweeps), escalation ladders, e-mail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aftersales.clocks import events
from aftersales.clocks.models import Clock
from aftersales.clocks.services import clock_start, clock_stop
from aftersales.clocks.sweep import clock_sweep
from aftersales.core.access import SYSTEM
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from tests.clocks.conftest import at


def _start(subject: Any, *, owner: Any = None, target: int = 2, when: str = "2025-09-30 11:00") -> Clock:
    return clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="LUNCH",
        target=target,
        unit="working_hours",
        actor=SYSTEM,
        owner=owner,
        started_at=at(when),
        url="/customers/access-requests/",
    )


def _count(action: str, clock: Clock) -> int:
    return Event.objects.filter(action=action, subject_type="clocks.clock", subject_id=str(clock.pk)).count()


@pytest.mark.django_db
def test_x2_sweep_warns_then_breaches_once_and_climbs_the_ladder(subject, lunch_calendar, make_user):
    from aftersales.accounts.models import Department

    head = make_user("cs_manager", username="head", email="head@example.com")
    owner = make_user("team_lead", username="owner", email="owner@example.com")
    vp = make_user("vp", username="vp1", email="vp@example.com")
    dept = Department.objects.create(code="CS", name="客服部", head=head)
    owner.department = dept
    owner.save()
    clock = _start(subject, owner=owner)  # 11:00 + 2 h (lunch) → 14:00; warn at 1.5 h → 13:30
    assert clock.warn_at == at("2025-09-30 13:30")
    assert clock_sweep(at("2025-09-30 13:00")).checked == 0
    first = clock_sweep(at("2025-09-30 13:31"))
    assert (first.warned, first.breached) == (1, 0)
    assert Notification.objects.filter(user=owner).count() == 1
    second = clock_sweep(at("2025-09-30 13:45"))
    assert second.checked == 0
    third = clock_sweep(at("2025-09-30 14:01"))
    assert third.breached == 1
    clock.refresh_from_db()
    assert clock.breached_at == at("2025-09-30 14:00")
    assert clock.escalation_level == 1
    assert clock.next_check_at == at("2025-09-30 18:00")  # breach + 240 minutes (policy default)
    assert set(Notification.objects.filter(user__in=[owner, head]).values_list("user__username", flat=True)) == {
        "owner",
        "head",
    }
    assert not Notification.objects.filter(user=vp).exists()
    clock_sweep(at("2025-09-30 18:01"))
    clock_sweep(at("2025-09-30 18:02"))
    clock.refresh_from_db()
    assert clock.escalation_level == 2
    assert clock.next_check_at is None
    assert Notification.objects.filter(user=vp).count() == 1
    assert _count(events.CLOCK_WARNED, clock) == 1
    assert _count(events.CLOCK_BREACHED, clock) == 1
    levels = [e.data["level"] for e in Event.objects.filter(action=events.CLOCK_ESCALATED).order_by("id")]
    assert levels == [1, 2]


@pytest.mark.django_db
def test_x2_stopped_and_paused_clocks_are_never_swept(subject, lunch_calendar):
    from aftersales.clocks.services import clock_pause

    a = _start(subject)
    b = _start(subject)
    clock_stop(clock=a, at=at("2025-09-30 11:30"))
    clock_pause(clock=b, at=at("2025-09-30 11:30"))
    assert clock_sweep(at("2026-01-01 00:00")).checked == 0


@pytest.mark.django_db
def test_x2_a_clock_reaching_a_year_without_data_warns_administrators(subject, make_user):
    from aftersales.calendars.models import StatutoryYear

    admin = make_user("admin", username="root")
    last = max(StatutoryYear.objects.filter(calendar__code="CN").values_list("year", flat=True))
    clock = clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="CN",
        target=10,
        unit="working_days",
        actor=SYSTEM,
        started_at=dt.datetime(last, 12, 28, 10, tzinfo=at("2025-01-01 00:00").tzinfo),
    )
    assert clock.data_missing_year == last + 1
    assert clock.due_at is None
    assert Notification.objects.filter(user=admin, rule="X1").count() == 1


@pytest.mark.django_db
def test_x2_breach_reassigns_to_the_department_head_and_the_record_follows(
    subject, lunch_calendar, make_user, actor_of
):
    from aftersales.accounts.models import Department
    from aftersales.clocks.sweep import ESCALATION_HANDLERS, Escalation, register_escalation_handler
    from aftersales.policies.selectors import policy_get
    from aftersales.policies.services import policy_set

    head = make_user("cs_manager", username="head2")
    owner = make_user("team_lead", username="owner2")
    owner.department = Department.objects.create(code="CS2", name="客服二部", head=head)
    owner.save()
    ladders = policy_get("X2.escalation").value
    ladders["ladders"]["access_decision"] = [
        {"at": "breach", "after_minutes": 0, "notify": ["owner"], "raise_level": True, "reassign_to": "department_head"}
    ]
    policy_set(actor=actor_of(make_user("admin")), key="X2.escalation", value=ladders)
    seen: list[Escalation] = []
    register_escalation_handler("accounts.department", seen.append)
    try:
        clock = _start(subject, owner=owner)
        result = clock_sweep(at("2025-09-30 14:01"))
    finally:
        ESCALATION_HANDLERS.pop("accounts.department")
    assert (result.breached, result.escalated, result.reassigned) == (1, 1, 1)
    clock.refresh_from_db()
    assert clock.owner == head
    assert [(e.clock.pk, e.level, e.raised, e.reassigned_to) for e in seen] == [(clock.pk, 1, True, head)]
    reassigned = Event.objects.get(action=events.CLOCK_REASSIGNED, subject_id=str(clock.pk))
    assert reassigned.data["owner"] == ["owner2", "head2"]
    # The old owner is told of the breach, the new one that the record is now theirs.
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"owner2", "head2"}


@pytest.mark.django_db
def test_x2_a_ladder_step_with_an_unknown_recipient_token_is_refused(make_user, actor_of):
    from aftersales.core.errors import ValidationFailed
    from aftersales.policies.selectors import policy_get
    from aftersales.policies.services import policy_set

    ladders = policy_get("X2.escalation").value
    before = policy_get("X2.escalation").version
    ladders["ladders"]["access_decision"] = [{"at": "breach", "notify": ["everybody"]}]
    with pytest.raises(ValidationFailed):
        policy_set(actor=actor_of(make_user("admin")), key="X2.escalation", value=ladders)
    assert policy_get("X2.escalation").version == before


@pytest.mark.django_db
def test_x2_a_sweep_handles_more_clocks_than_one_chunk_each_once(subject, lunch_calendar, make_user):
    from aftersales.clocks.sweep import CHUNK

    owner = make_user("team_lead", username="many")
    clocks = [_start(subject, owner=owner) for _ in range(CHUNK + 20)]
    first = clock_sweep(at("2025-09-30 14:01"), batch=CHUNK + 10)
    second = clock_sweep(at("2025-09-30 14:01"), batch=CHUNK + 10)
    assert (first.checked, second.checked) == (CHUNK + 10, 10)
    assert first.breached + second.breached == len(clocks)
    assert clock_sweep(at("2025-09-30 14:01")).checked == 0
    assert Event.objects.filter(action=events.CLOCK_BREACHED).count() == len(clocks)
    # One warning and one breach notification per clock (the default ladder notifies the owner at both).
    assert Notification.objects.filter(user=owner).count() == 2 * len(clocks)
    from aftersales.core.events import chain_verify, events_chain_pending

    events_chain_pending()  # deferred chaining (PostgreSQL): what the on-commit hook does after a real commit
    report = chain_verify()
    assert (report.ok, report.pending) == (True, 0)
    assert report.checked == Event.objects.count()
