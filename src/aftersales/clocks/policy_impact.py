"""What a policy change does to running clocks (X2, docs/decisions/0020).

Running clocks keep the policy value they started with. A change may ask to recompute them
(PolicyVersion.recompute_clocks): once it is in force, `clocks_recompute_for_policy_version` moves
them (at once when the change is effective now, else through the sweep at its time). Before the
change is saved, `clocks_policy_preview` counts what recomputing would move. Both are registered with
policies.impacts in ClocksConfig.ready(), so policies never imports clocks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from aftersales.calendars.arithmetic import CalendarDataMissing, CompiledCalendar
from aftersales.clocks.choices import ClockState
from aftersales.clocks.models import Clock
from aftersales.clocks.schedule import Measure, schedule, target_seconds
from aftersales.clocks.selectors import clock_spans
from aftersales.clocks.services import clock_calendar, clock_recompute
from aftersales.core.access import SYSTEM
from aftersales.core.events import event_record
from aftersales.policies.impacts import ClockImpact

LIVE = (ClockState.RUNNING, ClockState.PAUSED)
POLICY_CLOCKS_RECOMPUTED = "policy.clocks_recomputed"


def _governed(key: str) -> QuerySet[Clock]:
    """Unstopped clocks whose target comes from policy `key` ("KEY" or "KEY:field")."""
    return Clock.objects.filter(Q(policy_key=key) | Q(policy_key__startswith=f"{key}:"), state__in=LIVE)


def _target_from(value: Any, policy_key: str, unit: str) -> tuple[int, str] | None:
    """(amount, unit) a clock on `policy_key` would take from `value`; None when the value has no such target."""
    _key, _sep, field = policy_key.partition(":")
    raw = value.get(field) if field and isinstance(value, dict) else value
    if isinstance(raw, dict) and "amount" in raw and "unit" in raw:
        return int(raw["amount"]), str(raw["unit"])
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw, unit
    return None


def clocks_policy_preview(key: str, value: Any, at: dt.datetime | None = None) -> ClockImpact:
    """If running clocks governed by `key` were recomputed with `value` at `at` (default now): how many
    there are, how many deadlines would move, how many running clocks would become overdue at once.
    Reads only; the clocks' own times and segments, on their own calendars."""
    now = at or timezone.now()
    clocks = list(_governed(key).prefetch_related("segments"))
    calendars: dict[str, CompiledCalendar | None] = {}
    moved = overdue = 0
    for clock in clocks:
        target = _target_from(value, clock.policy_key, clock.target_unit)
        if target is None:
            continue
        amount, unit = target
        if (amount, unit) == (clock.target_amount, clock.target_unit):
            continue
        if clock.calendar_code not in calendars:
            calendars[clock.calendar_code] = clock_calendar(clock.calendar_code)
        cal = calendars[clock.calendar_code]
        if cal is None:
            moved += 1
            continue
        try:
            seconds = target_seconds(cal, clock.started_at, amount, unit)
            result = schedule(
                Measure(cal, unit), clock_spans(clock), target=seconds, warn_share=clock.warn_share, now=now
            )
        except CalendarDataMissing:
            moved += 1
            continue
        if seconds == clock.target_seconds and unit == clock.target_unit:
            continue
        moved += 1
        late_now = clock.due_at is not None and clock.due_at <= now
        if clock.state == ClockState.RUNNING and not late_now and result.due_at is not None and result.due_at <= now:
            overdue += 1
    return ClockImpact(running=len(clocks), moved=moved, overdue=overdue)


@transaction.atomic
def clocks_recompute_for_policy_version(*, version: Any, at: dt.datetime | None = None) -> int:
    """Recompute, with the values in force now, the unstopped clocks governed by `version.changed_key` that
    started before the change took effect (later ones already use it); then mark the change applied
    (once). Returns how many were looked at (clock.recomputed is written only where a deadline moved).

    Rule: X2. Events: clock.recomputed (per clock that changed), policy.clocks_recomputed (on the version).
    """
    from aftersales.policies.models import PolicyVersion

    now = at or timezone.now()
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    if version.clocks_recomputed_at is not None or not version.recompute_clocks or version.effective_from > now:
        return 0
    ids = list(
        _governed(version.changed_key).filter(started_at__lt=version.effective_from).values_list("pk", flat=True)
    )
    for pk in ids:
        clock_recompute(clock=Clock(pk=pk), at=now)
    version.clocks_recomputed_at = now
    version.save(update_fields=["clocks_recomputed_at"])
    event_record(
        subject=version,
        action=POLICY_CLOCKS_RECOMPUTED,
        actor=SYSTEM,
        rule="X2",
        policy_version=version.number,
        data={"key": version.changed_key, "clocks": len(ids)},
    )
    return len(ids)


def clocks_recompute_policy_changes(*, at: dt.datetime | None = None) -> int:
    """The sweep's part: apply every change now in force that asked to recompute the running clocks."""
    from aftersales.policies.selectors import policy_versions_to_recompute

    return sum(
        clocks_recompute_for_policy_version(version=version, at=at) for version in policy_versions_to_recompute(at=at)
    )
