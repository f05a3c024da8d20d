"""Reads for clocks: per record, due lists, explanations (X2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import QuerySet

from aftersales.calendars.arithmetic import CalendarError, CompiledCalendar
from aftersales.calendars.selectors import calendar_compiled_for_code
from aftersales.clocks.choices import ClockState, SegmentKind
from aftersales.clocks.models import Clock, ClockSegment
from aftersales.clocks.schedule import Measure, Span, explain_span
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied

VIEW_ALL_PERM = "clocks.view_all_clocks"


def subject_ref(subject: models.Model) -> tuple[str, str]:
    return subject._meta.label_lower, str(subject.pk)


# Attributes a clock or record may carry so that answers need no query (set by the services that know).
_KNOWN_CLOCKS = "_clocks_known"
_KNOWN_CALENDARS = "_clock_calendars"  # {calendar code: CompiledCalendar | None}, shared by a record's clocks


def clocks_known(subject: models.Model, clocks: list[Clock]) -> None:
    """`clocks` are all the clocks of `subject` (a record just registered): clock_list_for answers with them."""
    setattr(subject, _KNOWN_CLOCKS, sorted(clocks, key=lambda c: (c.started_at, c.pk or 0)))


def clock_calendar_known(clock: Clock, calendar: CompiledCalendar | None) -> None:
    """The compiled calendar of `clock`, already read: clock_explain uses it instead of reading it again."""
    if calendar is not None:
        setattr(clock, _KNOWN_CALENDARS, {clock.calendar_code: calendar})


def clock_list_for(subject: models.Model) -> list[Clock]:
    """Every clock of one record, oldest first, with segments prefetched (one indexed query each).

    The clocks share one calendar memo, so explaining all of them reads each calendar once."""
    known = getattr(subject, _KNOWN_CLOCKS, None)
    if known is not None:
        return list(known)
    subject_type, subject_id = subject_ref(subject)
    clocks = list(
        Clock.objects.filter(subject_type=subject_type, subject_id=subject_id)
        .prefetch_related("segments")
        .order_by("started_at", "id")
    )
    memo: dict[str, CompiledCalendar | None] = {}
    for clock in clocks:
        setattr(clock, _KNOWN_CALENDARS, memo)
    return clocks


def _explain_calendar(clock: Clock) -> CompiledCalendar | None:
    memo: dict[str, CompiledCalendar | None] = getattr(clock, _KNOWN_CALENDARS, None) or {}
    if clock.calendar_code not in memo:
        try:
            memo[clock.calendar_code] = calendar_compiled_for_code(clock.calendar_code)
        except Exception:  # calendar deleted: show what is stored
            memo[clock.calendar_code] = None
    return memo[clock.calendar_code]


BRIEF_COLUMNS = ("id", "subject_type", "subject_id", "kind", "state", "outcome", "data_missing_year", "started_at",
                 "due_at", "warn_at", "warned_at", "breached_at", "calendar_code")  # fmt: skip


def clocks_for_subjects(subject_type: str, ids: list[Any], *, segments: bool = True) -> dict[str, list[Clock]]:
    """Clocks of many records of one type (list pages): {subject_id: [clock, …]}; like clock_list_for,
    they share one calendar memo. `segments=False` when only each clock's state and due time are shown
    (`{% clocks_brief %}`, the board): no segments query (explaining such a clock reads its own)."""
    out: dict[str, list[Clock]] = {}
    qs = Clock.objects.filter(subject_type=subject_type, subject_id__in=[str(i) for i in ids])
    # without segments: what {% clocks_brief %} reads (clock_status, the badge, the due time), no other dates
    qs = qs.prefetch_related("segments") if segments else qs.only(*BRIEF_COLUMNS)
    memo: dict[str, CompiledCalendar | None] = {}
    for clock in qs.order_by("started_at", "id"):
        setattr(clock, _KNOWN_CALENDARS, memo)
        out.setdefault(clock.subject_id, []).append(clock)
    return out


def clock_due_list(actor: Actor, *, due_before: dt.datetime) -> QuerySet[Clock]:
    """Running clocks due before an instant (state + due_at index). Needs clocks.view_all_clocks."""
    if not actor.has_perm(VIEW_ALL_PERM):
        raise PermissionDenied()
    return Clock.objects.filter(state=ClockState.RUNNING, due_at__lt=due_before).order_by("due_at", "id")


def clock_spans(clock: Clock) -> list[Span]:
    segments: list[ClockSegment] = list(clock.segments.all())
    segments.sort(key=lambda s: (s.started_at, s.pk or 0))
    return [Span(kind=s.kind, start=s.started_at, end=s.ended_at, reason=s.reason) for s in segments]


def clock_explain(clock: Clock, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Why the clock is due when it is: rule and versions, calendar, segments, intervals, days skipped."""
    from django.utils import timezone

    now = now or timezone.now()
    out: dict[str, Any] = {
        "rule": clock.rule,
        "policy_key": clock.policy_key,
        "policy_version": clock.policy_version,
        "calendar": clock.calendar_code,
        "calendar_version": clock.calendar_version,
        "target": {"amount": clock.target_amount, "unit": clock.target_unit, "seconds": clock.target_seconds},
        "warn_share": clock.warn_share,
        "started_at": clock.started_at.isoformat(),
        "due_at": clock.due_at.isoformat() if clock.due_at else None,
        "paused_seconds": clock.paused_seconds,
        "segments": [],
        "pauses": [],
        "holidays_skipped": [],
        "rest_days_skipped": [],
        "makeup_days_counted": [],
        "data_missing_year": clock.data_missing_year,
    }
    cal = _explain_calendar(clock)
    if cal is not None:
        out["timezone"] = cal.timezone_name
    measure = Measure(cal, clock.target_unit) if cal is not None else None

    def iso(value: dt.datetime | None) -> str | None:
        if value is None:
            return None
        return (value.astimezone(cal.tz) if cal is not None else value).isoformat()

    out["started_at"] = iso(clock.started_at)
    out["due_at"] = iso(clock.due_at)
    seen_h: set[str] = set()
    seen_r: set[str] = set()
    seen_m: set[str] = set()
    for span in clock_spans(clock):
        end = span.end
        if span.kind == SegmentKind.RUNNING and end is None:
            end = clock.due_at if clock.due_at else now
        row: dict[str, Any] = {
            "kind": span.kind,
            "start": iso(span.start),
            "end": iso(span.end),
            "reason": span.reason,
        }
        if cal is not None and measure is not None and end is not None and end > span.start:
            try:
                row["seconds"] = measure.between(span.start, end)
                if span.kind == SegmentKind.RUNNING:
                    detail = explain_span(cal, span.start, end)
                    row["intervals"] = detail["intervals"]
                    for h in detail["holidays"]:
                        if h["date"] not in seen_h:
                            seen_h.add(h["date"])
                            out["holidays_skipped"].append(h)
                    for r in detail["rest_days"]:
                        if r not in seen_r:
                            seen_r.add(r)
                            out["rest_days_skipped"].append(r)
                    for m in detail["makeup_days"]:
                        if m["date"] not in seen_m:
                            seen_m.add(m["date"])
                            out["makeup_days_counted"].append(m)
            except CalendarError:
                row["seconds"] = None
        out["segments"].append(row)
        if span.kind == SegmentKind.PAUSED:
            out["pauses"].append(row)
    return out


def clock_status(clock: Clock, *, now: dt.datetime | None = None) -> str:
    """The colour of a clock: ok, warning, breached, paused, met, missed or data_missing."""
    from django.utils import timezone

    now = now or timezone.now()
    if clock.state == ClockState.STOPPED:
        return "missed" if clock.outcome == "breached" else "met"
    if clock.state == ClockState.PAUSED:
        return "paused"
    if clock.data_missing_year:
        return "data_missing"
    if clock.breached_at or (clock.due_at and clock.due_at <= now):
        return "breached"
    if clock.warned_at or (clock.warn_at and clock.warn_at <= now):
        return "warning"
    return "ok"
