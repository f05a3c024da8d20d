"""Calendar writes: versions, events, permissions, the year's notice, package loads (X1, X3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from aftersales.calendars import services
from aftersales.calendars.arithmetic import CalendarDataMissing
from aftersales.calendars.choices import CalendarKind, DayKind, DaySource
from aftersales.calendars.models import CalendarDay, StatutoryYear, WorkCalendar, WorkingInterval
from aftersales.calendars.selectors import calendar_compile, calendar_for_code
from aftersales.calendars.services import IntervalData
from aftersales.calendars.statutory import package_year, package_years
from aftersales.core.access import SYSTEM
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from tests.calendars.factories import at

LUNCH_HOURS = [IntervalData(d, dt.time(9), dt.time(12)) for d in range(5)] + [
    IntervalData(d, dt.time(13), dt.time(18)) for d in range(5)
]

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_user, actor_of):
    return actor_of(make_user("admin"))


def _events(action: str) -> list[Event]:
    return list(Event.objects.filter(action=action).order_by("id"))


# --- the seeded calendars -----------------------------------------------------------------------


def test_x1_migration_seeds_cn_from_the_package_and_24x7():
    cn = calendar_for_code("CN")
    assert (cn.kind, cn.timezone, cn.version) == (CalendarKind.STATUTORY, "Asia/Shanghai", 1)
    hours = [(i.weekday, i.start, i.end) for i in WorkingInterval.objects.filter(calendar=cn).order_by("weekday")]
    assert hours == [(d, dt.time(9), dt.time(18)) for d in range(5)]
    years = list(StatutoryYear.objects.filter(calendar=cn).values_list("year", flat=True).order_by("year"))
    assert years == package_years() == list(range(2004, 2027))
    assert set(StatutoryYear.objects.filter(calendar=cn).values_list("source", flat=True)) == {DaySource.PACKAGE}
    expected = sum(len(package_year(y).holidays) + len(package_year(y).workdays) for y in years)
    assert CalendarDay.objects.filter(calendar=cn, source=DaySource.PACKAGE).count() == expected
    spring = CalendarDay.objects.get(calendar=cn, date=dt.date(2025, 1, 28))
    assert (spring.kind, spring.name) == (DayKind.HOLIDAY, "春节")
    makeup = CalendarDay.objects.get(calendar=cn, date=dt.date(2025, 2, 8))
    assert (makeup.kind, makeup.name) == (DayKind.WORKDAY, "春节")
    names = set(CalendarDay.objects.filter(calendar=cn).values_list("name", flat=True))
    assert {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"} <= names
    assert calendar_for_code("24x7").kind == CalendarKind.ALWAYS


def test_x1_compiled_cn_matches_the_table():
    cn = calendar_compile(calendar_for_code("CN"))
    assert cn.add(at("2025-01-27 16:00"), 4, "working_hours") == at("2025-02-05 11:00")
    with pytest.raises(CalendarDataMissing):
        cn.add(at("2027-01-05 10:00"), 1, "working_hours")
    always = calendar_compile(calendar_for_code("24x7"))
    assert always.add(at("2025-01-28 10:00"), 8, "working_hours") == at("2025-01-28 18:00")


# --- exception days -----------------------------------------------------------------------------


def test_x1_add_a_holiday_bumps_the_version_and_records_an_event(admin):
    before = calendar_compile(calendar_for_code("CN"))
    day = services.calendar_day_set(actor=admin, code="CN", date=dt.date(2025, 3, 3), kind="holiday", name="公司年会")
    cn = calendar_for_code("CN")
    assert (day.kind, day.name, day.source) == ("holiday", "公司年会", DaySource.ADMIN)
    assert cn.version == 2
    [event] = _events("workcalendar.day_set")
    assert event.subject_type == "calendars.workcalendar"
    assert event.subject_id == str(cn.pk)
    assert event.rule == "X1"
    assert event.actor_id == admin.pk
    assert event.data == {
        "date": "2025-03-03",
        "kind": [None, "holiday"],
        "name": [None, "公司年会"],
        "source": [None, "admin"],
        "version": 2,
    }
    after = calendar_compile(cn)
    assert after is not before
    assert after.version == 2
    # Fri 02-28 17:00 + 2 h: 1 h Friday, Monday 03-03 is now off, Tuesday 09:00 + 1 h.
    assert after.add(at("2025-02-28 17:00"), 2, "working_hours") == at("2025-03-04 10:00")
    assert before.add(at("2025-02-28 17:00"), 2, "working_hours") == at("2025-03-03 10:00")


def test_x1_correct_a_package_day(admin):
    services.calendar_day_set(actor=admin, code="CN", date=dt.date(2025, 1, 26), kind="holiday", name="春节")
    day = CalendarDay.objects.get(calendar__code="CN", date=dt.date(2025, 1, 26))
    assert (day.kind, day.source) == ("holiday", DaySource.ADMIN)
    [event] = _events("workcalendar.day_set")
    assert event.data["kind"] == ["workday", "holiday"]
    assert event.data["source"] == ["package", "admin"]


def test_x1_setting_the_same_day_twice_changes_nothing_the_second_time(admin):
    services.calendar_day_set(actor=admin, code="CN", date=dt.date(2025, 3, 3), kind="holiday", name="年会")
    services.calendar_day_set(actor=admin, code="CN", date=dt.date(2025, 3, 3), kind="holiday", name="年会")
    assert calendar_for_code("CN").version == 2
    assert len(_events("workcalendar.day_set")) == 1


def test_x1_remove_a_day(admin):
    calendar = services.calendar_day_remove(actor=admin, code="CN", date=dt.date(2025, 1, 28))
    assert calendar.version == 2
    assert not CalendarDay.objects.filter(calendar=calendar, date=dt.date(2025, 1, 28)).exists()
    [event] = _events("workcalendar.day_removed")
    assert event.data == {"date": "2025-01-28", "kind": ["holiday", None], "name": ["春节", None], "version": 2}
    assert calendar_compile(calendar).add(at("2025-01-27 17:00"), 2, "working_hours") == at("2025-01-28 10:00")


def test_x1_remove_a_missing_day_is_not_found_and_changes_nothing(admin):
    with pytest.raises(NotFound):
        services.calendar_day_remove(actor=admin, code="CN", date=dt.date(2025, 3, 3))
    assert calendar_for_code("CN").version == 1
    assert not Event.objects.filter(subject_type="calendars.workcalendar").exists()


@pytest.mark.parametrize("role", ["agent", "engineer", "cs_manager"])
def test_x1_only_administrators_change_calendars(make_user, actor_of, role):
    actor = actor_of(make_user(role))
    with pytest.raises(PermissionDenied):
        services.calendar_day_set(actor=actor, code="CN", date=dt.date(2025, 3, 3), kind="holiday")
    with pytest.raises(PermissionDenied):
        services.calendar_day_remove(actor=actor, code="CN", date=dt.date(2025, 1, 28))
    with pytest.raises(PermissionDenied):
        services.statutory_year_enter(
            actor=actor, code="CN", year=2027, holidays={dt.date(2027, 1, 1): "元旦"}, workdays={}
        )
    with pytest.raises(PermissionDenied):
        services.calendar_create(actor=actor, code="X", name="x")
    assert calendar_for_code("CN").version == 1
    assert CalendarDay.objects.filter(date=dt.date(2025, 3, 3)).count() == 0
    assert not Event.objects.filter(subject_type="calendars.workcalendar").exists()


@pytest.mark.parametrize(
    ("code", "kwargs", "error"),
    [
        ("24x7", {"date": dt.date(2025, 3, 3), "kind": "holiday"}, ValidationFailed),
        ("CN", {"date": dt.date(2025, 3, 3), "kind": "weekend"}, ValidationFailed),
        ("CN", {"date": dt.date(2025, 3, 3), "kind": "holiday", "name": "长" * 65}, ValidationFailed),
        ("CN", {"date": dt.date(1800, 3, 3), "kind": "holiday"}, ValidationFailed),
        ("NOPE", {"date": dt.date(2025, 3, 3), "kind": "holiday"}, NotFound),
    ],
)
def test_x1_invalid_days_are_refused_and_nothing_changes(admin, code, kwargs, error):
    with pytest.raises(error):
        services.calendar_day_set(actor=admin, code=code, **kwargs)
    assert not CalendarDay.objects.filter(date=kwargs["date"]).exists()
    assert not Event.objects.filter(subject_type="calendars.workcalendar").exists()


# --- derived calendars --------------------------------------------------------------------------


def test_x1_service_point_calendar_based_on_cn_inherits_days_and_coverage(admin):
    point = services.calendar_create(
        actor=admin, code="SP-BJ", name="北京服务站", base_code="CN", intervals=LUNCH_HOURS
    )
    [created] = _events("workcalendar.created")
    assert created.data == {"kind": "custom", "timezone": "Asia/Shanghai", "base": "CN", "version": 1}
    compiled = calendar_compile(point)
    # Lunch break and the 2025 Spring Festival of CN: Mon 11:00–12:00, 13:00–18:00, then Wed 02-05.
    assert compiled.add(at("2025-01-27 11:00"), 8, "working_hours") == at("2025-02-05 11:00")
    with pytest.raises(CalendarDataMissing) as caught:
        compiled.add(at("2026-12-31 17:00"), 2, "working_hours")
    assert caught.value.year == 2027
    # A change to CN is a change to the service point's calendar too.
    services.calendar_day_set(actor=admin, code="CN", date=dt.date(2025, 3, 3), kind="holiday", name="年会")
    point.refresh_from_db()
    assert point.version == 2
    [bumped] = _events("workcalendar.base_changed")
    assert bumped.subject_id == str(point.pk)
    assert bumped.data == {"base": "CN", "calendar_version": [1, 2], "version": 2}
    assert calendar_compile(point).day(dt.date(2025, 3, 3)).name == "年会"
    # Its own day wins over the inherited one: the service point works on 2025-01-28.
    services.calendar_day_set(actor=admin, code="SP-BJ", date=dt.date(2025, 1, 28), kind="workday", name="值班")
    assert calendar_compile(calendar_for_code("SP-BJ")).add(at("2025-01-27 17:00"), 2, "working_hours") == at(
        "2025-01-28 10:00"
    )


def test_x1_contract_calendar_7x24(admin):
    contract = services.calendar_create(actor=admin, code="HT-7X24", name="7×24 合同", kind="always")
    assert not WorkingInterval.objects.filter(calendar=contract).exists()
    assert calendar_compile(contract).add(at("2025-01-28 23:00"), 2, "working_hours") == at("2025-01-29 01:00")


def test_x1_calendar_create_refuses_taken_codes_and_bad_bases(admin):
    with pytest.raises(Conflict):
        services.calendar_create(actor=admin, code="CN", name="again")
    with pytest.raises(NotFound):
        services.calendar_create(actor=admin, code="X1", name="x", base_code="NOPE")
    with pytest.raises(ValidationFailed):
        services.calendar_create(actor=admin, code="X2", name="x", kind="always", base_code="CN")
    with pytest.raises(ValidationFailed):
        services.calendar_create(actor=admin, code="X3", name="x", timezone_name="Mars/Olympus")
    with pytest.raises(ValidationFailed):
        services.calendar_create(actor=admin, code="bad code!", name="x")
    assert WorkCalendar.objects.count() == 2


# --- weekly hours -------------------------------------------------------------------------------


def test_x1_weekly_hours_change(admin):
    calendar = services.calendar_intervals_set(actor=admin, code="CN", intervals=LUNCH_HOURS)
    assert calendar.version == 2
    [event] = _events("workcalendar.hours_changed")
    old, new = event.data["hours"]
    assert old.startswith("1 09:00–18:00; 2 09:00–18:00")
    assert new.startswith("1 09:00–12:00, 13:00–18:00; 2 ")
    assert calendar_compile(calendar).add(at("2025-03-03 11:00"), 2, "working_hours") == at("2025-03-03 14:00")


@pytest.mark.parametrize(
    "intervals",
    [
        [IntervalData(0, dt.time(9), dt.time(12)), IntervalData(0, dt.time(11), dt.time(14))],  # overlap
        [IntervalData(0, dt.time(12), dt.time(9))],  # backwards
        [IntervalData(7, dt.time(9), dt.time(12))],  # no such weekday
    ],
)
def test_x1_invalid_weekly_hours_are_refused(admin, intervals):
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_intervals_set(actor=admin, code="CN", intervals=intervals)
    assert caught.value.code in ("calendar_invalid_hours",)
    assert "intervals" in caught.value.fields
    assert calendar_for_code("CN").version == 1
    assert WorkingInterval.objects.filter(calendar__code="CN").count() == 5


# --- the next year's notice ---------------------------------------------------------------------

HOLIDAYS_2027 = {dt.date(2027, 1, 1): "元旦"} | {dt.date(2027, 2, d): "春节" for d in range(6, 14)}
WORKDAYS_2027 = {dt.date(2027, 2, 20): "春节"}  # a Saturday


def test_x1_enter_next_years_notice_makes_2027_computable(admin):
    with pytest.raises(CalendarDataMissing):
        calendar_compile(calendar_for_code("CN")).add(at("2027-02-05 17:00"), 2, "working_hours")
    year = services.statutory_year_enter(
        actor=admin, code="CN", year=2027, holidays=HOLIDAYS_2027, workdays=WORKDAYS_2027, note="国办发明电〔2026〕1号"
    )
    assert (year.year, year.source, year.note) == (2027, DaySource.ADMIN, "国办发明电〔2026〕1号")
    cn = calendar_for_code("CN")
    assert cn.version == 2
    [event] = _events("workcalendar.year_entered")
    assert event.data == {
        "year": 2027,
        "holidays": 9,
        "workdays": 1,
        "replaced": 0,
        "note": "国办发明电〔2026〕1号",
        "version": 2,
    }
    compiled = calendar_compile(cn)
    # Fri 2027-02-05 17:00 + 2 h: 1 h, off 02-06 … 02-13, Mon 02-15 09:00 + 1 h.
    assert compiled.add(at("2027-02-05 17:00"), 2, "working_hours") == at("2027-02-15 10:00")
    assert compiled.add(at("2027-02-19 10:00"), 1, "working_days") == at("2027-02-20 10:00")  # 调休 Saturday
    assert CalendarDay.objects.filter(calendar=cn, date__year=2027, source=DaySource.ADMIN).count() == 10


def test_x1_re_entering_a_year_replaces_its_days(admin):
    services.statutory_year_enter(
        actor=admin, code="CN", year=2026, holidays={dt.date(2026, 1, 1): "元旦"}, workdays={}
    )
    assert CalendarDay.objects.filter(calendar__code="CN", date__year=2026).count() == 1
    assert StatutoryYear.objects.get(calendar__code="CN", year=2026).source == DaySource.ADMIN
    [event] = _events("workcalendar.year_entered")
    assert event.data["replaced"] == len(package_year(2026).holidays) + len(package_year(2026).workdays)


@pytest.mark.parametrize(
    ("code", "holidays", "workdays", "field"),
    [
        ("CN", {dt.date(2026, 12, 31): "x"}, {}, "holidays"),  # not in 2027
        ("CN", {}, {}, "holidays"),  # no holidays
        ("CN", {dt.date(2027, 1, 1): "元旦"}, {dt.date(2027, 1, 1): "元旦"}, "workdays"),  # both
        ("CN", {dt.date(2027, 1, 1): "元旦"}, {dt.date(2027, 2, 22): "春节"}, "workdays"),  # a Monday
        ("CN", {dt.date(2027, 1, 1): "元" * 65}, {}, "holidays"),
        ("24x7", {dt.date(2027, 1, 1): "元旦"}, {}, None),
    ],
)
def test_x1_invalid_notices_are_refused_and_nothing_changes(admin, code, holidays, workdays, field):
    with pytest.raises(ValidationFailed) as caught:
        services.statutory_year_enter(actor=admin, code=code, year=2027, holidays=holidays, workdays=workdays)
    if field:
        assert field in caught.value.fields
    assert not StatutoryYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not Event.objects.filter(subject_type="calendars.workcalendar").exists()


# --- package loads ------------------------------------------------------------------------------


def test_x1_load_years_from_the_package(admin):
    services.calendar_create(actor=SYSTEM, code="CN2", name="副本", kind="statutory")
    loaded = services.statutory_years_load(actor=SYSTEM, code="CN2", years=[2025])
    assert loaded == [2025]
    data = package_year(2025)
    assert CalendarDay.objects.filter(calendar__code="CN2").count() == len(data.holidays) + len(data.workdays)
    [event] = _events("workcalendar.year_loaded")
    assert event.data["year"] == 2025
    assert event.actor_id is None
    assert services.statutory_years_load(actor=SYSTEM, code="CN2", years=[2025]) == []
    # A refresh keeps what an administrator corrected.
    services.calendar_day_set(actor=admin, code="CN2", date=dt.date(2025, 1, 28), kind="workday", name="值班")
    assert services.statutory_years_load(actor=SYSTEM, code="CN2", years=[2025], refresh=True) == [2025]
    kept = CalendarDay.objects.get(calendar__code="CN2", date=dt.date(2025, 1, 28))
    assert (kept.kind, kept.source) == ("workday", DaySource.ADMIN)
    with pytest.raises(ValidationFailed):
        services.statutory_years_load(actor=SYSTEM, code="CN2", years=[2027])


def test_x1_load_never_overwrites_an_administrators_year(admin):
    services.statutory_year_enter(
        actor=admin, code="CN", year=2026, holidays={dt.date(2026, 1, 1): "元旦"}, workdays={}
    )
    assert services.statutory_years_load(actor=SYSTEM, code="CN", refresh=True) == [
        y for y in package_years() if y != 2026
    ]
    assert CalendarDay.objects.filter(calendar__code="CN", date__year=2026).count() == 1


def test_x1_load_statutory_calendar_command(capsys):
    services.calendar_create(actor=SYSTEM, code="CN3", name="副本", kind="statutory")
    call_command("load_statutory_calendar", "--calendar", "CN3", "--year", "2026")
    assert "loaded into CN3: 2026" in capsys.readouterr().out
    assert list(StatutoryYear.objects.filter(calendar__code="CN3").values_list("year", flat=True)) == [2026]
    call_command("load_statutory_calendar")
    assert "nothing new" in capsys.readouterr().out
