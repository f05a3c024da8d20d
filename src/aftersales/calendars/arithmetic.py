"""Business-time arithmetic over a compiled calendar: pure Python, no Django, no database (X1, X2).

A `CompiledCalendar` is built once from plain data (time zone, weekly working intervals, holiday
dates, extra working dates, the years that have official data, the kind) and then answers
`add`, `between` and `explain_add` without touching the database. `selectors.calendar_compile()`
builds one from the stored rows; the clocks app and the API use it through these functions.

Units (DESIGN.md "Calendars and clocks"):

* ``working_minutes`` / ``working_hours`` count only working intervals. ``add`` returns the
  *earliest* instant at which the amount of working time has elapsed, so 8 working hours from
  Monday 10:00 on a 09:00–18:00 calendar is Monday 18:00 (not Tuesday 09:00), and
  ``between(s, add(s, d)) == d``; an amount of 0 returns the start unchanged.
* ``working_days`` first moves a start outside working hours to the next opening (a start on a
  non-working day counts from the next opening), then moves N working days keeping the time of
  day, and clamps that time into the target day's hours: before the first opening → the first
  opening, in a break → the next opening, after the last close → the last close.
* ``hours`` is wall-clock elapsed time (absolute seconds); ``days`` is N calendar days later at
  the same local time. Neither looks at holidays nor at statutory coverage.
* On a 7×24 (``always``) calendar working time is wall time: working minutes/hours are elapsed
  time and working days are calendar days.

Conventions:

* Arithmetic runs on whole seconds of local wall-clock time in the calendar's zone; sub-second
  parts of inputs are dropped. Zones with daylight saving (not Asia/Shanghai) are supported as
  long as working intervals do not straddle the clock change.
* A weekly interval ending at 00:00 ends at midnight (24:00).
* A make-up working day (调休) that falls on a weekday without weekly hours (a Saturday on a
  Mon–Fri calendar) is worked with the hours of the first weekday that has hours (Monday).
* A holiday has no working time, whatever the weekly hours say.
* When `covered_years` is given (statutory calendars and calendars based on one), any working-time
  computation whose local span touches a year outside it raises `CalendarDataMissing(year)`;
  without it the weekly pattern is extended as far as needed.

Speed: each day of the covered window has its working intervals, a prefix sum of working seconds
and a prefix count of working days; `add` and `between` are two bisects and a walk over at most
a few intervals, whatever the amount (≥ 100k computations/s on one core, see bench/).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_SECONDS",
    "CalendarDataMissing",
    "CalendarError",
    "CompiledCalendar",
    "DayInfo",
    "DayType",
    "Explanation",
    "NamedDay",
    "WORKING_UNITS",
    "Unit",
    "add",
    "between",
    "explain_add",
    "format_intervals",
    "normalise_intervals",
]

DAY_SECONDS = 86_400
MIN_YEAR = 1900
MAX_YEAR = 2400
# The explanation lists at most this many intervals / days (a 10,000-hour target stays readable).
EXPLANATION_LIMIT = 400

Interval = tuple[int, int]  # seconds since local midnight, start < end <= 86400
DayIntervals = tuple[Interval, ...]


class Unit(StrEnum):
    """Units of a duration (DESIGN.md). Labels live in choices.DurationUnit."""

    WORKING_MINUTES = "working_minutes"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    HOURS = "hours"
    DAYS = "days"


WORKING_UNITS = frozenset({Unit.WORKING_MINUTES, Unit.WORKING_HOURS, Unit.WORKING_DAYS})
_SECONDS_PER = {Unit.WORKING_MINUTES: 60, Unit.WORKING_HOURS: 3600}


class CalendarKind(StrEnum):
    """Mirrors choices.CalendarKind (kept here so this module needs no Django)."""

    STATUTORY = "statutory"
    ALWAYS = "always"
    CUSTOM = "custom"


class CalendarError(ValueError):
    """A computation that cannot be done: bad input, or a calendar without working time."""


class CalendarDataMissing(CalendarError):
    """The computation reaches into a year for which the calendar has no official data.

    `year` is the first such year; `calendar` the code of the calendar (may be empty).
    """

    def __init__(self, year: int, calendar: str = "") -> None:
        self.year = year
        self.calendar = calendar
        super().__init__(f"calendar {calendar or '?'} has no statutory holiday data for {year}")


class DayType(StrEnum):
    WORKDAY = "workday"  # an ordinary working day (weekly hours)
    REST = "rest"  # no weekly hours (a weekend)
    HOLIDAY = "holiday"  # a public holiday or a day off by exception: no working time
    MAKEUP = "makeup"  # 调休: a normally free day that is worked


@dataclass(frozen=True)
class DayInfo:
    """One local date as the calendar sees it (for month views and explanations)."""

    date: dt.date
    type: DayType
    name: str
    intervals: DayIntervals
    covered: bool  # False: statutory data missing for this year (the pattern is only a guess)

    @property
    def working_seconds(self) -> int:
        return sum(e - s for s, e in self.intervals)

    @property
    def is_working(self) -> bool:
        return bool(self.intervals)

    @property
    def intervals_text(self) -> str:
        return format_intervals(self.intervals)


@dataclass(frozen=True)
class NamedDay:
    date: dt.date
    name: str


@dataclass(frozen=True)
class Explanation:
    """Why `add` gave its result: everything needed to show the arithmetic to a person.

    Times are aware datetimes in the calendar's zone. `intervals` are the working intervals
    counted (working minutes/hours; for wall-clock units the single span start → result);
    `counted_days` the working days moved over (working days); `holidays_skipped`,
    `rest_days_skipped` and `makeup_days_counted` cover the local dates from the counting start
    to the result. Lists stop after EXPLANATION_LIMIT entries and set `truncated`.
    """

    calendar: str
    calendar_version: int
    timezone: str
    kind: str
    unit: Unit
    amount: int
    start: dt.datetime
    counted_from: dt.datetime
    result: dt.datetime
    working_seconds: int
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...] = ()
    counted_days: tuple[dt.date, ...] = ()
    holidays_skipped: tuple[NamedDay, ...] = ()
    rest_days_skipped: tuple[dt.date, ...] = ()
    makeup_days_counted: tuple[NamedDay, ...] = ()
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (ISO 8601 with offset, dates as YYYY-MM-DD)."""
        return {
            "calendar": self.calendar,
            "calendar_version": self.calendar_version,
            "timezone": self.timezone,
            "kind": self.kind,
            "unit": str(self.unit),
            "amount": self.amount,
            "start": self.start.isoformat(),
            "counted_from": self.counted_from.isoformat(),
            "result": self.result.isoformat(),
            "working_seconds": self.working_seconds,
            "intervals": [[a.isoformat(), b.isoformat()] for a, b in self.intervals],
            "counted_days": [d.isoformat() for d in self.counted_days],
            "holidays_skipped": [{"date": d.date.isoformat(), "name": d.name} for d in self.holidays_skipped],
            "rest_days_skipped": [d.isoformat() for d in self.rest_days_skipped],
            "makeup_days_counted": [{"date": d.date.isoformat(), "name": d.name} for d in self.makeup_days_counted],
            "truncated": self.truncated,
        }


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}"


