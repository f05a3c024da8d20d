"""Table tests of calendars.arithmetic on real Chinese holiday periods (X1, X2), verified by hand.

CN: Asia/Shanghai, 09:00–18:00 Monday–Friday (9 working hours a day), holidays and 调休 days of the
State Council's notices as held by chinesecalendar:

2025 Spring Festival  off 01-28 (Tue) … 02-04 (Tue); worked Sun 01-26 and Sat 02-08
2025 National Day     off 10-01 (Wed) … 10-08 (Wed); worked Sun 09-28 and Sat 10-11
2026 Spring Festival  off 02-15 (Sun) … 02-23 (Mon); worked Sat 02-14 and Sat 02-28
2026 Mid-autumn       off 09-25 (Fri) … 09-27 (Sun); 2026 National Day off 10-01 (Thu) … 10-07 (Wed);
                      worked Sun 09-20 and Sat 10-10
"""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.calendars.arithmetic import (
    CalendarDataMissing,
    CalendarError,
    CompiledCalendar,
    DayType,
    Unit,
    add,
    between,
    explain_add,
)
from aftersales.calendars.choices import DurationUnit
from tests.calendars.factories import CN_WORKDAYS, OFFICE, at, cn, lunch

CN = cn()

CASES = [
    # --- 2025 Spring Festival ----------------------------------------------------------------------
    # Mon 01-27 16:00–18:00 = 2 h, then the next working day is Wed 02-05: 09:00 + 2 h.
    ("2025-01-27 16:00", 4, "working_hours", "2025-02-05 11:00"),
    # Fri 01-24 17:00–18:00 = 1 h; Sat 01-25 free; Sun 01-26 is worked (调休): 09:00 + 1 h.
    ("2025-01-24 17:00", 2, "working_hours", "2025-01-26 10:00"),
    # 30 minutes end exactly at the close (the earliest instant), 31 spill past the holiday.
    ("2025-01-27 17:30", 30, "working_minutes", "2025-01-27 18:00"),
    ("2025-01-27 17:30", 31, "working_minutes", "2025-02-05 09:01"),
    # Working days keep the time of day: 01-27 → 02-05 (1), 02-06 (2), 02-07 (3), Sat 02-08 (4), Mon 02-10 (5).
    ("2025-01-27 10:00", 1, "working_days", "2025-02-05 10:00"),
    ("2025-01-27 10:00", 4, "working_days", "2025-02-08 10:00"),
    ("2025-01-27 10:00", 5, "working_days", "2025-02-10 10:00"),
    # From Fri 01-24: Sun 01-26 (1), Mon 01-27 (2), Wed 02-05 (3).
    ("2025-01-24 17:00", 3, "working_days", "2025-02-05 17:00"),
    # A start on a free Saturday counts from the next opening: Sun 01-26 09:00 (调休), + 1 = Mon 01-27 09:00.
    ("2025-01-25 14:00", 1, "working_days", "2025-01-27 09:00"),
    # Wall clock ignores holidays.
    ("2025-01-27 10:00", 48, "hours", "2025-01-29 10:00"),
    ("2025-01-27 10:00", 3, "days", "2025-01-30 10:00"),
    # --- 2025 National Day -------------------------------------------------------------------------
    # Tue 09-30 15:00–18:00 = 3 h; off 10-01 … 10-08; Thu 10-09 09:00 + 5 h.
    ("2025-09-30 15:00", 8, "working_hours", "2025-10-09 14:00"),
    # From Fri 09-26: Sun 09-28 (1, 调休), 09-29 (2), 09-30 (3), 10-09 (4), 10-10 (5), Sat 10-11 (6, 调休).
    ("2025-09-26 11:00", 1, "working_days", "2025-09-28 11:00"),
    ("2025-09-26 11:00", 3, "working_days", "2025-09-30 11:00"),
    ("2025-09-26 11:00", 4, "working_days", "2025-10-09 11:00"),
    ("2025-09-26 11:00", 6, "working_days", "2025-10-11 11:00"),
    ("2025-09-30 15:00", 2, "days", "2025-10-02 15:00"),
    ("2025-09-30 15:00", 24, "hours", "2025-10-01 15:00"),
    # 9 working hours from Sat 09-27 08:00: the whole of Sun 09-28 (调休).
    ("2025-09-27 08:00", 9, "working_hours", "2025-09-28 18:00"),
    # --- 2026 Spring Festival ----------------------------------------------------------------------
    # Fri 02-13 14:00–18:00 = 4 h; Sat 02-14 (调休) 9 h → 13 h; off 02-15 … 02-23; Tue 02-24 09:00 + 3 h.
    ("2026-02-13 14:00", 16, "working_hours", "2026-02-24 12:00"),
    ("2026-02-13 09:30", 2, "working_days", "2026-02-24 09:30"),
    # A start on a holiday: next opening Tue 02-24 09:00, + 1 working day.
    ("2026-02-18 10:00", 1, "working_days", "2026-02-25 09:00"),
    # 10 minutes on the 调休 Saturday, then 10 more after the holiday.
    ("2026-02-14 17:50", 20, "working_minutes", "2026-02-24 09:10"),
    # Mon 02-23 is still a holiday: count from Tue 02-24 09:00; 02-25 (1) … 02-27 (3), Sat 02-28 (4, 调休), Mon 03-02 (5).
    ("2026-02-23 12:00", 4, "working_days", "2026-02-28 09:00"),
    ("2026-02-24 12:00", 5, "working_days", "2026-03-02 12:00"),
    ("2026-02-13 14:00", 10, "days", "2026-02-23 14:00"),
    ("2026-02-13 14:00", 100, "hours", "2026-02-17 18:00"),
    # --- 2026 Mid-autumn and National Day -----------------------------------------------------------
    # Wed 09-30 16:00–18:00 = 2 h; off 10-01 … 10-07; Thu 10-08 09:00 + 2 h.
    ("2026-09-30 16:00", 4, "working_hours", "2026-10-08 11:00"),
    # Thu 09-24 → Mon 09-28 (1, after Mid-autumn 09-25 … 09-27), 09-29 (2), 09-30 (3), 10-08 (4), 10-09 (5), Sat 10-10 (6).
    ("2026-09-24 10:00", 1, "working_days", "2026-09-28 10:00"),
    ("2026-09-24 10:00", 5, "working_days", "2026-10-09 10:00"),
    ("2026-09-24 10:00", 6, "working_days", "2026-10-10 10:00"),
    # Sat 09-19 is free: next opening Sun 09-20 09:00 (调休); 0 days = that opening; 1 = Mon 09-21.
    ("2026-09-19 12:00", 0, "working_days", "2026-09-20 09:00"),
    ("2026-09-19 12:00", 1, "working_days", "2026-09-21 09:00"),
    # 18 working hours from Thu 09-24 09:00: Thu 9 h, then Mon 09-28 9 h (Fri–Sun off).
    ("2026-09-24 09:00", 18, "working_hours", "2026-09-28 18:00"),
    ("2026-09-24 09:00", 1080, "working_minutes", "2026-09-28 18:00"),
    # --- New Year 2026 -----------------------------------------------------------------------------
    # Off Thu 01-01 … Sat 01-03; Sun 01-04 worked (调休).
    ("2025-12-31 17:00", 2, "working_hours", "2026-01-04 10:00"),
    ("2025-12-31 17:00", 1, "working_days", "2026-01-04 17:00"),
    # Amount 0 of working time is the start itself, even outside working hours.
    ("2026-02-15 03:00", 0, "working_minutes", "2026-02-15 03:00"),
]


