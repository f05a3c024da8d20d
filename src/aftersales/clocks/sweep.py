"""clock_sweep(): warn, breach and escalate due clocks exactly once; recompute stale ones (X2).

One indexed query (`next_check_at <= now`) finds the work; each clock is then handled in its own
short transaction. On PostgreSQL the row is taken with `SELECT … FOR UPDATE SKIP LOCKED`, so two
sweeps share the work; on SQLite the IMMEDIATE transaction serialises them. Either way each
`warned`/`breached`/ladder step is claimed by a conditional UPDATE (`… WHERE warned_at IS NULL`),
so its event and notifications are written once even when two sweeps race.

Recompute: calendars and policies do not call into clocks; instead every sweep recomputes (in
bounded batches) unstopped clocks whose calendar_version is older than their calendar's, or
whose policy_version is older than the current policy version.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.clocks import events
from aftersales.clocks.choices import ClockKind, ClockState
from aftersales.clocks.models import Clock
from aftersales.clocks.services import LADDER_KEY, clock_recompute, next_check
from aftersales.core.access import SYSTEM
from aftersales.core.events import event_record
from aftersales.policies.selectors import policy_get

BATCH = 1000
RECOMPUTE_BATCH = 200


@dataclass
class SweepResult:
    checked: int = 0
    warned: int = 0
    breached: int = 0
    escalated: int = 0
    notified: int = 0
    recomputed: int = 0
    seconds: float = 0.0
    clock_ids: list[int] = field(default_factory=list)


def clock_sweep(now: dt.datetime | None = None, *, batch: int = BATCH, recompute: bool = True) -> SweepResult:
    """Handle every clock whose next_check_at has come. Idempotent; safe to run concurrently."""
    began = time.perf_counter()
    now = now or timezone.now()
    result = SweepResult()
    ids = list(
        Clock.objects.filter(next_check_at__lte=now).order_by("next_check_at").values_list("pk", flat=True)[:batch]
    )
    if ids:
        ladders = policy_get(LADDER_KEY).value.get("ladders", {})
        for pk in ids:
            _process(pk, now, ladders, result)
    if recompute:
        result.recomputed = clocks_recompute_stale(limit=RECOMPUTE_BATCH, at=now)
    result.seconds = time.perf_counter() - began
    return result


def _process(pk: int, now: dt.datetime, ladders: dict[str, Any], result: SweepResult) -> None:
    with transaction.atomic():
        qs = Clock.objects.filter(pk=pk).order_by()
        if connection.vendor == "postgresql":
            qs = qs.select_for_update(skip_locked=True)
        clock = qs.first()
        if clock is None or clock.state != ClockState.RUNNING or not clock.next_check_at or clock.next_check_at > now:
            return
        result.checked += 1
        result.clock_ids.append(pk)
        steps = ladders.get(clock.kind, [])
        if (
            clock.warned_at is None
            and clock.warn_at
            and clock.warn_at <= now
            and (clock.due_at is None or clock.warn_at < clock.due_at)
        ) and Clock.objects.filter(pk=pk, warned_at__isnull=True).update(warned_at=now):
            clock.warned_at = now
            result.warned += 1
            event_record(
                subject=clock,
                action=events.CLOCK_WARNED,
                actor=SYSTEM,
                rule=clock.rule,
                policy_version=clock.policy_version,
                data=_data(clock),
            )
            for step in steps:
                if step["at"] == "warning":
                    _escalate(clock, step, result)
        due = clock.breached_at is None and clock.due_at is not None and clock.due_at <= now
        if due and Clock.objects.filter(pk=pk, breached_at__isnull=True).update(breached_at=clock.due_at):
            clock.breached_at = clock.due_at
            result.breached += 1
            event_record(
                subject=clock,
                action=events.CLOCK_BREACHED,
                actor=SYSTEM,
                rule=clock.rule,
                policy_version=clock.policy_version,
                data=_data(clock),
            )
            for step in steps:
                if step["at"] == "breach" and step["after_minutes"] == 0:
                    _escalate(clock, step, result)
        if clock.breached_at is not None:
            later = sorted(
                (s for s in steps if s["at"] == "breach" and s["after_minutes"] > 0), key=lambda s: s["after_minutes"]
            )
            done = clock.escalation_steps_done
            while done < len(later) and clock.breached_at + dt.timedelta(minutes=later[done]["after_minutes"]) <= now:
                if not Clock.objects.filter(pk=pk, escalation_steps_done=done).update(escalation_steps_done=done + 1):
                    break
                _escalate(clock, later[done], result)
                done += 1
            clock.escalation_steps_done = done
        Clock.objects.filter(pk=pk).update(next_check_at=next_check(clock, ladders))


def _data(clock: Clock) -> dict[str, Any]:
    return {
        "kind": clock.kind,
        "record": f"{clock.subject_type}:{clock.subject_id}",
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "warn_at": clock.warn_at.isoformat() if clock.warn_at else None,
        "calendar": clock.calendar_code,
        "calendar_version": clock.calendar_version,
    }


def escalation_recipients(clock: Clock, tokens: list[str]) -> list[Any]:
    """Users named by a ladder step's `notify` tokens (see policies.defaults.EscalationStep)."""
    from aftersales.accounts.models import User

    owner = clock.owner if clock.owner_id else None
    department = owner.department if owner is not None and owner.department_id else None
    users: list[Any] = []
    for token in tokens:
        if token == "owner" and owner is not None:
            users.append(owner)
        elif token == "department_head" and department is not None and department.head_id:
            users.append(department.head)
        elif token.startswith("department_role:") and department is not None:
            role = token.split(":", 1)[1]
            users += list(User.objects.filter(is_active=True, department=department, groups__name=role).distinct())
        elif token.startswith("role:"):
            role = token.split(":", 1)[1]
            users += list(User.objects.filter(is_active=True, groups__name=role).distinct())
    return users


