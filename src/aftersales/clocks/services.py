"""Writes for clocks: start, pause, resume, stop, recompute (X2).

Each runs in the caller's transaction (or its own), writes one event, and keeps `next_check_at`
(the sweep's single indexed column) in step. Recompute rebuilds due_at/warn_at from the
segments with the current calendar and policy; stopped clocks keep the versions they had.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.arithmetic import CalendarDataMissing, CompiledCalendar
from aftersales.calendars.selectors import calendar_compiled_for_code
from aftersales.clocks import events
from aftersales.clocks.choices import ClockOutcome, ClockState, SegmentKind
from aftersales.clocks.models import Clock, ClockSegment
from aftersales.clocks.schedule import Measure, Span, schedule, target_seconds
from aftersales.clocks.selectors import clock_calendar_known, clock_spans, subject_ref
from aftersales.clocks.transitions import clock_transitions
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.bulk import bulk_insert_rows
from aftersales.core.errors import NotFound
from aftersales.core.events import EventDraft, Subject, event_record, events_record, subject_key
from aftersales.core.prefetch import prefetched_set
from aftersales.core.workflow import expect_transition, transition
from aftersales.policies.selectors import PolicySnapshot, policy_get, policy_snapshot

WARN_SHARE_KEY = "X2.warn_share"
LADDER_KEY = "X2.escalation"


def policy_target(
    policy_key: str, *, at: dt.datetime | None = None, policies: PolicySnapshot | None = None
) -> tuple[int, str | None, int]:
    """(target, unit, policy version) from "KEY" or "KEY:field" (a field of a structured policy).

    A number is a target in the unit the caller asks for (unit None): "S6.respond_minutes" → 30,
    "C9.tiers:remote" → 7. A duration (policies.defaults.Duration) brings its own unit:
    "K5.contact" → (4, "working_hours"). `policies`: read from this snapshot (no query).
    """
    key, _sep, field = policy_key.partition(":")
    value = policies.get(key) if policies is not None else policy_get(key, at=at)
    raw = value.value[field] if field else value.value
    if isinstance(raw, dict):
        return int(raw["amount"]), str(raw["unit"]), value.version
    return int(raw), None, value.version


def _after_breach_minutes(kind: str, ladders: dict[str, Any] | None = None) -> list[int]:
    """Minutes after the breach of this kind's "breach + N" ladder steps, ascending."""
    if ladders is None:
        ladders = policy_get(LADDER_KEY).value.get("ladders", {})
    return sorted(s["after_minutes"] for s in ladders.get(kind, []) if s["at"] == "breach" and s["after_minutes"] > 0)