@pytest.mark.parametrize(("start", "amount", "unit", "due"), CASES)
def test_x1_cn_table(start, amount, unit, due):
    assert add(CN, at(start), amount, unit) == at(due)


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2025-01-27 09:00", "2025-02-05 18:00", 18),  # Mon 01-27 and Wed 02-05
        ("2025-01-24 09:00", "2025-01-27 18:00", 27),  # Fri, Sun (调休), Mon
        ("2025-09-26 09:00", "2025-10-12 09:00", 7 * 9),  # 09-26, 09-28, 29, 30, 10-09, 10, 11
        ("2026-02-13 09:00", "2026-03-01 00:00", 7 * 9),  # 02-13, 02-14 (调休), 02-24 … 02-27, 02-28 (调休)
        ("2026-09-25 00:00", "2026-10-08 00:00", 3 * 9),  # 09-28, 29, 30
    ],
)
def test_x1_cn_between_table(start, end, hours):
    assert between(CN, at(start), at(end)) == hours * 3600


def test_x1_cn_between_partial_days():
    # Mon 01-27 10:30–18:00 = 7.5 h, Wed 02-05 09:00–09:15 = 0.25 h
    assert between(CN, at("2025-01-27 10:30"), at("2025-02-05 09:15")) == int(7.75 * 3600)
    assert between(CN, at("2025-02-05 09:15"), at("2025-01-27 10:30")) == -int(7.75 * 3600)
    assert between(CN, at("2025-02-01 10:00"), at("2025-02-01 12:00")) == 0  # a holiday


