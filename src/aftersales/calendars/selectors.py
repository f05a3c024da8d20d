"""Reads of work calendars, and the compiled calendar every deadline is computed on (X1, X2).

Domain code (clocks, service) uses:

* ``calendar_for_code(code)`` — the stored calendar (NotFound if unknown);
* ``calendar_compile(calendar)`` / ``calendar_compiled_for_code(code)`` — an
  ``arithmetic.CompiledCalendar`` for fast, DB-free ``add`` / ``between`` / ``explain_add``;
* ``calendar_add`` / ``calendar_between`` — the same with the pure errors mapped to domain errors
  (``CalendarYearMissing`` 409, ``ValidationFailed`` 422), for interfaces.

Requests go through ``access_calendar(actor, code)`` and ``calendar_list(actor)``.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.calendars.arithmetic import (
    CalendarDataMissing,
    CalendarError,
    CompiledCalendar,
    DayInfo,
    Explanation,
    Unit,
    format_intervals,
)
from aftersales.calendars.choices import CalendarKind, DayKind, Weekday
from aftersales.calendars.errors import CalendarErrorCode, CalendarYearMissing
from aftersales.calendars.models import CalendarDay, StatutoryYear, WorkCalendar, WorkingInterval
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.rows import row_get

VIEW_PERM = "calendars.view_workcalendar"
CHANGE_PERM = "calendars.change_workcalendar"
CN = "CN"  # China statutory calendar (S6 office hours Mon–Fri 09:00–18:00, Asia/Shanghai)
ALWAYS = "24x7"  # the built-in 7×24 calendar
MAX_CHAIN = 8  # base → base → … deeper than this is refused by the services


# ----- finding calendars -----------------------------------------------------------------------


def calendar_scope(actor: Actor) -> QuerySet[WorkCalendar]:
    """Calendars the actor may read: every calendar for staff holding view_workcalendar."""
    if actor.has_perm(VIEW_PERM):
        return WorkCalendar.objects.all()
    return WorkCalendar.objects.none()


def calendar_list(actor: Actor) -> QuerySet[WorkCalendar]:
    """The actor's calendars, by code, with their base and hours loaded."""
    return (
        calendar_scope(actor).select_related("base").prefetch_related("intervals", "statutory_years").order_by("code")
    )


def access_calendar(actor: Actor, code: str, *, for_update: bool = False) -> WorkCalendar:
    """One calendar for a request. Raises: PermissionDenied (no read permission), NotFound (unknown code)."""
    actor.require_perm(VIEW_PERM)
    qs = calendar_scope(actor).select_related("base")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    calendar = qs.filter(code=code).first()
    if calendar is None:
        raise NotFound()
    return calendar


def calendar_for_code(code: str, *, for_update: bool = False) -> WorkCalendar:
    """The calendar with this code, for domain code (no actor). Raises: NotFound."""
    if for_update:
        calendar = WorkCalendar.objects.select_related("base").select_for_update(of=("self",)).filter(code=code).first()
    else:  # by key with core.rows: every clock started reads its calendar (docs/decisions/0004)
        calendar = row_get(WorkCalendar, code=code)
    if calendar is None:
        raise NotFound(_("Unknown calendar “%(code)s”.") % {"code": code})
    return calendar


def calendar_chain(calendar: WorkCalendar) -> list[WorkCalendar]:
    """The calendar, the calendar it is based on, that one's base … (at most MAX_CHAIN)."""
    chain = [calendar]
    seen = {calendar.pk}
    current = calendar
    while current.base_id is not None and len(chain) < MAX_CHAIN:
        base = current.base if WorkCalendar.base.is_cached(current) else None
        if base is None:
            base = row_get(WorkCalendar, pk=current.base_id)
            if base is None:  # deleted under us (PROTECT forbids it): the chain ends here
                break
        if base.pk in seen:
            break
        chain.append(base)
        seen.add(base.pk)
        current = base
    return chain


