"""Deadline arithmetic for clocks, from their segments: deterministic, no writes (X2).

A clock's target is a number of seconds of its measure: working seconds on its calendar for
working units, wall-clock seconds for hours/days. Only running segments count; paused time never
counts, so a deadline after a pause is "the remaining working seconds from the resume".
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aftersales.calendars.arithmetic import WORKING_UNITS, CompiledCalendar, DayType, Unit
from aftersales.clocks.choices import SegmentKind


@dataclass(frozen=True)
class Span:
    kind: str
    start: dt.datetime
    end: dt.datetime | None
    reason: str = ""


class Measure:
    """between/add in the clock's measure: working seconds on a calendar, or wall-clock seconds."""

    def __init__(self, cal: CompiledCalendar, unit: str) -> None:
        self.cal = cal
        self.working = Unit(unit) in WORKING_UNITS

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        if self.working:
            return self.cal.between(a, b)
        return int((b - a).total_seconds())

    def add(self, start: dt.datetime, seconds: int) -> dt.datetime:
        if self.working:
            return self.cal.add_working_seconds(start, seconds)
        return (start + dt.timedelta(seconds=seconds)).astimezone(self.cal.tz)


def target_seconds(cal: CompiledCalendar, start: dt.datetime, amount: int, unit: str) -> int:
    """The target as seconds of the measure (working days become the working seconds they span)."""
    u = Unit(unit)
    if u == Unit.WORKING_MINUTES:
        return amount * 60
    if u == Unit.WORKING_HOURS:
        return amount * 3600
    if u == Unit.WORKING_DAYS:
        return cal.between(start, cal.add(start, amount, u))
    return int((cal.add(start, amount, u) - start).total_seconds())


def instant_reached(measure: Measure, spans: Sequence[Span], seconds: int) -> dt.datetime | None:
    """When the running spans have counted `seconds`; None if not reached and the clock is not running."""
    consumed = 0
    for span in spans:
        if span.kind != SegmentKind.RUNNING:
            continue
        if span.end is None:
            return measure.add(span.start, seconds - consumed)
        worked = measure.between(span.start, span.end)
        if consumed + worked >= seconds:
            return measure.add(span.start, seconds - consumed)
        consumed += worked
    return None


@dataclass(frozen=True)
class Schedule:
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    consumed_seconds: int
    paused_seconds: int


def schedule(measure: Measure, spans: Sequence[Span], *, target: int, warn_share: float, now: dt.datetime) -> Schedule:
    """due_at, warn_at and the seconds counted / paused so far (open spans count up to `now`)."""
    consumed = paused = 0
    for span in spans:
        end = span.end or now
        if end <= span.start:
            continue
        if span.kind == SegmentKind.RUNNING:
            consumed += measure.between(span.start, end)
        else:
            paused += measure.between(span.start, end)
    warn_target = min(target, max(0, math.ceil(target * warn_share)))
    return Schedule(
        due_at=instant_reached(measure, spans, target),
        warn_at=instant_reached(measure, spans, warn_target),
        consumed_seconds=consumed,
        paused_seconds=paused,
    )


def explain_span(cal: CompiledCalendar, start: dt.datetime, end: dt.datetime, limit: int = 60) -> dict[str, Any]:
    """Working intervals counted and days skipped between two instants (for explanations)."""
    tz = cal.tz
    a, b = start.astimezone(tz), end.astimezone(tz)
    if cal.always:
        return {
            "intervals": [[a.isoformat(), b.isoformat()]] if b > a else [],
            "holidays": [],
            "rest_days": [],
            "makeup_days": [],
            "truncated": False,
        }
    intervals: list[list[str]] = []
    holidays: list[dict[str, str]] = []
    rest: list[str] = []
    makeup: list[dict[str, str]] = []
    truncated = False
    day = a.date()
    while day <= b.date():
        info = cal.day(day)
        if not info.is_working:
            if info.type == DayType.HOLIDAY:
                holidays.append({"date": day.isoformat(), "name": info.name})
            else:
                rest.append(day.isoformat())
        else:
            if info.type == DayType.MAKEUP:
                makeup.append({"date": day.isoformat(), "name": info.name})
            for s, e in info.intervals:
                midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
                lo = max(midnight + dt.timedelta(seconds=s), a)
                hi = min(midnight + dt.timedelta(seconds=e), b)
                if lo < hi:
                    intervals.append([lo.isoformat(), hi.isoformat()])
        if len(intervals) + len(holidays) + len(rest) > limit:
            truncated = True
            break
        day += dt.timedelta(days=1)
    return {
        "intervals": intervals,
        "holidays": holidays,
        "rest_days": rest,
        "makeup_days": makeup,
        "truncated": truncated,
    }