def test_x1_result_is_aware_in_the_calendar_zone_whatever_the_input_zone():
    start = at("2025-01-27 16:00").astimezone(dt.UTC)
    due = add(CN, start, 4, "working_hours")
    assert due.isoformat() == "2025-02-05T11:00:00+08:00"


def test_x1_sub_second_parts_are_dropped():
    start = at("2025-01-27 10:00").replace(microsecond=999_999)
    assert add(CN, start, 1, "working_minutes") == at("2025-01-27 10:01")


# --- lunch break --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "due"),
    [
        ("2025-03-03 11:00", 2, "working_hours", "2025-03-03 14:00"),  # 11–12, then 13–14
        ("2025-03-03 11:00", 1, "working_hours", "2025-03-03 12:00"),  # ends at the break, not after it
        ("2025-03-03 12:30", 30, "working_minutes", "2025-03-03 13:30"),  # counting starts at 13:00
        ("2025-03-03 11:30", 60, "working_minutes", "2025-03-03 13:30"),
        ("2025-03-03 12:30", 1, "working_days", "2025-03-04 13:00"),  # a start in the break moves to 13:00
        ("2025-03-03 08:00", 8, "working_hours", "2025-03-03 18:00"),  # 3 h + 5 h
        ("2025-03-07 17:00", 2, "working_hours", "2025-03-10 10:00"),  # Fri 1 h, Mon 1 h
        # The 调休 Saturday 2025-02-08 is worked with Monday's hours (lunch break included).
        ("2025-02-08 11:00", 2, "working_hours", "2025-02-08 14:00"),
        # 2025-01-27 11:00 + 8 h: 1 h + 5 h on Mon, Spring Festival, Wed 02-05 09:00 + 2 h.
        ("2025-01-27 11:00", 8, "working_hours", "2025-02-05 11:00"),
    ],
)
def test_x1_lunch_break_table(start, amount, unit, due):
    assert add(lunch(), at(start), amount, unit) == at(due)


def test_x1_lunch_break_between_skips_the_break():
    assert between(lunch(), at("2025-03-03 11:30"), at("2025-03-03 13:30")) == 3600
    assert between(lunch(), at("2025-03-03 00:00"), at("2025-03-04 00:00")) == 8 * 3600


def test_x1_working_days_clamp_to_a_shorter_day():
    # Friday works 09:00–12:00 only: Thursday 15:00 + 1 working day is Friday's close, 12:00.
    week = {**OFFICE, 4: [(dt.time(9), dt.time(12))]}
    cal = CompiledCalendar(week=week)
    assert add(cal, at("2025-03-06 15:00"), 1, "working_days") == at("2025-03-07 12:00")
    assert add(cal, at("2025-03-06 08:00"), 1, "working_days") == at("2025-03-07 09:00")


def test_x1_interval_to_midnight():
    cal = CompiledCalendar(week={d: [(dt.time(20), dt.time(0))] for d in range(7)})
    assert add(cal, at("2025-03-03 23:00"), 2, "working_hours") == at("2025-03-04 21:00")
    assert add(cal, at("2025-03-03 23:00"), 1, "working_hours") == at("2025-03-04 00:00")


# --- 7×24 ---------------------------------------------------------------------------------------


def test_x1_always_calendar_counts_wall_time_through_holidays():
    cal = CompiledCalendar(kind="always", holidays={dt.date(2025, 1, 28): "春节"}, code="24x7")
    start = at("2025-01-28 10:00")
    assert add(cal, start, 8, "working_hours") == at("2025-01-28 18:00")
    assert add(cal, start, 30, "working_minutes") == at("2025-01-28 10:30")
    assert add(cal, start, 2, "working_days") == at("2025-01-30 10:00")
    assert between(cal, start, at("2025-01-29 10:00")) == 86400
    assert add(cal, at("2099-01-01 00:00"), 1, "working_hours") == at("2099-01-01 01:00")