def format_intervals(intervals: DayIntervals) -> str:
    """ "09:00–12:00, 13:00–18:00" (an interval ending at midnight ends at "24:00")."""
    return ", ".join(f"{_hhmm(s)}–{_hhmm(e)}" for s, e in intervals)


def _seconds_of(value: dt.time | int) -> int:
    if isinstance(value, dt.time):
        return value.hour * 3600 + value.minute * 60 + value.second
    return int(value)


def normalise_intervals(raw: Iterable[tuple[dt.time | int, dt.time | int]]) -> DayIntervals:
    """Sorted, merged (touching or overlapping) intervals in seconds; an end of 00:00 is 24:00."""
    spans = []
    for start_raw, end_raw in raw:
        start, end = _seconds_of(start_raw), _seconds_of(end_raw)
        if end == 0:
            end = DAY_SECONDS
        if not 0 <= start < end <= DAY_SECONDS:
            raise CalendarError(f"invalid working interval {start_raw}–{end_raw}")
        spans.append((start, end))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


class _Index:
    """Per-day arrays for the local dates [lo_ord, lo_ord + n): the fast path of every query.

    cum[i]  working seconds before day i (length n + 1, non-decreasing)
    iv[i]   that day's working intervals
    wd      indices of the days with working time, ascending
    wdc[i]  how many working days come before day i (length n + 1)
    """

    __slots__ = ("cum", "hi_year", "iv", "lo_ord", "lo_year", "n", "wd", "wdc")

    def __init__(self, lo_year: int, hi_year: int, day_intervals: Any) -> None:
        self.lo_year = lo_year
        self.hi_year = hi_year
        self.lo_ord = dt.date(lo_year, 1, 1).toordinal()
        hi_ord = dt.date(hi_year, 12, 31).toordinal()
        self.n = hi_ord - self.lo_ord + 1
        iv: list[DayIntervals] = []
        cum = [0]
        wd: list[int] = []
        wdc = [0]
        total = 0
        count = 0
        for i in range(self.n):
            intervals = day_intervals(dt.date.fromordinal(self.lo_ord + i))
            iv.append(intervals)
            if intervals:
                total += sum(e - s for s, e in intervals)
                wd.append(i)
                count += 1
            cum.append(total)
            wdc.append(count)
        self.iv = iv
        self.cum = cum
        self.wd = wd
        self.wdc = wdc


