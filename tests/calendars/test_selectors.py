"""Calendar reads: access, inherited days, the compile cache, coverage warnings, the month grid (X1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.calendars import selectors, services
from aftersales.calendars.arithmetic import DayType
from aftersales.calendars.errors import CalendarYearMissing
from aftersales.calendars.statutory import HOLIDAY_NAMES_ZH, package_year, package_years
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import NotFound, PermissionDenied, ValidationFailed
from tests.calendars.factories import at

pytestmark = pytest.mark.django_db


def test_x1_calendar_for_code_and_access(make_user, actor_of):
    assert selectors.calendar_for_code("CN").code == "CN"
    with pytest.raises(NotFound):
        selectors.calendar_for_code("NOPE")
    agent = actor_of(make_user("agent"))
    assert selectors.access_calendar(agent, "24x7").code == "24x7"
    with pytest.raises(NotFound):
        selectors.access_calendar(agent, "NOPE")
    with pytest.raises(PermissionDenied):
        selectors.access_calendar(Actor(user=None), "CN")
    assert list(selectors.calendar_list(Actor(user=None))) == []
    assert [c.code for c in selectors.calendar_list(agent)] == ["24x7", "CN"]


def test_x1_compile_is_cached_per_version():
    cn = selectors.calendar_for_code("CN")
    first = selectors.calendar_compile(cn)
    assert selectors.calendar_compile(selectors.calendar_for_code("CN")) is first
    services.calendar_day_set(actor=SYSTEM, code="CN", date=dt.date(2025, 3, 3), kind="holiday", name="年会")
    second = selectors.calendar_compiled_for_code("CN")
    assert second is not first
    assert second.version == 2
    assert second.day(dt.date(2025, 3, 3)).type == DayType.HOLIDAY


def test_x1_days_of_a_derived_calendar_show_where_they_come_from():
    services.calendar_create(actor=SYSTEM, code="SP", name="服务站", base_code="CN")
    services.calendar_day_set(actor=SYSTEM, code="SP", date=dt.date(2025, 1, 28), kind="workday", name="值班")
    point = selectors.calendar_for_code("SP")
    rows = {r.date: r for r in selectors.calendar_days(point, year=2025, month=1)}
    assert rows[dt.date(2025, 1, 28)].inherited is False
    assert rows[dt.date(2025, 1, 28)].kind == "workday"
    assert rows[dt.date(2025, 1, 29)].inherited is True
    assert rows[dt.date(2025, 1, 29)].calendar == "CN"
    assert set(rows) == {dt.date(2025, 1, d) for d in (1, 26, 28, 29, 30, 31)}
    assert selectors.calendar_days(selectors.calendar_for_code("24x7"), year=2025) == []


def test_x1_statutory_years_missing_warns_before_the_year_turns(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 11, 23))
    assert selectors.statutory_years_missing(selectors.calendar_for_code("CN")) == [2027]
    assert selectors.statutory_years_missing(selectors.calendar_for_code("24x7")) == []
    services.calendar_create(actor=SYSTEM, code="SP", name="服务站", base_code="CN")
    assert selectors.statutory_years_missing(selectors.calendar_for_code("SP")) == [2027]
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 6, 1))
    assert selectors.statutory_years_missing(selectors.calendar_for_code("CN")) == []


def test_x1_month_view_grid():
    view = selectors.calendar_month(selectors.calendar_for_code("CN"), year=2025, month=2)
    assert len(view.weeks) == 5  # 2025-01-27 (Mon) … 2025-03-02 (Sun)
    assert view.weeks[0][0].info.date == dt.date(2025, 1, 27)
    assert view.weeks[0][0].in_month is False
    cells = {c.info.date: c for week in view.weeks for c in week}
    assert cells[dt.date(2025, 2, 8)].info.type == DayType.MAKEUP
    assert cells[dt.date(2025, 2, 8)].row.source == "package"
    assert cells[dt.date(2025, 2, 4)].info.name == "春节"
    assert (view.previous, view.next) == ((2025, 1), (2025, 3))
    assert view.covered is True
    assert selectors.calendar_month(selectors.calendar_for_code("CN"), year=2027, month=1).covered is False
    assert selectors.calendar_hours_text(selectors.calendar_for_code("CN"))[0][1] == "09:00–18:00"
    assert selectors.calendar_hours_text(selectors.calendar_for_code("CN"))[5][1] == ""


def test_x2_calendar_add_and_between_map_pure_errors_to_domain_errors():
    cn = selectors.calendar_for_code("CN")
    explanation = selectors.calendar_add(cn, start=at("2025-01-27 16:00"), amount=4, unit="working_hours")
    assert explanation.result == at("2025-02-05 11:00")
    with pytest.raises(CalendarYearMissing) as caught:
        selectors.calendar_add(cn, start=at("2027-01-05 10:00"), amount=1, unit="working_hours")
    assert (caught.value.status, caught.value.code, caught.value.year) == (409, "calendar_data_missing", 2027)
    with pytest.raises(CalendarYearMissing):
        selectors.calendar_between(cn, start=at("2026-12-31 10:00"), end=at("2027-01-05 10:00"))
    services.calendar_create(actor=SYSTEM, code="NEVER", name="never open", intervals=[])
    with pytest.raises(ValidationFailed) as caught_empty:
        selectors.calendar_add(
            selectors.calendar_for_code("NEVER"), start=at("2025-01-27 16:00"), amount=1, unit="working_hours"
        )
    assert caught_empty.value.code == "calendar_no_working_time"


def test_x1_package_names_are_chinese_and_years_cover_2004_2026():
    assert package_years() == list(range(2004, 2027))
    names = {n for y in package_years() for n in package_year(y).holidays.values()}
    assert names == set(HOLIDAY_NAMES_ZH.values())
    assert package_year(2026).workdays == {
        dt.date(2026, 1, 4): "元旦",
        dt.date(2026, 2, 14): "春节",
        dt.date(2026, 2, 28): "春节",
        dt.date(2026, 5, 9): "劳动节",
        dt.date(2026, 9, 20): "国庆节",
        dt.date(2026, 10, 10): "国庆节",
    }
    with pytest.raises(LookupError):
        package_year(2027)