# --- coverage -----------------------------------------------------------------------------------


def test_x1_2027_on_cn_raises_calendar_data_missing():
    with pytest.raises(CalendarDataMissing) as caught:
        add(CN, at("2027-01-05 10:00"), 1, "working_hours")
    assert caught.value.year == 2027
    assert caught.value.calendar == "CN"


@pytest.mark.parametrize(
    ("start", "amount", "unit"),
    [
        ("2026-12-31 17:00", 2, "working_hours"),  # spills into 2027
        ("2026-12-31 10:00", 1, "working_days"),
        ("2026-12-25 10:00", 100, "working_hours"),
        ("2026-12-31 19:00", 0, "working_days"),  # the next opening is in 2027
    ],
)
def test_x1_reaching_into_2027_raises(start, amount, unit):
    with pytest.raises(CalendarDataMissing) as caught:
        add(CN, at(start), amount, unit)
    assert caught.value.year == 2027


def test_x1_staying_in_2026_and_wall_clock_units_do_not_raise():
    assert add(CN, at("2026-12-31 17:00"), 1, "working_hours") == at("2026-12-31 18:00")
    assert add(CN, at("2026-12-31 10:00"), 48, "hours") == at("2027-01-02 10:00")
    assert add(CN, at("2026-12-31 10:00"), 2, "days") == at("2027-01-02 10:00")
    with pytest.raises(CalendarDataMissing):
        between(CN, at("2026-12-31 10:00"), at("2027-01-04 10:00"))
    with pytest.raises(CalendarDataMissing) as caught:
        between(CN, at("2003-12-31 10:00"), at("2004-01-04 10:00"))
    assert caught.value.year == 2003


def test_x1_gap_in_covered_years_is_reported():
    cal = cn(covered_years=[2024, 2026])
    with pytest.raises(CalendarDataMissing) as caught:
        add(cal, at("2024-12-31 10:00"), 5, "working_days")
    assert caught.value.year == 2025


def test_x1_calendar_without_coverage_extends_the_weekly_pattern():
    cal = CompiledCalendar(week=OFFICE)
    assert add(cal, at("2031-05-30 17:00"), 2, "working_hours") == at("2031-06-02 10:00")  # Fri → Mon
    assert add(cal, at("2030-01-01 09:00"), 9 * 261, "working_hours") == at("2030-12-31 18:00")


# --- input errors -------------------------------------------------------------------------------


def test_x1_bad_inputs_raise_calendar_error():
    with pytest.raises(CalendarError):
        add(CN, dt.datetime(2025, 1, 27, 10), 1, "working_hours")  # naive
    with pytest.raises(CalendarError):
        add(CN, at("2025-01-27 10:00"), -1, "working_hours")
    with pytest.raises(CalendarError):
        add(CN, at("2025-01-27 10:00"), 1, "fortnights")
    with pytest.raises(CalendarError):
        add(CN, at("2025-01-27 10:00"), 1.5, "working_hours")  # type: ignore[arg-type]
    with pytest.raises(CalendarError):
        CompiledCalendar(week={7: [(dt.time(9), dt.time(10))]})
    with pytest.raises(CalendarError):
        CompiledCalendar(week={0: [(dt.time(10), dt.time(9))]})
    with pytest.raises(CalendarError):
        CompiledCalendar(holidays={dt.date(2025, 1, 1): "x"}, workdays={dt.date(2025, 1, 1): "y"})


def test_x1_calendar_without_any_working_time_says_so():
    cal = CompiledCalendar(week={})
    with pytest.raises(CalendarError, match="no working time"):
        add(cal, at("2025-01-27 10:00"), 1, "working_hours")
    with pytest.raises(CalendarError, match="no working time"):
        add(cal, at("2025-01-27 10:00"), 1, "working_days")


def test_x1_duration_unit_choices_match_the_arithmetic_units():
    from typing import get_args

    from aftersales.policies.defaults import DurationUnitCode

    assert set(DurationUnit.values) == {u.value for u in Unit}
    assert set(get_args(DurationUnitCode)) == {u.value for u in Unit}  # the units a deadline policy may name


# --- days and explanations ----------------------------------------------------------------------