def _worked(intervals: DayIntervals, x: int) -> int:
    """Working seconds of a day before second-of-day x."""
    done = 0
    for s, e in intervals:
        if x <= s:
            break
        done += (x if x < e else e) - s
    return done


class CompiledCalendar:
    """A calendar ready for arithmetic. Immutable from the outside; safe to share between threads.

    Arguments (all keyword):
      timezone       IANA name or tzinfo (default Asia/Shanghai)
      week           {weekday 0=Mon … 6=Sun: [(start, end), …]} as datetime.time or seconds
      holidays       {date: name} (or an iterable of dates): days without working time
      workdays       {date: name} (or dates): extra working days (调休)
      covered_years  years with official data; None = no such limit
      kind           "statutory" | "always" | "custom"; "always" = 7×24, wall time
      code, version  identify the source calendar in explanations
    """

    def __init__(
        self,
        *,
        timezone: str | dt.tzinfo = "Asia/Shanghai",
        week: Mapping[int, Iterable[tuple[dt.time | int, dt.time | int]]] | None = None,
        holidays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        workdays: Mapping[dt.date, str] | Iterable[dt.date] = (),
        covered_years: Iterable[int] | None = None,
        kind: str = CalendarKind.CUSTOM,
        code: str = "",
        version: int = 0,
    ) -> None:
        self.tz: dt.tzinfo = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self.timezone_name = timezone if isinstance(timezone, str) else str(timezone)
        self.kind = CalendarKind(kind)
        self.always = self.kind == CalendarKind.ALWAYS
        self.code = code
        self.version = version
        week = week or {}
        bad = set(week) - set(range(7))
        if bad:
            raise CalendarError(f"weekdays are 0 (Monday) … 6 (Sunday), not {sorted(bad)}")
        self.week: tuple[DayIntervals, ...] = tuple(normalise_intervals(week.get(d, ())) for d in range(7))
        self.holidays: dict[dt.date, str] = _as_named(holidays)
        self.workdays: dict[dt.date, str] = _as_named(workdays)
        both = set(self.holidays) & set(self.workdays)
        if both:
            raise CalendarError(f"dates both holiday and working day: {sorted(both)[:5]}")
        # A make-up day on a weekday without hours is worked like the first weekday with hours.
        self.makeup_pattern: DayIntervals = next((w for w in self.week if w), ())
        self.week_seconds = sum(e - s for w in self.week for s, e in w)
        self.covered_years: frozenset[int] | None = None if covered_years is None else frozenset(covered_years)
        if self.always:
            self.covered_years = None
        self._ix: _Index | None = None
        if self.covered_years:
            # The window is fixed to the covered span; a gap inside it is caught by _check_years.
            self._ix = _Index(min(self.covered_years), max(self.covered_years), self.intervals_on)
        elif not self.always:
            years = {d.year for d in self.holidays} | {d.year for d in self.workdays}
            if years:
                self._ix = _Index(min(years), max(years), self.intervals_on)

    def __repr__(self) -> str:
        return f"<CompiledCalendar {self.code or '?'} v{self.version} {self.kind} {self.timezone_name}>"

    # ----- days -------------------------------------------------------------------------------

    def intervals_on(self, day: dt.date) -> DayIntervals:
        """The working intervals of a local date (seconds since midnight)."""
        if self.always:
            return ((0, DAY_SECONDS),)
        if day in self.holidays:
            return ()
        weekly = self.week[day.weekday()]
        if day in self.workdays:
            return weekly or self.makeup_pattern
        return weekly

    def day(self, day: dt.date) -> DayInfo:
        """How the calendar treats one local date (type, name, hours, coverage)."""
        covered = self.covered_years is None or day.year in self.covered_years
        intervals = self.intervals_on(day)
        if self.always:
            return DayInfo(day, DayType.WORKDAY, "", intervals, True)
        if day in self.holidays:
            return DayInfo(day, DayType.HOLIDAY, self.holidays[day], (), covered)
        if day in self.workdays:
            weekly = self.week[day.weekday()]
            return DayInfo(day, DayType.WORKDAY if weekly else DayType.MAKEUP, self.workdays[day], intervals, covered)
        return DayInfo(day, DayType.WORKDAY if intervals else DayType.REST, "", intervals, covered)

    # ----- the index --------------------------------------------------------------------------

    def _index_for(self, first_ord: int, last_ord: int) -> _Index:
        """An index whose window holds the ordinals [first_ord, last_ord] (extends if allowed)."""
        ix = self._ix
        if ix is not None and ix.lo_ord <= first_ord and last_ord < ix.lo_ord + ix.n:
            return ix
        first_year = dt.date.fromordinal(max(1, first_ord)).year
        last_year = dt.date.fromordinal(min(dt.date.max.toordinal(), last_ord)).year
        if self.covered_years is not None:
            raise CalendarDataMissing(self._first_missing(first_year, last_year), self.code)
        lo = first_year if ix is None else min(ix.lo_year, first_year)
        hi = last_year if ix is None else max(ix.hi_year, last_year)
        # Grow in steps of a few years so a run of computations does not rebuild every time.
        lo, hi = max(MIN_YEAR, lo - 1), min(MAX_YEAR, hi + 2)
        if first_year < MIN_YEAR or last_year > MAX_YEAR:
            raise CalendarError(f"dates must lie between {MIN_YEAR} and {MAX_YEAR}")
        ix = _Index(lo, hi, self.intervals_on)
        self._ix = ix
        return ix

    def _first_missing(self, first_year: int, last_year: int) -> int:
        covered = self.covered_years or frozenset()
        for year in range(first_year, last_year + 1):
            if year not in covered:
                return year
        return last_year + 1

    def _check_years(self, first_year: int, last_year: int) -> None:
        covered = self.covered_years
        if covered is None:
            return
        if first_year in covered and (last_year == first_year or last_year in covered):
            if last_year - first_year <= 1:
                return
            if all(y in covered for y in range(first_year + 1, last_year)):
                return
        raise CalendarDataMissing(self._first_missing(first_year, last_year), self.code)

    def _grow_beyond(self, ix: _Index, needed_days: int, from_year: int) -> _Index:
        """The pattern ran out at the window's end: extend it (or say the data is missing)."""
        if self.covered_years is not None:
            raise CalendarDataMissing(self._first_missing(from_year, ix.hi_year + 1), self.code)
        if self.week_seconds == 0:
            raise CalendarError(f"calendar {self.code or '?'} has no working time after {ix.hi_year}")
        last = ix.lo_ord + ix.n - 1
        return self._index_for(ix.lo_ord, last + max(needed_days, 366))

    # ----- conversions ------------------------------------------------------------------------

    def _local(self, at: dt.datetime) -> tuple[int, int, int]:
        """(local ordinal, second of day, local year) of an aware datetime."""
        if at.tzinfo is None:
            raise CalendarError("times must be timezone-aware")
        loc = at.astimezone(self.tz)
        return loc.toordinal(), loc.hour * 3600 + loc.minute * 60 + loc.second, loc.year

    def _aware(self, ordinal: int, second: int) -> dt.datetime:
        if second >= DAY_SECONDS:
            ordinal += second // DAY_SECONDS
            second %= DAY_SECONDS
        return _combine(_fromordinal(ordinal), dt.time(second // 3600, second // 60 % 60, second % 60), self.tz)

    # ----- working time -----------------------------------------------------------------------

    def add_working_seconds(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The earliest instant at which `seconds` of working time have passed since `start`."""
        if seconds < 0:
            raise CalendarError("the amount must not be negative")
        if self.always:
            return (start.astimezone(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=seconds)).astimezone(self.tz)
        ordinal, x, year = self._local(start)
        self._check_years(year, year)
        if seconds == 0:
            return self._aware(ordinal, x)
        ix = self._index_for(ordinal, ordinal)
        i = ordinal - ix.lo_ord
        target = ix.cum[i] + _worked(ix.iv[i], x) + seconds
        j = bisect_left(ix.cum, target, i + 1)
        while j > ix.n:
            remaining = target - ix.cum[ix.n]
            ix = self._grow_beyond(ix, remaining // max(self.week_seconds, 1) * 7 + 14, year)
            i = ordinal - ix.lo_ord
            target = ix.cum[i] + _worked(ix.iv[i], x) + seconds
            j = bisect_left(ix.cum, target, i + 1)
        k = j - 1
        rest = target - ix.cum[k]
        for s, e in ix.iv[k]:
            if rest <= e - s:
                result = self._aware(ix.lo_ord + k, s + rest)
                break
            rest -= e - s
        else:  # pragma: no cover — cum[k+1] >= target guarantees the loop returns
            raise AssertionError("prefix sums out of step")
        if result.year != year:
            self._check_years(year, result.year)
        return result

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """Move `days` working days from the next opening at or after `start`; keep the time of day."""
        if days < 0:
            raise CalendarError("the amount must not be negative")
        if self.always:
            ordinal, x, _year = self._local(start)
            return self._aware(ordinal + days, x)
        ordinal, x, year = self._local(start)
        self._check_years(year, year)
        return self._move_days(ordinal, x, days, year)

    def _clamp_start(self, ix: _Index, i: int, x: int) -> tuple[int, int]:
        """(day index, second) of the next opening at or after (i, x) — unchanged inside hours."""
        for s, e in ix.iv[i]:
            if x < e:
                return i, (x if x > s else s)
        c = ix.wdc[i + 1]
        if c >= len(ix.wd):
            return -1, 0
        nxt = ix.wd[c]
        return nxt, ix.iv[nxt][0][0]

    def _move_days(self, ordinal: int, x: int, days: int, year: int) -> dt.datetime:
        ix = self._ix
        if ix is None or not ix.lo_ord <= ordinal < ix.lo_ord + ix.n:
            ix = self._index_for(ordinal, ordinal)
        while True:
            i, xc = self._clamp_start(ix, ordinal - ix.lo_ord, x)
            if i >= 0:
                q = ix.wdc[i] + days
                if q < len(ix.wd):
                    break
            ix = self._grow_beyond(ix, days * 7 // 5 + 14, year)
        t = ix.wd[q]
        y = -1
        for s, e in ix.iv[t]:
            if xc < e:
                y = xc if xc > s else s
                break
        if y < 0:
            y = ix.iv[t][-1][1]
        result = self._aware(ix.lo_ord + t, y)
        if result.year != year:
            self._check_years(year, result.year)
        return result

    def next_opening(self, at: dt.datetime) -> dt.datetime:
        """`at` itself if it is inside working hours, else the start of the next working interval."""
        if self.always:
            return at.astimezone(self.tz).replace(microsecond=0)
        return self.add_working_days(at, 0)

    def is_working(self, at: dt.datetime) -> bool:
        """Is `at` inside a working interval (start inclusive, end exclusive)?"""
        if self.always:
            return True
        ordinal, x, _year = self._local(at)
        return any(s <= x < e for s, e in self.intervals_on(dt.date.fromordinal(ordinal)))

    def between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Working seconds from a to b (negative when b is before a)."""
        if self.always:
            return _floor_seconds(b) - _floor_seconds(a)
        oa, xa, ya = self._local(a)
        ob, xb, yb = self._local(b)
        if (ob, xb) < (oa, xa):
            return -self.between(b, a)
        self._check_years(ya, yb)
        ix = self._index_for(oa, ob)
        ia, ib = oa - ix.lo_ord, ob - ix.lo_ord
        return ix.cum[ib] + _worked(ix.iv[ib], xb) - ix.cum[ia] - _worked(ix.iv[ia], xa)

    def add(self, start: dt.datetime, amount: int, unit: Unit | str) -> dt.datetime:
        """`start` + `amount` `unit` (see the module docstring for each unit's meaning)."""
        unit = _unit(unit)
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise CalendarError("the amount must be a whole number")
        if amount < 0:
            raise CalendarError("the amount must not be negative")
        if unit in _SECONDS_PER:
            return self.add_working_seconds(start, amount * _SECONDS_PER[unit])
        if unit == Unit.WORKING_DAYS:
            return self.add_working_days(start, amount)
        ordinal, x, _year = self._local(start)
        if unit == Unit.HOURS:
            return (start.astimezone(dt.UTC).replace(microsecond=0) + dt.timedelta(hours=amount)).astimezone(self.tz)
        return self._aware(ordinal + amount, x)  # Unit.DAYS

    # ----- explanations -----------------------------------------------------------------------

    def explain_add(self, start: dt.datetime, amount: int, unit: Unit | str) -> Explanation:
        """`add` with its reasons: the intervals or days counted and the days skipped."""
        unit = _unit(unit)
        result = self.add(start, amount, unit)
        ordinal, x, _year = self._local(start)
        local_start = self._aware(ordinal, x)
        base: dict[str, Any] = {
            "calendar": self.code,
            "calendar_version": self.version,
            "timezone": self.timezone_name,
            "kind": str(self.kind),
            "unit": unit,
            "amount": amount,
            "start": local_start,
            "result": result,
        }
        if unit not in WORKING_UNITS or self.always:
            seconds = _floor_seconds(result) - _floor_seconds(local_start)
            return Explanation(
                counted_from=local_start,
                working_seconds=seconds,
                intervals=((local_start, result),) if result > local_start else (),
                **base,
            )
        counted_from = self.next_opening(local_start)
        first = counted_from.date()
        last = result.date()
        intervals: list[tuple[dt.datetime, dt.datetime]] = []
        counted: list[dt.date] = []
        holidays: list[NamedDay] = []
        rest: list[dt.date] = []
        makeup: list[NamedDay] = []
        truncated = False
        day = local_start.date()
        while day <= last:
            info = self.day(day)
            if not info.is_working:
                if info.type == DayType.HOLIDAY:
                    holidays.append(NamedDay(day, info.name))
                else:
                    rest.append(day)
            else:
                if info.type == DayType.MAKEUP and day >= first:
                    makeup.append(NamedDay(day, info.name))
                if unit == Unit.WORKING_DAYS and day > first:
                    counted.append(day)
                if unit != Unit.WORKING_DAYS:
                    for s, e in info.intervals:
                        a = max(self._aware(day.toordinal(), s), local_start)
                        b = min(self._aware(day.toordinal(), e), result)
                        if a < b:
                            intervals.append((a, b))
            if max(len(intervals), len(counted), len(holidays) + len(rest)) > EXPLANATION_LIMIT:
                truncated = True
                break
            day += dt.timedelta(days=1)
        return Explanation(
            counted_from=counted_from if unit == Unit.WORKING_DAYS or amount else local_start,
            working_seconds=self.between(local_start, result),
            intervals=tuple(intervals),
            counted_days=tuple(counted),
            holidays_skipped=tuple(holidays),
            rest_days_skipped=tuple(rest),
            makeup_days_counted=tuple(makeup),
            truncated=truncated,
            **base,
        )


def _as_named(days: Mapping[dt.date, str] | Iterable[dt.date]) -> dict[dt.date, str]:
    if isinstance(days, Mapping):
        return {d: str(name or "") for d, name in days.items()}
    return dict.fromkeys(days, "")


def _floor_seconds(at: dt.datetime) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise CalendarError("times must be timezone-aware")
    return int((at.replace(microsecond=0) - _EPOCH).total_seconds())


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


_UNITS: dict[object, Unit] = {u.value: u for u in Unit}
_fromordinal = dt.date.fromordinal
_combine = dt.datetime.combine


def _unit(unit: Unit | str) -> Unit:
    found = _UNITS.get(unit)
    if found is None:
        raise CalendarError(f"unknown unit {unit!r}; use one of {', '.join(u.value for u in Unit)}")
    return found


# ----- module-level functions (the documented API) ------------------------------------------------


def add(cal: CompiledCalendar, start: dt.datetime, amount: int, unit: Unit | str) -> dt.datetime:
    """`start` + `amount` `unit` on `cal`, as an aware datetime in the calendar's zone.

    Raises: CalendarDataMissing (a working unit reaches a year without statutory data),
    CalendarError (naive datetime, negative amount, unknown unit).
    """
    return cal.add(start, amount, unit)


def between(cal: CompiledCalendar, a: dt.datetime, b: dt.datetime) -> int:
    """Working seconds from `a` to `b` on `cal` (negative if b < a). Raises as `add`."""
    return cal.between(a, b)


def explain_add(cal: CompiledCalendar, start: dt.datetime, amount: int, unit: Unit | str) -> Explanation:
    """`add` and why: intervals counted, holidays and rest days skipped, 调休 days counted."""
    return cal.explain_add(start, amount, unit)
