"""Clock test data: a subject record and a 09:00–12:00 / 13:00–18:00 calendar made by the services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

TZ = ZoneInfo("Asia/Shanghai")


def at(text: str) -> dt.datetime:
    """'2025-09-30 17:00' in Asia/Shanghai."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def subject(db: Any) -> Any:
    from aftersales.accounts.models import Department

    return Department.objects.create(code="D-CLK", name="时钟测试部")


@pytest.fixture
def lunch_calendar(db: Any) -> str:
    """Code of a calendar based on CN with a lunch break (holidays and 调休 inherited)."""
    from aftersales.calendars.models import WorkCalendar
    from aftersales.calendars.services import IntervalData, calendar_create
    from aftersales.core.access import SYSTEM

    # Transactional tests flush the migration-seeded CN calendar; the 30 Sep 2025 cases need no holidays.
    base = "CN" if WorkCalendar.objects.filter(code="CN").exists() else None
    hours = [IntervalData(d, dt.time(9), dt.time(12)) for d in range(5)] + [
        IntervalData(d, dt.time(13), dt.time(18)) for d in range(5)
    ]
    calendar_create(actor=SYSTEM, code="LUNCH", name="午休日历", base_code=base, intervals=hours)
    return "LUNCH"