class ClockTiming(Protocol):
    """What next_check reads of a clock: a Clock, or the columns the sweep reads (sweep.SweptClock)."""

    @property
    def kind(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def due_at(self) -> dt.datetime | None: ...
    @property
    def warn_at(self) -> dt.datetime | None: ...
    @property
    def warned_at(self) -> dt.datetime | None: ...
    @property
    def breached_at(self) -> dt.datetime | None: ...
    @property
    def escalation_steps_done(self) -> int: ...


def next_check(
    clock: ClockTiming, ladders: dict[str, Any] | None = None, *, state: str | None = None
) -> dt.datetime | None:
    """The one instant the sweep must next look at this clock (None: nothing to do).

    `state`: the state the clock is moving to (its own until the move is saved), else its current one.
    """
    if (state or clock.state) != ClockState.RUNNING:
        return None
    if clock.warned_at is None and clock.warn_at is not None and (clock.due_at is None or clock.warn_at < clock.due_at):
        return clock.warn_at
    if clock.breached_at is None:
        return clock.due_at
    steps = _after_breach_minutes(clock.kind, ladders)
    if clock.escalation_steps_done < len(steps):
        return clock.breached_at + dt.timedelta(minutes=steps[clock.escalation_steps_done])
    return None


def _admins() -> list[Any]:
    from aftersales.accounts.choices import Role
    from aftersales.accounts.models import User

    return list(User.objects.filter(is_active=True, groups__name=Role.ADMIN).distinct())


def _notify_data_missing(clock: Clock, year: int) -> None:
    from aftersales.notifications.services import notify_users

    title = _("Calendar %(code)s has no official holiday data for %(year)s") % {
        "code": clock.calendar_code,
        "year": year,
    }
    body = _(
        "A running deadline clock (%(clock)s) reaches into %(year)s. Enter that year's holiday notice "
        "on the calendar page; the clock is recomputed by the next sweep."
    ) % {"clock": clock.subject_label or str(clock), "year": year}
    notify_users(users=_admins(), title=title, body=body, url="", rule="X1")


def clock_calendar(code: str) -> CompiledCalendar | None:
    """The compiled calendar, or None when it does not exist (the clock then waits, admins are told).

    For callers that read it before their transaction (clocks_start(calendar=…))."""
    try:
        return calendar_compiled_for_code(code)
    except NotFound:
        return None


def _notify_calendar_missing(clock: Clock) -> None:
    from aftersales.notifications.services import notify_users

    title = _("Calendar %(code)s does not exist") % {"code": clock.calendar_code}
    body = _("A deadline clock (%(clock)s) needs it; the clock has no due time until the calendar is created.") % {
        "clock": clock.subject_label or str(clock)
    }
    notify_users(users=_admins(), title=title, body=body, rule="X1")


def _apply_schedule(
    clock: Clock,
    cal: CompiledCalendar | None,
    *,
    now: dt.datetime,
    spans: list[Span] | None = None,
    state: str | None = None,
) -> None:
    """Set due_at, warn_at, paused_seconds, data_missing_year and next_check_at from the segments.

    `spans`: the clock's segments when the caller already knows them (a clock being started).
    `state`: the state the clock is moving to (transition() sets it when it saves the move).
    """
    if cal is None:
        clock.due_at = clock.warn_at = clock.next_check_at = None
        return
    measure = Measure(cal, clock.target_unit)
    clock.calendar_version = cal.version
    try:
        if not clock.target_seconds:
            clock.target_seconds = target_seconds(cal, clock.started_at, clock.target_amount, clock.target_unit)
        result = schedule(
            measure,
            clock_spans(clock) if spans is None else spans,
            target=clock.target_seconds,
            warn_share=clock.warn_share,
            now=now,
        )
    except CalendarDataMissing as exc:
        if clock.data_missing_year != exc.year:
            _notify_data_missing(clock, exc.year)
            if clock.pk:
                event_record(
                    subject=clock,
                    action=events.CLOCK_DATA_MISSING,
                    rule="X1",
                    data={"calendar": clock.calendar_code, "year": exc.year},
                )
        clock.data_missing_year = exc.year
        clock.due_at = clock.warn_at = None
        clock.next_check_at = None
        return
    clock.data_missing_year = None
    # In UTC, as the database gives them back: a clock's answer is the same before and after a reload.
    clock.due_at = result.due_at.astimezone(dt.UTC) if result.due_at else None
    clock.warn_at = result.warn_at.astimezone(dt.UTC) if result.warn_at else None
    clock.paused_seconds = result.paused_seconds
    clock.next_check_at = next_check(clock, state=state)


def _lock(clock: Clock) -> Clock:
    return Clock.objects.select_for_update().get(pk=clock.pk)


# What a move recomputes besides the state (saved with it by transition()).
_SCHEDULE_FIELDS = (
    "due_at",
    "warn_at",
    "paused_seconds",
    "data_missing_year",
    "next_check_at",
    "calendar_version",
    "target_seconds",
)
_STOP_FIELDS = (*_SCHEDULE_FIELDS, "margin_seconds", "stopped_at", "outcome")


def _move(clock: Clock, to: str, *, actor: Actor | None, action: str, fields: tuple[str, ...], **kwargs: Any) -> None:
    """The clock's state move through core.workflow.transition(): event `action` with state [old, new]."""
    transition(
        clock,
        to=to,
        table=clock_transitions(clock.rule),
        actor=actor or SYSTEM,
        action=action,
        extra_update_fields=fields,
        **kwargs,
    )


def _now(at: dt.datetime | None) -> dt.datetime:
    return (at or timezone.now()).replace(microsecond=0)


@dataclass(frozen=True)
class ClockSpec:
    """One clock for clocks_start: `target` `unit`, or the value of `policy_key` (in its own unit when the
    policy is a duration, else in `unit`). `calendar_code`: this clock's own calendar when it is not the
    record's (e.g. "24x7" for a response on the 24-hour emergency line, S6)."""

    kind: str
    rule: str
    policy_key: str = ""
    target: int | None = None
    unit: str = "working_hours"
    owner: Any = None
    calendar_code: str = ""


@transaction.atomic
def clock_start(
    *,
    subject: models.Model,
    kind: str,
    rule: str,
    calendar_code: str,
    actor: Actor | None = None,
    policy_key: str = "",
    target: int | None = None,
    unit: str = "working_hours",
    owner: Any = None,
    url: str = "",
    started_at: dt.datetime | None = None,
) -> Clock:
    """Start a clock on a record: `target` `unit`, or the value of `policy_key` in `unit`.

    Rule: X2 (and `rule`). Events: clock.started.
    """
    spec = ClockSpec(kind=kind, rule=rule, policy_key=policy_key, target=target, unit=unit, owner=owner)
    return clocks_start(
        subject=subject, specs=[spec], calendar_code=calendar_code, actor=actor, url=url, started_at=started_at
    )[0]


@transaction.atomic(savepoint=False)
def clocks_start(
    *,
    subject: models.Model,
    specs: Sequence[ClockSpec],
    calendar_code: str,
    actor: Actor | None = None,
    url: str = "",
    started_at: dt.datetime | None = None,
    events_before: Sequence[EventDraft] = (),
    policies: PolicySnapshot | None = None,
    calendar: CompiledCalendar | None = None,
) -> list[Clock]:
    """Start several clocks on one record, on one calendar, from one reading of the policies.

    Each clock is inserted once with its due time; the segments and events are written in bulk,
    after the caller's `events_before` (e.g. the record's own "registered" event) in the same batch.
    No savepoint: an error here fails the caller's transaction. `policies` (in force at
    `started_at`) and `calendar` (clock_calendar(calendar_code)): already read by the caller.
    Rule: X2 (and each spec's rule). Events: clock.started per clock (clock.data_missing before it
    when the calendar lacks a year's data).
    """
    now = _now(started_at).astimezone(dt.UTC)
    policies = policies or policy_snapshot(now)
    for spec in specs:
        if not spec.policy_key and spec.target is None:
            raise ValueError("clock_start needs policy_key or target")
    warn = policies.get(WARN_SHARE_KEY)
    subject_type, subject_id = subject_ref(subject)
    label = str(subject)[:200]
    cal = calendar if calendar is not None and calendar.code == calendar_code else clock_calendar(calendar_code)
    calendars = {calendar_code: cal}
    running = [Span(kind=SegmentKind.RUNNING, start=now, end=None)]
    clocks: list[Clock] = []
    for spec in specs:
        code = spec.calendar_code or calendar_code
        if code not in calendars:
            calendars[code] = clock_calendar(code)
        spec_cal = calendars[code]
        target, unit, policy_version = spec.target, None, 0
        if spec.policy_key:
            target, unit, policy_version = policy_target(spec.policy_key, policies=policies)
        assert target is not None  # checked above: a spec has a policy_key or a target
        clock = Clock(
            subject_type=subject_type,
            subject_id=subject_id,
            subject_label=label,
            url=url,
            kind=spec.kind,
            rule=spec.rule,
            policy_key=spec.policy_key,
            policy_version=max(policy_version, warn.version),
            calendar_code=code,
            target_amount=target,
            target_unit=unit or spec.unit,
            warn_share=float(warn.value),
            owner=spec.owner,
            started_at=now,
            state=ClockState.RUNNING,
        )
        _apply_schedule(clock, spec_cal, now=now, spans=running)
        if spec_cal is None:
            _notify_calendar_missing(clock)
        clocks.append(clock)
    Clock.objects.bulk_create(clocks)  # sets the keys on both databases (RETURNING)
    segments = [ClockSegment(clock=clock, kind=SegmentKind.RUNNING, started_at=now) for clock in clocks]
    ClockSegment.objects.bulk_create(segments)
    for clock, segment in zip(clocks, segments, strict=True):
        prefetched_set(clock, "segments", [segment])  # explained in the caller's answer without a query
        clock_calendar_known(clock, calendars[clock.calendar_code])
    drafts = list(events_before)
    for clock in clocks:
        if clock.data_missing_year is not None:  # _apply_schedule told the admins; record it now the clock has an id
            drafts.append(
                EventDraft(
                    subject=clock,
                    action=events.CLOCK_DATA_MISSING,
                    rule="X1",
                    data={"calendar": clock.calendar_code, "year": clock.data_missing_year},
                )
            )
        drafts.append(
            EventDraft(
                subject=clock,
                action=events.CLOCK_STARTED,
                actor=actor or SYSTEM,
                rule=clock.rule,
                policy_version=clock.policy_version,
                data=_event_data(clock),
            )
        )
    events_record(drafts)
    return clocks


def _event_data(clock: Clock, **extra: Any) -> dict[str, Any]:
    return {
        "kind": clock.kind,
        "record": f"{clock.subject_type}:{clock.subject_id}",
        "calendar": clock.calendar_code,
        "calendar_version": clock.calendar_version,
        "target": f"{clock.target_amount} {clock.target_unit}",
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        **extra,
    }


@transaction.atomic
def clock_pause(*, clock: Clock, actor: Actor | None = None, reason: str = "", at: dt.datetime | None = None) -> Clock:
    """Pause a running clock (waiting for the customer, for parts): nothing counts until resumed.

    Rule: X2. Raises: Conflict(invalid_transition). Events: clock.paused.
    """
    now = _now(at)
    clock = _lock(clock)
    expect_transition(clock, to=ClockState.PAUSED, table=clock_transitions(clock.rule))
    ClockSegment.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=now)
    ClockSegment.objects.create(clock=clock, kind=SegmentKind.PAUSED, started_at=now, reason=(reason or "")[:200])
    _apply_schedule(clock, clock_calendar(clock.calendar_code), now=now, state=ClockState.PAUSED)
    _move(
        clock,
        ClockState.PAUSED,
        actor=actor,
        action=events.CLOCK_PAUSED,
        fields=_SCHEDULE_FIELDS,
        data=_event_data(clock, reason=reason),
    )
    return clock


