"""Writes of work calendars: create, weekly hours, exception days, a year's official notice, package loads (X1).

Every change bumps the version of the calendar and of every calendar based on it (their effective
days changed too), and records one event per calendar, so clocks can tell which data a deadline
was computed with and recompute running ones (X2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars import events
from aftersales.calendars.arithmetic import normalise_intervals
from aftersales.calendars.choices import CalendarKind, DayKind, DaySource
from aftersales.calendars.errors import CalendarErrorCode
from aftersales.calendars.models import (
    DEFAULT_TIMEZONE,
    FIRST_YEAR,
    LAST_YEAR,
    CalendarDay,
    StatutoryYear,
    WorkCalendar,
    WorkingInterval,
)
from aftersales.calendars.selectors import (
    CHANGE_PERM,
    CN,
    MAX_CHAIN,
    calendar_chain,
    calendar_dependants,
    calendar_for_code,
)
from aftersales.calendars.statutory import package_version, package_year, package_years
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, NotFound, ValidationFailed, full_clean

ADD_PERM = "calendars.add_workcalendar"
NAME_MAX = 64


@dataclass(frozen=True)
class IntervalData:
    """One weekly working interval; an end of 00:00 means midnight (24:00)."""

    weekday: int  # 0 = Monday … 6 = Sunday
    start: dt.time
    end: dt.time


# S6 office hours: Monday to Friday, 09:00–18:00.
OFFICE_HOURS: tuple[IntervalData, ...] = tuple(IntervalData(d, dt.time(9), dt.time(18)) for d in range(5))


def _require(actor: Actor, perm: str) -> None:
    """Management commands act as core.access.SYSTEM; everyone else needs the permission."""
    if actor.has_role("system"):
        return
    actor.require_perm(perm)


def _lock(code: str) -> WorkCalendar:
    return calendar_for_code(code, for_update=True)


def _version_bump(calendar: WorkCalendar, *, actor: Actor) -> None:
    """version + 1 on the calendar and on every calendar based on it (one event each for those)."""
    now = timezone.now()
    WorkCalendar.objects.filter(pk=calendar.pk).update(version=F("version") + 1, updated_at=now)
    calendar.refresh_from_db(fields=["version", "updated_at"])
    for dependant in calendar_dependants(calendar):
        old = dependant.version
        WorkCalendar.objects.filter(pk=dependant.pk).update(version=F("version") + 1, updated_at=now)
        dependant.refresh_from_db(fields=["version", "updated_at"])
        events.event_calendar_base_changed(calendar=dependant, actor=actor, base=calendar.code, old_version=old)


def _intervals_clean(intervals: Iterable[IntervalData]) -> list[IntervalData]:
    """Valid weekdays, start before end, no overlap within a weekday. Raises: ValidationFailed."""
    rows = sorted(intervals, key=lambda i: (i.weekday, i.start))
    problems: list[str] = []
    for interval in rows:
        if not 0 <= interval.weekday <= 6:
            problems.append(_("A weekday is a number from 0 (Monday) to 6 (Sunday)."))
        elif interval.end != dt.time(0) and interval.end <= interval.start:
            problems.append(
                _("%(start)s–%(end)s: the end must be after the start.")
                % {"start": f"{interval.start:%H:%M}", "end": f"{interval.end:%H:%M}"}
            )
    for previous, current in zip(rows, rows[1:], strict=False):
        if previous.weekday != current.weekday:
            continue
        previous_end = dt.time.max if previous.end == dt.time(0) else previous.end
        if current.start < previous_end:
            problems.append(
                _("%(a)s and %(b)s overlap.")
                % {
                    "a": f"{previous.start:%H:%M}–{previous.end:%H:%M}",
                    "b": f"{current.start:%H:%M}–{current.end:%H:%M}",
                }
            )
    if problems:
        raise ValidationFailed(problems[0], code=CalendarErrorCode.INVALID_HOURS, fields={"intervals": problems})
    return rows


def _hours_text(intervals: Iterable[IntervalData]) -> str:
    """ "1 09:00–12:00, 13:00–18:00; 2 …" (ISO weekday numbers) for events."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for interval in intervals:
        by_day.setdefault(interval.weekday, []).append((interval.start, interval.end))
    parts = []
    for weekday in sorted(by_day):
        spans = normalise_intervals(by_day[weekday])
        text = ", ".join(f"{s // 3600:02d}:{s // 60 % 60:02d}–{e // 3600:02d}:{e // 60 % 60:02d}" for s, e in spans)
        parts.append(f"{weekday + 1} {text}")
    return "; ".join(parts)


