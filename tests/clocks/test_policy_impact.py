"""A policy change against running clocks (X2, docs/decisions/0020): the preview's counts, and
running clocks keeping their value unless the change asks to recompute them — at its effective time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.clocks.policy_impact import clocks_policy_preview
from aftersales.clocks.services import clock_start, clock_stop
from aftersales.clocks.sweep import clocks_recompute_stale
from aftersales.core.access import SYSTEM
from aftersales.core.models import Event
from aftersales.policies.selectors import policy_change_preview
from aftersales.policies.services import policy_set
from tests.clocks.conftest import at

pytestmark = pytest.mark.django_db


def _clock(subject, when, key="C3.decide_within"):
    return clock_start(
        subject=subject,
        kind="access_decision",
        rule="C3",
        calendar_code="LUNCH",
        policy_key=key,
        unit="working_hours",
        actor=SYSTEM,
        started_at=at(when),
    )


@pytest.fixture
def clocks(subject, lunch_calendar):
    """Three running clocks on C3.decide_within (8 working hours), one stopped, one on another key."""
    running = [
        _clock(subject, "2025-11-27 11:00"),
        _clock(subject, "2025-11-27 13:00"),
        _clock(subject, "2025-11-27 09:00"),
    ]
    stopped = clock_stop(clock=_clock(subject, "2025-11-27 09:00"), at=at("2025-11-27 10:00"))
    other = _clock(subject, "2025-11-27 09:00", key="S6.respond_minutes")
    return running, stopped, other


def test_preview_counts_running_clocks_moved_and_newly_overdue(clocks):
    # At 14:30 with 2 working hours instead of 8 (lunch 12–13): the 11:00 clock is due 14:00 and
    # the 09:00 one 11:00 (both overdue at once); the 13:00 one moves to 15:00, not overdue.
    impact = clocks_policy_preview("C3.decide_within", 2, at("2025-11-27 14:30"))
    assert (impact.running, impact.moved, impact.overdue) == (3, 3, 2)
    # 6 working hours: every deadline moves, none is reached at 14:30.
    impact = clocks_policy_preview("C3.decide_within", 6, at("2025-11-27 14:30"))
    assert (impact.running, impact.moved, impact.overdue) == (3, 3, 0)
    # The value they already have moves nothing.
    impact = clocks_policy_preview("C3.decide_within", 8, at("2025-11-27 14:30"))
    assert (impact.running, impact.moved, impact.overdue) == (3, 0, 0)


def test_preview_through_the_policies_selector_shows_old_and_new(clocks):
    preview = policy_change_preview("C3.decide_within", 4)
    assert (preview.old, preview.new) == (8, 4)
    assert preview.clocks is not None
    assert preview.clocks.running == 3
    assert policy_change_preview("A3.warranty_months", 30).clocks is None  # no clock uses it


def test_keep_running_clocks_is_the_default(clocks, make_user, actor_of):
    running, _stopped, _other = clocks
    policy_set(actor=actor_of(make_user("admin")), key="C3.decide_within", value=2, note="缩短")
    assert clocks_recompute_stale(at=timezone.now()) == 0
    for clock in running:
        before = clock.due_at
        clock.refresh_from_db()
        assert (clock.target_amount, clock.due_at) == (8, before)


def test_recompute_at_the_effective_time_only(clocks, make_user, actor_of):
    running, stopped, other = clocks
    soon = timezone.now() + dt.timedelta(days=1)
    version = policy_set(
        actor=actor_of(make_user("admin")), key="C3.decide_within", value=2, effective_from=soon, recompute_clocks=True
    )
    # before its time: nothing moves, the sweep leaves it for later
    assert clocks_recompute_stale(at=soon - dt.timedelta(minutes=1)) == 0
    first = running[0]
    first.refresh_from_db()
    assert first.target_amount == 8
    # at its time the sweep recomputes the three running clocks, once, and records it
    assert clocks_recompute_stale(at=soon + dt.timedelta(minutes=1)) == 3
    first.refresh_from_db()
    assert (first.target_amount, first.due_at) == (2, at("2025-11-27 14:00"))
    stopped.refresh_from_db()
    other.refresh_from_db()
    assert stopped.target_amount == 8
    assert other.target_amount == 30
    version.refresh_from_db()
    assert version.clocks_recomputed_at is not None
    assert Event.objects.filter(action="policy.clocks_recomputed", subject_id=str(version.pk)).count() == 1
    assert clocks_recompute_stale(at=soon + dt.timedelta(minutes=2)) == 0