@transaction.atomic
def clock_resume(*, clock: Clock, actor: Actor | None = None, at: dt.datetime | None = None) -> Clock:
    """Resume a paused clock; the deadline becomes the remaining working time from now.

    Rule: X2. Raises: Conflict(invalid_transition). Events: clock.resumed.
    """
    now = _now(at)
    clock = _lock(clock)
    expect_transition(clock, to=ClockState.RUNNING, table=clock_transitions(clock.rule))
    ClockSegment.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=now)
    ClockSegment.objects.create(clock=clock, kind=SegmentKind.RUNNING, started_at=now)
    _apply_schedule(clock, clock_calendar(clock.calendar_code), now=now, state=ClockState.RUNNING)
    _move(
        clock,
        ClockState.RUNNING,
        actor=actor,
        action=events.CLOCK_RESUMED,
        fields=_SCHEDULE_FIELDS,
        data=_event_data(clock),
    )
    return clock


@transaction.atomic
def clock_stop(*, clock: Clock, actor: Actor | None = None, at: dt.datetime | None = None) -> Clock:
    """Stop a clock: met or breached, and by how many seconds of its measure (margin < 0: late).

    Rule: X2. Raises: Conflict(invalid_transition). Events: clock.stopped.
    """
    now = _now(at)
    clock = _lock(clock)
    expect_transition(clock, to=ClockState.STOPPED, table=clock_transitions(clock.rule))
    ClockSegment.objects.filter(clock=clock, ended_at__isnull=True).update(ended_at=now)
    cal = clock_calendar(clock.calendar_code)
    try:
        if cal is None:
            raise CalendarDataMissing(0, clock.calendar_code)
        result = schedule(
            Measure(cal, clock.target_unit),
            clock_spans(clock),
            target=clock.target_seconds,
            warn_share=clock.warn_share,
            now=now,
        )
        clock.margin_seconds = clock.target_seconds - result.consumed_seconds
        clock.paused_seconds = result.paused_seconds
    except CalendarDataMissing:
        clock.margin_seconds = None
    clock.stopped_at = now
    clock.next_check_at = None
    late = clock.margin_seconds is not None and clock.margin_seconds < 0
    clock.outcome = ClockOutcome.BREACHED if late or clock.breached_at else ClockOutcome.MET
    _move(
        clock,
        ClockState.STOPPED,
        actor=actor,
        action=events.CLOCK_STOPPED,
        fields=_STOP_FIELDS,
        policy_version=clock.policy_version,
        data=_event_data(clock, outcome=clock.outcome, margin_seconds=clock.margin_seconds),
    )
    return clock