def test_x1_day_info_names_the_holidays_and_makeup_days():
    assert CN.day(dt.date(2025, 1, 28)).type == DayType.HOLIDAY
    assert CN.day(dt.date(2025, 1, 28)).name == "春节"
    makeup = CN.day(dt.date(2025, 2, 8))
    assert (makeup.type, makeup.name, makeup.intervals_text) == (DayType.MAKEUP, "春节", "09:00–18:00")
    assert CN.day(dt.date(2025, 10, 6)).name == "中秋节"
    assert CN.day(dt.date(2025, 2, 9)).type == DayType.REST
    assert CN.day(dt.date(2025, 2, 10)).type == DayType.WORKDAY
    assert CN.day(dt.date(2027, 2, 10)).covered is False
    assert sorted(d.isoformat() for d in CN_WORKDAYS if d.year == 2026) == [
        "2026-01-04",
        "2026-02-14",
        "2026-02-28",
        "2026-05-09",
        "2026-09-20",
        "2026-10-10",
    ]


def test_x2_explain_working_hours_across_spring_festival_2025():
    explanation = explain_add(CN, at("2025-01-27 16:00"), 4, "working_hours")
    assert explanation.result == at("2025-02-05 11:00")
    assert explanation.working_seconds == 4 * 3600
    assert explanation.intervals == (
        (at("2025-01-27 16:00"), at("2025-01-27 18:00")),
        (at("2025-02-05 09:00"), at("2025-02-05 11:00")),
    )
    assert [(d.date.isoformat(), d.name) for d in explanation.holidays_skipped] == [
        (f"2025-{m:02d}-{d:02d}", "春节")
        for m, d in [(1, 28), (1, 29), (1, 30), (1, 31), (2, 1), (2, 2), (2, 3), (2, 4)]
    ]
    assert explanation.rest_days_skipped == ()
    assert explanation.makeup_days_counted == ()
    data = explanation.as_dict()
    assert data["result"] == "2025-02-05T11:00:00+08:00"
    assert data["intervals"][0] == ["2025-01-27T16:00:00+08:00", "2025-01-27T18:00:00+08:00"]
    assert data["holidays_skipped"][0] == {"date": "2025-01-28", "name": "春节"}
    assert data["unit"] == "working_hours"
    assert data["calendar"] == "CN"


def test_x2_explain_working_days_across_national_day_2025():
    explanation = explain_add(CN, at("2025-09-26 19:00"), 6, "working_days")
    # After Friday's close the count starts at the next opening: Sun 09-28 09:00 (调休).
    assert explanation.counted_from == at("2025-09-28 09:00")
    assert explanation.result == at("2025-10-13 09:00")
    assert [d.isoformat() for d in explanation.counted_days] == [
        "2025-09-29",
        "2025-09-30",
        "2025-10-09",
        "2025-10-10",
        "2025-10-11",
        "2025-10-13",
    ]
    assert [(d.date.isoformat(), d.name) for d in explanation.makeup_days_counted] == [
        ("2025-09-28", "国庆节"),
        ("2025-10-11", "国庆节"),
    ]
    assert [d.name for d in explanation.holidays_skipped].count("国庆节") == 7
    assert [d.name for d in explanation.holidays_skipped].count("中秋节") == 1
    assert [d.isoformat() for d in explanation.rest_days_skipped] == ["2025-09-27", "2025-10-12"]


def test_x2_explain_wall_clock_units():
    explanation = explain_add(CN, at("2025-01-27 10:00"), 48, Unit.HOURS)
    assert explanation.intervals == ((at("2025-01-27 10:00"), at("2025-01-29 10:00")),)
    assert explanation.holidays_skipped == ()
    assert explanation.working_seconds == 48 * 3600


def test_x2_explanation_is_truncated_for_huge_amounts():
    explanation = explain_add(lunch(), at("2025-03-03 09:00"), 5000, "working_hours")
    assert explanation.truncated is True
    assert explanation.working_seconds == 5000 * 3600


def test_x1_next_opening_and_is_working():
    assert CN.next_opening(at("2025-01-27 19:00")) == at("2025-02-05 09:00")
    assert CN.next_opening(at("2025-01-27 10:00")) == at("2025-01-27 10:00")
    assert CN.is_working(at("2025-01-26 09:00")) is True  # 调休 Sunday
    assert CN.is_working(at("2025-01-28 10:00")) is False
    assert CN.is_working(at("2025-01-27 18:00")) is False  # the end is exclusive
    assert lunch().is_working(at("2025-03-03 12:00")) is False