def calendar_dependants(calendar: WorkCalendar) -> list[WorkCalendar]:
    """Every calendar based on this one, directly or through others (breadth first)."""
    found: list[WorkCalendar] = []
    seen = {calendar.pk}
    frontier = [calendar.pk]
    while frontier:
        children = list(WorkCalendar.objects.filter(base_id__in=frontier).exclude(pk__in=seen).order_by("pk"))
        found.extend(children)
        seen.update(c.pk for c in children)
        frontier = [c.pk for c in children]
    return found


# ----- compiling --------------------------------------------------------------------------------

# A pure cache: the key holds every chain member's (pk, version, updated_at), and services bump the
# version of a calendar and of all its dependants on every change, so an entry never goes stale.
_CACHE: OrderedDict[tuple[object, ...], CompiledCalendar] = OrderedDict()
_CACHE_SIZE = 64
_CACHE_LOCK = threading.Lock()


def calendar_week(calendar: WorkCalendar) -> dict[int, list[tuple[dt.time, dt.time]]]:
    """{weekday: [(start, end), …]} of the calendar's own weekly hours."""
    week: dict[int, list[tuple[dt.time, dt.time]]] = {d: [] for d in range(7)}
    for interval in WorkingInterval.objects.filter(calendar=calendar).order_by("weekday", "start"):
        week[interval.weekday].append((interval.start, interval.end))
    return week


def calendar_covered_years(chain: list[WorkCalendar]) -> frozenset[int] | None:
    """Years with official data: those every statutory calendar of the chain has; None if none is statutory."""
    covered: frozenset[int] | None = None
    for member in chain:
        if member.kind != CalendarKind.STATUTORY:
            continue
        years = frozenset(StatutoryYear.objects.filter(calendar=member).values_list("year", flat=True))
        covered = years if covered is None else covered & years
    return covered


def calendar_compile(calendar: WorkCalendar) -> CompiledCalendar:
    """The calendar ready for arithmetic: own hours, days of the base chain overlaid by its own.

    Cached per chain version. Rule: X1.
    """
    chain = calendar_chain(calendar)
    key = tuple((c.pk, c.version, c.updated_at) for c in chain)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    holidays: dict[dt.date, str] = {}
    workdays: dict[dt.date, str] = {}
    if calendar.kind != CalendarKind.ALWAYS:
        for member in reversed(chain):  # the base first, so a calendar's own days win
            for day, kind, name in CalendarDay.objects.filter(calendar=member).values_list("date", "kind", "name"):
                holidays.pop(day, None)
                workdays.pop(day, None)
                (holidays if kind == DayKind.HOLIDAY else workdays)[day] = name
    compiled = CompiledCalendar(
        timezone=calendar.timezone,
        week=calendar_week(calendar),
        holidays=holidays,
        workdays=workdays,
        covered_years=calendar_covered_years(chain),
        kind=calendar.kind,
        code=calendar.code,
        version=calendar.version,
    )
    with _CACHE_LOCK:
        _CACHE[key] = compiled
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return compiled


def calendar_compiled_for_code(code: str) -> CompiledCalendar:
    """calendar_compile(calendar_for_code(code)). Raises: NotFound."""
    return calendar_compile(calendar_for_code(code))


# ----- computing, with domain errors ---------------------------------------------------------------


def _domain_error(calendar: WorkCalendar, exc: CalendarError) -> Exception:
    if isinstance(exc, CalendarDataMissing):
        return CalendarYearMissing(calendar.code, exc.year)
    if "no working time" in str(exc):
        return ValidationFailed(
            _("Calendar %(code)s has no working time in that period.") % {"code": calendar.code},
            code=CalendarErrorCode.NO_WORKING_TIME,
        )
    return ValidationFailed(
        _("The time is outside what calendar %(code)s can compute.") % {"code": calendar.code},
        code=CalendarErrorCode.OUT_OF_RANGE,
    )


def calendar_add(calendar: WorkCalendar, *, start: dt.datetime, amount: int, unit: Unit | str) -> Explanation:
    """start + amount unit on the calendar, with its explanation (`.result` is the due time).

    Rule: X1, X2. Raises: CalendarYearMissing (409), ValidationFailed (422).
    """
    compiled = calendar_compile(calendar)
    try:
        return compiled.explain_add(start, amount, unit)
    except CalendarError as exc:
        raise _domain_error(calendar, exc) from exc