@transaction.atomic
def clock_stop_for(
    *, subject: models.Model, kind: str, actor: Actor | None = None, at: dt.datetime | None = None
) -> list[Clock]:
    """Stop every unstopped clock of `kind` on a record (e.g. the decision clock when it is decided)."""
    subject_type, subject_id = subject_ref(subject)
    open_clocks = Clock.objects.filter(subject_type=subject_type, subject_id=subject_id, kind=kind).exclude(
        state=ClockState.STOPPED
    )
    return [clock_stop(clock=c, actor=actor, at=at) for c in open_clocks]


def _unstopped(subject: models.Model, kinds: list[str] | None) -> models.QuerySet[Clock]:
    subject_type, subject_id = subject_ref(subject)
    qs = Clock.objects.filter(subject_type=subject_type, subject_id=subject_id).exclude(state=ClockState.STOPPED)
    return qs.filter(kind__in=kinds) if kinds is not None else qs


@transaction.atomic
def clock_pause_for(
    *,
    subject: models.Model,
    kinds: list[str] | None = None,
    actor: Actor | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> list[Clock]:
    """Pause every running clock (of `kinds`) on a record, e.g. while it waits for parts (X2)."""
    running = _unstopped(subject, kinds).filter(state=ClockState.RUNNING)
    return [clock_pause(clock=c, actor=actor, reason=reason, at=at) for c in running]


@transaction.atomic
def clock_resume_for(
    *, subject: models.Model, kinds: list[str] | None = None, actor: Actor | None = None, at: dt.datetime | None = None
) -> list[Clock]:
    """Resume every paused clock (of `kinds`) on a record (X2)."""
    paused = _unstopped(subject, kinds).filter(state=ClockState.PAUSED)
    return [clock_resume(clock=c, actor=actor, at=at) for c in paused]


@transaction.atomic
def clock_owner_set_for(
    *, subject: models.Model, owner: Any, kinds: list[str] | None = None, actor: Actor | None = None
) -> int:
    """Make `owner` responsible for the record's unstopped clocks (of `kinds`): the ladders notify them (X2).

    An ordinary hand-over (dispatch, reassignment by a manager), not an escalation: the sweep's
    ladder records clock.reassigned itself. Events: clock.owner_set, one per clock whose owner changed.
    """
    changed = list(_unstopped(subject, kinds).exclude(owner=owner).select_related("owner"))
    for clock in changed:
        before = clock.owner.username if clock.owner else None
        clock.owner = owner
        clock.save(update_fields=["owner", "updated_at"])
        event_record(
            subject=clock,
            action=events.CLOCK_OWNER_SET,
            actor=actor or SYSTEM,
            rule=clock.rule,
            data=_event_data(clock, owner=[before, getattr(owner, "username", None)]),
        )
    return len(changed)


@transaction.atomic
def clock_recompute(*, clock: Clock, at: dt.datetime | None = None, reread_policy: bool = True) -> Clock:
    """Rebuild due_at/warn_at from the segments with the current calendar and policy values.

    Running and paused clocks only; stopped clocks keep the versions they were computed with.
    `reread_policy=False` (a calendar change): keep the clock's own target and warning share, i.e. the
    policy version it started with (docs/decisions/0020).
    Deterministic: the same segments, calendar and policy give the same answer twice.
    Rule: X2. Events: clock.recomputed (only when something changed).
    """
    now = _now(at)
    clock = _lock(clock)
    if clock.state == ClockState.STOPPED:
        return clock
    before = _computed(clock)
    if reread_policy and clock.policy_key:
        clock.target_amount, unit, clock.policy_version = policy_target(clock.policy_key, at=at)
        clock.target_unit = unit or clock.target_unit
    if reread_policy:
        warn = policy_get(WARN_SHARE_KEY, at=at)
        clock.warn_share = float(warn.value)
        clock.policy_version = max(clock.policy_version, warn.version)
    cal = clock_calendar(clock.calendar_code)
    if cal is not None and _can(cal, clock):
        clock.target_seconds = target_seconds(cal, clock.started_at, clock.target_amount, clock.target_unit)
    _apply_schedule(clock, cal, now=now)
    after = _computed(clock)
    clock.save()
    if before != after:
        event_record(
            subject=clock,
            action=events.CLOCK_RECOMPUTED,
            rule=clock.rule,
            policy_version=clock.policy_version,
            data=_event_data(clock, previous_due_at=before[0].isoformat() if before[0] else None),
        )
    return clock


def _computed(clock: Clock) -> tuple[Any, ...]:
    """What a recompute may change: compared before and after to record clock.recomputed only on a change."""
    return (
        clock.due_at,
        clock.warn_at,
        clock.calendar_version,
        clock.policy_version,
        clock.target_seconds,
        clock.target_unit,
    )


def _can(cal: CompiledCalendar, clock: Clock) -> bool:
    try:
        target_seconds(cal, clock.started_at, clock.target_amount, clock.target_unit)
    except CalendarDataMissing:
        return False
    return True


def clocks_recompute_for_calendar(code: str, *, limit: int | None = None) -> int:
    """Recompute the unstopped clocks on calendar `code` whose calendar version is not the current one."""
    cal = calendar_compiled_for_code(code)
    qs = Clock.objects.filter(calendar_code=code, state__in=[ClockState.RUNNING, ClockState.PAUSED]).exclude(
        calendar_version=cal.version
    )
    ids = list(qs.values_list("pk", flat=True)[:limit] if limit else qs.values_list("pk", flat=True))
    for pk in ids:
        clock_recompute(clock=Clock(pk=pk), reread_policy=False)
    return len(ids)


def clocks_recompute_for_policy(key: str, *, limit: int | None = None) -> int:
    """Recompute the unstopped clocks whose target comes from policy `key` and predate its current version."""
    version = policy_get(key).version
    qs = Clock.objects.filter(
        Q(policy_key=key) | Q(policy_key__startswith=f"{key}:"),
        state__in=[ClockState.RUNNING, ClockState.PAUSED],
        policy_version__lt=version,
    )
    ids = list(qs.values_list("pk", flat=True)[:limit] if limit else qs.values_list("pk", flat=True))
    for pk in ids:
        clock_recompute(clock=Clock(pk=pk))
    return len(ids)


@dataclass(frozen=True)
class ClockStart:
    """One clock of clocks_start_many: `spec` on `subject` from `started_at`, after `events_before`."""

    subject: models.Model | Subject  # a Subject names a record without loading it
    spec: ClockSpec
    started_at: dt.datetime
    events_before: Sequence[EventDraft] = ()
    label: str = ""  # the record's label on the clock (default str(subject))


_SCHEDULED = ("due_at", "warn_at", "paused_seconds", "data_missing_year", "next_check_at", "calendar_version")


def clocks_schedule(
    items: Sequence[tuple[ClockSpec, dt.datetime]],
    *,
    calendar_code: str,
    policies: PolicySnapshot | None = None,
    calendar: CompiledCalendar | None = None,
) -> list[Clock]:
    """The clocks (unsaved, no record) that specs started at these instants would be: due time, policy
    version… — what a record may store before it is inserted (a planned callback's due_at). Clocks with
    the same start instant and spec are computed once and share one instance."""
    policies = policies or policy_snapshot()
    warn = policies.get(WARN_SHARE_KEY)
    calendars: dict[str, CompiledCalendar | None] = {}
    if calendar is not None and calendar.code == calendar_code:
        calendars[calendar_code] = calendar
    computed: dict[tuple[Any, ...], Clock] = {}
    found: list[Clock] = []
    for spec, started_at in items:
        if not spec.policy_key and spec.target is None:
            raise ValueError("clock_start needs policy_key or target")
        code = spec.calendar_code or calendar_code
        if code not in calendars:
            calendars[code] = clock_calendar(code)
        now = _now(started_at).astimezone(dt.UTC)
        key = (now, code, spec.kind, spec.rule, spec.policy_key, spec.target, spec.unit)
        template = computed.get(key)
        if template is None:
            target, unit, policy_version = spec.target, None, 0
            if spec.policy_key:
                target, unit, policy_version = policy_target(spec.policy_key, policies=policies)
            assert target is not None  # checked above
            template = Clock(
                kind=spec.kind,
                rule=spec.rule,
                policy_key=spec.policy_key,
                policy_version=max(policy_version, warn.version),
                calendar_code=code,
                target_amount=target,
                target_unit=unit or spec.unit,
                warn_share=float(warn.value),
                started_at=now,
                state=ClockState.RUNNING,
            )
            cal = calendars[code]
            _apply_schedule(template, cal, now=now, spans=[Span(kind=SegmentKind.RUNNING, start=now, end=None)])
            if cal is None:
                _notify_calendar_missing(template)  # once per start and spec, not once per record
            computed[key] = template
        found.append(template)
    return found


@transaction.atomic(savepoint=False)
def clocks_start_many(
    *,
    starts: Sequence[ClockStart],
    calendar_code: str,
    actor: Actor | None = None,
    policies: PolicySnapshot | None = None,
    calendar: CompiledCalendar | None = None,
) -> list[Subject]:
    """Start one clock on each of many records (e.g. a day's planned callbacks) in bulk: the clocks,
    their segments and the events are each one bulk insert (core.bulk), and clocks with the same start
    instant and spec share one schedule computation (clocks_schedule). The same clocks and events as
    clocks_start per record (each record's `events_before`, then its clock.started), in order;
    the clocks are returned as Subjects (type, id, label), not loaded.

    Measured (bench loop, 14k planned callbacks): one clocks_start per callback took ~200 s of a 220 s
    planning run. Rule: X2 (and each spec's rule). Events: clock.started per clock.
    """
    if not starts:
        return []
    templates = clocks_schedule(
        [(item.spec, item.started_at) for item in starts],
        calendar_code=calendar_code,
        policies=policies,
        calendar=calendar,
    )
    rows: list[dict[str, Any]] = []
    subjects: list[Subject] = []
    for item, template in zip(starts, templates, strict=True):
        subject_type, subject_id = subject_key(item.subject)
        rows.append(
            {
                "subject_type": subject_type,
                "subject_id": subject_id,
                "subject_label": (item.label or str(item.subject))[:200],
                "kind": template.kind,
                "rule": template.rule,
                "policy_key": template.policy_key,
                "policy_version": template.policy_version,
                "calendar_code": template.calendar_code,
                "target_amount": template.target_amount,
                "target_unit": template.target_unit,
                "target_seconds": template.target_seconds,
                "warn_share": template.warn_share,
                "owner_id": getattr(item.spec.owner, "pk", None),
                "started_at": template.started_at,
                "state": ClockState.RUNNING,
                **{field: getattr(template, field) for field in _SCHEDULED},
            }
        )
    ids = bulk_insert_rows(Clock, rows)
    bulk_insert_rows(
        ClockSegment,
        [
            {"clock_id": pk, "kind": SegmentKind.RUNNING, "started_at": row["started_at"]}
            for pk, row in zip(ids, rows, strict=True)
        ],
    )
    drafts: list[EventDraft] = []
    data_of: dict[int, dict[str, Any]] = {}
    clock_type = Clock._meta.label_lower
    for item, template, pk, row in zip(starts, templates, ids, rows, strict=True):
        clock = Subject(type=clock_type, id=str(pk), label=row["subject_label"])
        subjects.append(clock)
        drafts += item.events_before
        if template.data_missing_year is not None:
            drafts.append(
                EventDraft(
                    subject=clock,
                    action=events.CLOCK_DATA_MISSING,
                    rule="X1",
                    data={"calendar": template.calendar_code, "year": template.data_missing_year},
                )
            )
        data = data_of.get(id(template))
        if data is None:
            data = data_of[id(template)] = _event_data(template)
        drafts.append(
            EventDraft(
                subject=clock,
                action=events.CLOCK_STARTED,
                actor=actor or SYSTEM,
                rule=template.rule,
                policy_version=template.policy_version,
                data={**data, "record": f"{row['subject_type']}:{row['subject_id']}"},
            )
        )
    events_record(drafts)
    return subjects
