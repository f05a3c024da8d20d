"""Calendar test data: the CN calendar compiled straight from the package, and small custom calendars."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar

from aftersales.calendars.arithmetic import CompiledCalendar
from aftersales.calendars.statutory import holiday_name_zh, package_years

TZ = ZoneInfo("Asia/Shanghai")
OFFICE = {d: [(dt.time(9), dt.time(18))] for d in range(5)}
LUNCH = {d: [(dt.time(9), dt.time(12)), (dt.time(13), dt.time(18))] for d in range(5)}
CN_HOLIDAYS = {d: holiday_name_zh(str(n)) for d, n in chinese_calendar.holidays.items()}
CN_WORKDAYS = {d: holiday_name_zh(str(n)) for d, n in chinese_calendar.workdays.items()}


def at(text: str) -> dt.datetime:
    """'2025-01-27 09:00' in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def cn(**overrides: object) -> CompiledCalendar:
    """China statutory calendar, 09:00–18:00 Mon–Fri, covered for the package's years."""
    options: dict[str, object] = {
        "timezone": "Asia/Shanghai",
        "week": OFFICE,
        "holidays": CN_HOLIDAYS,
        "workdays": CN_WORKDAYS,
        "covered_years": package_years(),
        "kind": "statutory",
        "code": "CN",
    }
    options.update(overrides)
    return CompiledCalendar(**options)  # type: ignore[arg-type]


def lunch(**overrides: object) -> CompiledCalendar:
    """09:00–12:00 and 13:00–18:00 Mon–Fri with China's holidays, no coverage limit."""
    options: dict[str, object] = {"week": LUNCH, "holidays": CN_HOLIDAYS, "workdays": CN_WORKDAYS, "code": "LUNCH"}
    options.update(overrides)
    return CompiledCalendar(**options)  # type: ignore[arg-type]