def calendar_between(calendar: WorkCalendar, *, start: dt.datetime, end: dt.datetime) -> int:
    """Working seconds from start to end on the calendar (negative if end is earlier).

    Rule: X1, X2. Raises: CalendarYearMissing (409), ValidationFailed (422).
    """
    compiled = calendar_compile(calendar)
    try:
        return compiled.between(start, end)
    except CalendarError as exc:
        raise _domain_error(calendar, exc) from exc


# ----- pages and API ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    """An exception day as stored: on the calendar itself or inherited from its base chain."""

    date: dt.date
    kind: str
    name: str
    source: str
    calendar: str  # code of the calendar that holds the row
    inherited: bool

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


def calendar_days(calendar: WorkCalendar, *, year: int | None = None, month: int | None = None) -> list[DayRow]:
    """The exception days in force on the calendar (own rows win over inherited ones), by date."""
    chain = calendar_chain(calendar)
    rows: dict[dt.date, DayRow] = {}
    if calendar.kind == CalendarKind.ALWAYS:
        return []
    for member in reversed(chain):
        qs = CalendarDay.objects.filter(calendar=member)
        if year is not None:
            qs = qs.filter(date__year=year)
        if month is not None:
            qs = qs.filter(date__month=month)
        for day in qs.order_by("date"):
            rows[day.date] = DayRow(
                date=day.date,
                kind=day.kind,
                name=day.name,
                source=day.source,
                calendar=member.code,
                inherited=member.pk != calendar.pk,
            )
    return [rows[d] for d in sorted(rows)]


def statutory_year_list(calendar: WorkCalendar) -> QuerySet[StatutoryYear]:
    return StatutoryYear.objects.filter(calendar=calendar).order_by("year")


def calendar_hours_text(calendar: WorkCalendar) -> list[tuple[str, str]]:
    """[(weekday label, "09:00–12:00, 13:00–18:00"), …] Monday first; "" for a day without hours."""
    if calendar.kind == CalendarKind.ALWAYS:
        return [(str(label), "00:00–24:00") for _value, label in Weekday.choices]
    compiled = calendar_compile(calendar)
    return [(str(label), format_intervals(compiled.week[value])) for value, label in Weekday.choices]


def statutory_years_missing(calendar: WorkCalendar, *, through: dt.date | None = None) -> list[int]:
    """Years from this year through `through` (default: the end of next year) without official data.

    Empty for calendars that do not depend on a statutory calendar. Used to warn administrators
    before the year turns (the State Council publishes the next year's notice each November).
    """
    covered = calendar_covered_years(calendar_chain(calendar))
    if covered is None:
        return []
    today = timezone.localdate()
    last = (through or dt.date(today.year + 1, 12, 31)).year
    return [year for year in range(today.year, last + 1) if year not in covered]


@dataclass(frozen=True)
class MonthCell:
    info: DayInfo
    in_month: bool
    is_today: bool
    row: DayRow | None  # the stored exception of this date, if any


@dataclass(frozen=True)
class MonthView:
    calendar: WorkCalendar
    year: int
    month: int
    weeks: list[list[MonthCell]]
    rows: list[DayRow]  # this month's exception days
    covered: bool  # the month's year has official data (always True for calendars without that notion)
    previous: tuple[int, int]
    next: tuple[int, int]

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)


def calendar_month(calendar: WorkCalendar, *, year: int, month: int) -> MonthView:
    """The month grid (Monday first) with each day's type, name and hours, for the month page."""
    compiled = calendar_compile(calendar)
    rows = calendar_days(calendar, year=year, month=month)
    by_date = {r.date: r for r in rows}
    today = timezone.localdate()
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                MonthCell(
                    info=compiled.day(day), in_month=day.month == month, is_today=day == today, row=by_date.get(day)
                )
                for day in week
            ]
        )
    covered = compiled.covered_years is None or year in compiled.covered_years
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return MonthView(
        calendar=calendar,
        year=year,
        month=month,
        weeks=weeks,
        rows=rows,
        covered=covered,
        previous=previous,
        next=following,
    )