def _escalate(clock: Clock, step: dict[str, Any], result: SweepResult) -> None:
    from aftersales.notifications.services import notify_users

    what = ClockKind(clock.kind).label if clock.kind in ClockKind.values else clock.kind
    due = timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M") if clock.due_at else "—"
    if step["at"] == "warning":
        title = _("Deadline approaching: %(what)s — %(record)s") % {"what": what, "record": clock.subject_label}
    else:
        title = _("Deadline missed: %(what)s — %(record)s") % {"what": what, "record": clock.subject_label}
    body = _("Rule %(rule)s. Due at %(due)s (calendar %(calendar)s).") % {
        "rule": clock.rule,
        "due": due,
        "calendar": clock.calendar_code,
    }
    if step["raise_level"]:
        clock.escalation_level += 1
        Clock.objects.filter(pk=clock.pk).update(escalation_level=clock.escalation_level)
        result.escalated += 1
        event_record(
            subject=clock,
            action=events.CLOCK_ESCALATED,
            actor=SYSTEM,
            rule=clock.rule,
            policy_version=clock.policy_version,
            data={
                **_data(clock),
                "level": clock.escalation_level,
                "at": step["at"],
                "after_minutes": step["after_minutes"],
                "notify": step["notify"],
            },
        )
    rows = notify_users(
        users=escalation_recipients(clock, step["notify"]), title=title, body=body, url=clock.url, rule=clock.rule
    )
    result.notified += len(rows)


def clocks_recompute_stale(*, limit: int = RECOMPUTE_BATCH, at: dt.datetime | None = None) -> int:
    """Recompute up to `limit` unstopped clocks computed with an older calendar or policy version."""
    from aftersales.calendars.models import WorkCalendar
    from aftersales.policies.selectors import policy_version_current

    live = [ClockState.RUNNING, ClockState.PAUSED]
    ids: list[int] = []
    for code, version in WorkCalendar.objects.values_list("code", "version"):
        ids += list(
            Clock.objects.filter(calendar_code=code, state__in=live, calendar_version__lt=version).values_list(
                "pk", flat=True
            )[: limit - len(ids)]
        )
        if len(ids) >= limit:
            break
    current = policy_version_current()
    if current is not None and len(ids) < limit:
        ids += list(
            Clock.objects.filter(state__in=live, policy_version__lt=current.number)
            .exclude(pk__in=ids)
            .values_list("pk", flat=True)[: limit - len(ids)]
        )
    for pk in ids:
        clock_recompute(clock=Clock(pk=pk), at=at)
    return len(ids)
