"""Laws of the business-time arithmetic (X1, X2), checked with hypothesis, and agreement with the
naive minute-stepping reference (tests/calendars/reference.py) on random calendars and starts."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aftersales.calendars.arithmetic import CalendarDataMissing, CompiledCalendar, add, between
from tests.calendars.factories import CN_HOLIDAYS, CN_WORKDAYS, LUNCH, OFFICE, TZ, cn, lunch
from tests.calendars.reference import NaiveCalendar

LAWS = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
REFERENCE = settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

FIRST = dt.datetime(2025, 1, 1, tzinfo=TZ)
SPAN_MINUTES = int((dt.datetime(2026, 11, 30, tzinfo=TZ) - FIRST).total_seconds() // 60)

CN_CAL = cn()
LUNCH_CAL = lunch()
FIXED = {"cn": (CN_CAL, OFFICE), "lunch": (LUNCH_CAL, LUNCH)}

starts = st.integers(0, SPAN_MINUTES).map(lambda m: FIRST + dt.timedelta(minutes=m))
# Starts that often sit right at the edges: openings, closes, the lunch break, midnight.
edge_starts = st.builds(
    lambda day, hhmm: dt.datetime.combine(FIRST.date() + dt.timedelta(days=day), hhmm, tzinfo=TZ),
    st.integers(0, SPAN_MINUTES // 1440),
    st.sampled_from(
        [
            dt.time(0),
            dt.time(8, 59),
            dt.time(9),
            dt.time(11, 59),
            dt.time(12),
            dt.time(13),
            dt.time(17, 59),
            dt.time(18),
            dt.time(23, 59),
        ]
    ),
)
any_start = st.one_of(starts, edge_starts)
fixed_calendars = st.sampled_from(sorted(FIXED))


def _safe(fn, *args):
    """Skip the rare example that reaches past the statutory data (2027)."""
    try:
        return fn(*args)
    except CalendarDataMissing:
        assume(False)
        raise


@st.composite
def weekly_hours(draw):
    """Minute-aligned, non-overlapping intervals on at least three weekdays."""
    week = {}
    days = draw(st.sets(st.integers(0, 6), min_size=3, max_size=7))
    for weekday in days:
        cuts = sorted(draw(st.sets(st.integers(0, 24 * 60 // 15).map(lambda q: q * 15), min_size=2, max_size=6)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        spans = []
        for a, b in zip(cuts[::2], cuts[1::2], strict=True):
            start = dt.time(a // 60, a % 60)
            end = dt.time(0) if b == 24 * 60 else dt.time(b // 60, b % 60)
            spans.append((start, end))
        week[weekday] = spans
    return week


@st.composite
def random_calendars(draw):
    week = draw(weekly_hours())
    dates = st.integers(0, 700).map(lambda n: FIRST.date() + dt.timedelta(days=n))
    holidays = {d: "假" for d in draw(st.sets(dates, max_size=40))}
    workdays = {d: "班" for d in draw(st.sets(dates, max_size=15)) if d not in holidays}
    fast = CompiledCalendar(week=week, holidays=holidays, workdays=workdays)
    naive = NaiveCalendar(week=week, holidays=holidays, workdays=workdays)
    return fast, naive


# --- laws ---------------------------------------------------------------------------------------


@LAWS
@given(name=fixed_calendars, start=any_start, a=st.integers(0, 3000), b=st.integers(0, 3000))
def test_x2_add_is_monotonic_in_the_amount(name, start, a, b):
    cal, _week = FIXED[name]
    low, high = sorted((a, b))
    assert _safe(add, cal, start, low, "working_minutes") <= _safe(add, cal, start, high, "working_minutes")
    assert _safe(add, cal, start, low // 60, "working_hours") <= _safe(add, cal, start, high // 60, "working_hours")
    assert _safe(add, cal, start, low // 200, "working_days") <= _safe(add, cal, start, high // 200, "working_days")
    assert _safe(add, cal, start, low, "hours") <= _safe(add, cal, start, high, "hours")
    assert _safe(add, cal, start, low // 24, "days") <= _safe(add, cal, start, high // 24, "days")


@LAWS
@given(name=fixed_calendars, start=any_start, minutes=st.integers(0, 5000), hours=st.integers(0, 80))
def test_x2_between_undoes_add_for_working_units(name, start, minutes, hours):
    cal, _week = FIXED[name]
    assert _safe(between, cal, start, _safe(add, cal, start, minutes, "working_minutes")) == minutes * 60
    assert _safe(between, cal, start, _safe(add, cal, start, hours, "working_hours")) == hours * 3600


@LAWS
@given(name=fixed_calendars, start=any_start, minutes=st.integers(1, 5000))
def test_x2_add_returns_the_earliest_instant(name, start, minutes):
    cal, _week = FIXED[name]
    due = _safe(add, cal, start, minutes, "working_minutes")
    assert _safe(between, cal, start, due - dt.timedelta(seconds=1)) == minutes * 60 - 1


@LAWS
@given(name=fixed_calendars, start=any_start, a=st.integers(0, 3000), b=st.integers(0, 3000))
def test_x2_splitting_a_duration_adds_up(name, start, a, b):
    cal, _week = FIXED[name]
    once = _safe(add, cal, start, a + b, "working_minutes")
    twice = _safe(add, cal, _safe(add, cal, start, a, "working_minutes"), b, "working_minutes")
    assert twice == once


@LAWS
@given(name=fixed_calendars, a=any_start, b=any_start, c=any_start)
def test_x2_between_is_additive_and_antisymmetric(name, a, b, c):
    cal, _week = FIXED[name]
    ab, bc, ac = _safe(between, cal, a, b), _safe(between, cal, b, c), _safe(between, cal, a, c)
    assert ab + bc == ac
    assert _safe(between, cal, b, a) == -ab


@LAWS
@given(name=fixed_calendars, start=any_start, days=st.integers(1, 30))
def test_x2_working_days_land_inside_working_hours_on_a_working_day(name, start, days):
    cal, _week = FIXED[name]
    due = _safe(add, cal, start, days, "working_days")
    info = cal.day(due.date())
    seconds = due.hour * 3600 + due.minute * 60
    assert info.is_working
    assert any(s <= seconds <= e for s, e in info.intervals)
    assert due > start


# --- agreement with the naive reference ---------------------------------------------------------


@REFERENCE
@given(name=fixed_calendars, start=any_start, minutes=st.integers(0, 1500), days=st.integers(0, 12))
def test_x2_fixed_calendars_agree_with_the_naive_reference(name, start, minutes, days):
    cal, week = FIXED[name]
    naive = NaiveCalendar(week=week, holidays=CN_HOLIDAYS, workdays=CN_WORKDAYS)
    due = _safe(add, cal, start, minutes, "working_minutes")
    assert due == naive.add_minutes(start, minutes)
    assert _safe(add, cal, start, days, "working_days") == naive.add_days(start, days)


@REFERENCE
@given(pair=random_calendars(), start=any_start, minutes=st.integers(0, 1500), days=st.integers(0, 10))
def test_x2_random_calendars_agree_with_the_naive_reference(pair, start, minutes, days):
    fast, naive = pair
    due = add(fast, start, minutes, "working_minutes")
    assert due == naive.add_minutes(start, minutes)
    assert between(fast, start, due) == naive.between_minutes(start, due) * 60
    assert add(fast, start, days, "working_days") == naive.add_days(start, days)


@REFERENCE
@given(pair=random_calendars(), a=any_start, span=st.integers(0, 20 * 1440))
def test_x2_between_agrees_with_the_naive_reference(pair, a, span):
    fast, naive = pair
    b = a + dt.timedelta(minutes=span)
    assert between(fast, a, b) == naive.between_minutes(a, b) * 60


@LAWS
@given(start=any_start, minutes=st.integers(0, 10_000), days=st.integers(0, 30))
def test_x2_always_calendar_is_wall_time(start, minutes, days):
    cal = CompiledCalendar(kind="always", holidays=CN_HOLIDAYS)
    assert add(cal, start, minutes, "working_minutes") == start + dt.timedelta(minutes=minutes)
    assert add(cal, start, days, "working_days") == start + dt.timedelta(days=days)
    assert between(cal, start, start + dt.timedelta(minutes=minutes)) == minutes * 60