def _current_intervals(calendar: WorkCalendar) -> list[IntervalData]:
    return [
        IntervalData(i.weekday, i.start, i.end)
        for i in WorkingInterval.objects.filter(calendar=calendar).order_by("weekday", "start")
    ]


def _check_date(day: dt.date, field: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationFailed(
            _("Enter a date between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            fields={field: [_("Out of range.")]},
        )


# ----- calendars -----------------------------------------------------------------------------------


@transaction.atomic
def calendar_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str = CalendarKind.CUSTOM,
    timezone_name: str = DEFAULT_TIMEZONE,
    base_code: str | None = None,
    intervals: Iterable[IntervalData] = OFFICE_HOURS,
    notes: str = "",
) -> WorkCalendar:
    """Create a calendar (e.g. a service point's, based on CN; a contract's 7×24), with its weekly hours.

    Rule: X1. Raises: PermissionDenied, Conflict (code taken), NotFound (base), ValidationFailed.
    Events: workcalendar.created.
    """
    _require(actor, ADD_PERM)
    code = (code or "").strip()
    if WorkCalendar.objects.filter(code=code).exists():
        raise Conflict(
            _("A calendar with code “%(code)s” already exists.") % {"code": code},
            code=CalendarErrorCode.CODE_TAKEN,
            fields={"code": [_("This code is taken.")]},
        )
    base = calendar_for_code(base_code) if base_code else None
    if base is not None and kind == CalendarKind.ALWAYS:
        raise ValidationFailed(
            _("A 7×24 calendar has no holidays to inherit."),
            code=CalendarErrorCode.BASE_INVALID,
            fields={"base": [_("Leave empty for a 7×24 calendar.")]},
        )
    if base is not None and len(calendar_chain(base)) >= MAX_CHAIN:
        raise ValidationFailed(
            _("Calendars may be based on each other at most %(n)s levels deep.") % {"n": MAX_CHAIN},
            code=CalendarErrorCode.BASE_INVALID,
            fields={"base": [_("Too deep.")]},
        )
    rows = [] if kind == CalendarKind.ALWAYS else _intervals_clean(intervals)
    calendar = WorkCalendar(
        code=code, name=(name or "").strip(), kind=kind, timezone=timezone_name, base=base, notes=notes.strip()
    )
    full_clean(calendar)
    calendar.save()
    WorkingInterval.objects.bulk_create(
        [WorkingInterval(calendar=calendar, weekday=i.weekday, start=i.start, end=i.end) for i in rows]
    )
    events.event_calendar_created(calendar=calendar, actor=actor)
    return calendar


@transaction.atomic
def calendar_intervals_set(*, actor: Actor, code: str, intervals: Iterable[IntervalData]) -> WorkCalendar:
    """Replace the weekly working hours (several intervals per weekday, e.g. a lunch break).

    Rule: X1. Raises: PermissionDenied, NotFound, ValidationFailed. Events: workcalendar.hours_changed,
    workcalendar.base_changed (each dependant calendar).
    """
    _require(actor, CHANGE_PERM)
    calendar = _lock(code)
    if calendar.kind == CalendarKind.ALWAYS:
        raise ValidationFailed(
            _("A 7×24 calendar is always open; it has no weekly hours."),
            code=CalendarErrorCode.INVALID_HOURS,
            fields={"intervals": [_("Not used by 7×24 calendars.")]},
        )
    rows = _intervals_clean(intervals)
    old = _hours_text(_current_intervals(calendar))
    new = _hours_text(rows)
    if old == new:
        return calendar
    WorkingInterval.objects.filter(calendar=calendar).delete()
    WorkingInterval.objects.bulk_create(
        [WorkingInterval(calendar=calendar, weekday=i.weekday, start=i.start, end=i.end) for i in rows]
    )
    _version_bump(calendar, actor=actor)
    events.event_calendar_hours_changed(calendar=calendar, actor=actor, old=old, new=new)
    return calendar


# ----- exception days ------------------------------------------------------------------------------


@transaction.atomic
def calendar_day_set(*, actor: Actor, code: str, date: dt.date, kind: str, name: str = "") -> CalendarDay:
    """Add or correct one exception day: a holiday, or a make-up working day (调休).

    The row becomes administrator-sourced. Rule: X1. Raises: PermissionDenied, NotFound,
    ValidationFailed. Events: workcalendar.day_set, workcalendar.base_changed (dependants).
    """
    _require(actor, CHANGE_PERM)
    calendar = _lock(code)
    if calendar.kind == CalendarKind.ALWAYS:
        raise ValidationFailed(
            _("A 7×24 calendar has no holidays or make-up days."), fields={"date": [_("Not used by 7×24 calendars.")]}
        )
    if kind not in DayKind.values:
        raise ValidationFailed(_("Choose holiday or make-up working day."), fields={"kind": [_("Unknown kind.")]})
    _check_date(date, "date")
    name = (name or "").strip()
    day = CalendarDay.objects.filter(calendar=calendar, date=date).first()
    before = (day.kind, day.name, day.source) if day else (None, None, None)
    if day is not None and before == (kind, name, DaySource.ADMIN):
        return day
    if day is None:
        day = CalendarDay(calendar=calendar, date=date)
    day.kind, day.name, day.source = kind, name, DaySource.ADMIN
    full_clean(day, validate_constraints=False)
    if day.pk is None:
        day.save()
    else:
        day.save(update_fields=["kind", "name", "source", "updated_at"])
    _version_bump(calendar, actor=actor)
    events.event_calendar_day_set(
        calendar=calendar,
        actor=actor,
        date=date.isoformat(),
        kind=[before[0], kind],
        name=[before[1], name],
        source=[before[2], DaySource.ADMIN.value],
    )
    return day


@transaction.atomic
def calendar_day_remove(*, actor: Actor, code: str, date: dt.date) -> WorkCalendar:
    """Remove one exception day of the calendar itself (the weekly hours apply again that day).

    Rule: X1. Raises: PermissionDenied, NotFound (no such day on this calendar; inherited days are
    changed on their own calendar or overridden here). Events: workcalendar.day_removed,
    workcalendar.base_changed (dependants).
    """
    _require(actor, CHANGE_PERM)
    calendar = _lock(code)
    day = CalendarDay.objects.filter(calendar=calendar, date=date).first()
    if day is None:
        raise NotFound(_("Calendar %(code)s has no exception on %(date)s.") % {"code": code, "date": date.isoformat()})
    kind, name = day.kind, day.name
    day.delete()
    _version_bump(calendar, actor=actor)
    events.event_calendar_day_removed(calendar=calendar, actor=actor, date=date.isoformat(), kind=kind, name=name)
    return calendar


# ----- official years ------------------------------------------------------------------------------


def _named_days_check(
    calendar: WorkCalendar, year: int, holidays: Mapping[dt.date, str], workdays: Mapping[dt.date, str]
) -> None:
    fields: dict[str, list[str]] = {}
    for field, days in (("holidays", holidays), ("workdays", workdays)):
        outside = sorted(d for d in days if d.year != year)
        if outside:
            fields.setdefault(field, []).append(
                _("Not in %(year)s: %(dates)s.") % {"year": year, "dates": ", ".join(d.isoformat() for d in outside)}
            )
        long_names = sorted(d for d, n in days.items() if len(n or "") > NAME_MAX)
        if long_names:
            fields.setdefault(field, []).append(
                _("Names are at most %(n)s characters: %(dates)s.")
                % {"n": NAME_MAX, "dates": ", ".join(d.isoformat() for d in long_names)}
            )
    if not holidays:
        fields.setdefault("holidays", []).append(_("Enter the year's holidays."))
    both = sorted(set(holidays) & set(workdays))
    if both:
        fields.setdefault("workdays", []).append(
            _("Both a holiday and a make-up working day: %(dates)s.")
            % {"dates": ", ".join(d.isoformat() for d in both)}
        )
    weekly = {i.weekday for i in WorkingInterval.objects.filter(calendar=calendar)}
    already = sorted(d for d in workdays if d.weekday() in weekly)
    if already:
        fields.setdefault("workdays", []).append(
            _("Already working days by the weekly hours: %(dates)s.")
            % {"dates": ", ".join(d.isoformat() for d in already)}
        )
    if fields:
        first = next(iter(fields.values()))[0]
        raise ValidationFailed(first, fields=fields)


@transaction.atomic
def statutory_year_enter(
    *,
    actor: Actor,
    code: str,
    year: int,
    holidays: Mapping[dt.date, str],
    workdays: Mapping[dt.date, str],
    note: str = "",
) -> StatutoryYear:
    """Enter a year's official notice (published each November): its holidays and 调休 make-up days.

    Replaces every exception day of that year on the calendar and marks the year as
    administrator-sourced, so computations may now reach into it. Rule: X1. Raises:
    PermissionDenied, NotFound, ValidationFailed (not statutory, dates outside the year, overlap).
    Events: workcalendar.year_entered, workcalendar.base_changed (dependants).
    """
    _require(actor, CHANGE_PERM)
    calendar = _lock(code)
    if calendar.kind != CalendarKind.STATUTORY:
        raise ValidationFailed(
            _("Only statutory calendars hold official years; change single days instead."),
            code=CalendarErrorCode.NOT_STATUTORY,
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationFailed(
            _("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            fields={"year": [_("Out of range.")]},
        )
    holidays = {d: (n or "").strip() for d, n in holidays.items()}
    workdays = {d: (n or "").strip() for d, n in workdays.items()}
    _named_days_check(calendar, year, holidays, workdays)
    replaced, _detail = CalendarDay.objects.filter(calendar=calendar, date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [
            CalendarDay(calendar=calendar, date=d, kind=DayKind.HOLIDAY, name=n, source=DaySource.ADMIN)
            for d, n in sorted(holidays.items())
        ]
        + [
            CalendarDay(calendar=calendar, date=d, kind=DayKind.WORKDAY, name=n, source=DaySource.ADMIN)
            for d, n in sorted(workdays.items())
        ]
    )
    statutory, _created = StatutoryYear.objects.update_or_create(
        calendar=calendar,
        year=year,
        defaults={"source": DaySource.ADMIN, "loaded_at": timezone.now(), "note": (note or "").strip()[:200]},
    )
    _version_bump(calendar, actor=actor)
    events.event_calendar_year_entered(
        calendar=calendar,
        actor=actor,
        year=year,
        holidays=len(holidays),
        workdays=len(workdays),
        replaced=replaced,
        note=statutory.note,
    )
    return statutory


@transaction.atomic
def statutory_years_load(
    *, actor: Actor, code: str = CN, years: Iterable[int] | None = None, refresh: bool = False
) -> list[int]:
    """Load official years from the chinesecalendar package into a statutory calendar.

    Years already loaded are skipped unless `refresh`; a refresh replaces the package's rows of
    that year but keeps the days and years an administrator entered (they win). Returns the years
    loaded. Rule: X1. Raises: PermissionDenied, NotFound, ValidationFailed (not statutory, a year
    the package does not cover). Events: workcalendar.year_loaded (one per year),
    workcalendar.base_changed (dependants).
    """
    _require(actor, CHANGE_PERM)
    calendar = _lock(code)
    if calendar.kind != CalendarKind.STATUTORY:
        raise ValidationFailed(_("Only statutory calendars hold official years."), code=CalendarErrorCode.NOT_STATUTORY)
    available = package_years()
    wanted = sorted(set(years)) if years is not None else available
    unknown = [y for y in wanted if y not in available]
    if unknown:
        raise ValidationFailed(
            _("%(package)s has no data for %(years)s.")
            % {"package": package_version(), "years": ", ".join(str(y) for y in unknown)},
            fields={"years": [str(y) for y in unknown]},
        )
    existing = {s.year: s for s in StatutoryYear.objects.filter(calendar=calendar, year__in=wanted)}
    loaded: list[int] = []
    for year in wanted:
        present = existing.get(year)
        if present is not None and (present.source == DaySource.ADMIN or not refresh):
            continue
        data = package_year(year)
        CalendarDay.objects.filter(calendar=calendar, date__year=year, source=DaySource.PACKAGE).delete()
        admin_days = set(CalendarDay.objects.filter(calendar=calendar, date__year=year).values_list("date", flat=True))
        CalendarDay.objects.bulk_create(
            [
                CalendarDay(calendar=calendar, date=d, kind=kind, name=n, source=DaySource.PACKAGE)
                for kind, days in ((DayKind.HOLIDAY, data.holidays), (DayKind.WORKDAY, data.workdays))
                for d, n in days.items()
                if d not in admin_days
            ]
        )
        StatutoryYear.objects.update_or_create(
            calendar=calendar,
            year=year,
            defaults={"source": DaySource.PACKAGE, "loaded_at": timezone.now(), "note": package_version()},
        )
        loaded.append(year)
    if loaded:
        _version_bump(calendar, actor=actor)
        for year in loaded:
            data = package_year(year)
            events.event_calendar_year_loaded(
                calendar=calendar,
                actor=actor,
                year=year,
                holidays=len(data.holidays),
                workdays=len(data.workdays),
                source=package_version(),
            )
    return loaded
