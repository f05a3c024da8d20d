"""Calendars API: read calendars and their days, compute due times and working time (X1, X2);
administrators correct days and enter a year's official notice."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import actor_for
from aftersales.calendars import selectors, services
from aftersales.calendars.arithmetic import Unit
from aftersales.calendars.models import WorkCalendar
from aftersales.calendars.schemas import (
    AddOut,
    BetweenOut,
    CalendarOut,
    DayOut,
    DaySetIn,
    StatutoryYearOut,
    YearNoticeIn,
    parse_instant,
)
from aftersales.core.errors import ValidationFailed

router = Router(tags=["calendars"])
ERRORS = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
MAX_AMOUNT = 100_000


def _calendar_out(calendar: WorkCalendar) -> dict[str, object]:
    return {
        "code": calendar.code,
        "name": calendar.name,
        "timezone": calendar.timezone,
        "kind": calendar.kind,
        "base": calendar.base.code if calendar.base else None,
        "version": calendar.version,
        "intervals": [
            {"weekday": i.weekday, "start": f"{i.start:%H:%M}", "end": i.end_label}
            for i in sorted(calendar.intervals.all(), key=lambda i: (i.weekday, i.start))
        ],
        "statutory_years": sorted(s.year for s in calendar.statutory_years.all()),
    }


@router.get("/calendars", response={200: list[CalendarOut], **ERRORS}, url_name="calendar_list")
def calendar_list(request: HttpRequest) -> object:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    actor.require_perm(selectors.VIEW_PERM)
    return [_calendar_out(c) for c in selectors.calendar_list(actor)]


@router.get("/calendars/{code}", response={200: CalendarOut, **ERRORS}, url_name="calendar_detail")
def calendar_detail(request: HttpRequest, code: str) -> object:
    return _calendar_out(selectors.access_calendar(actor_for(request.auth), code))  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth


@router.get("/calendars/{code}/add", response={200: AddOut, **ERRORS}, url_name="calendar_add")
def calendar_add(
    request: HttpRequest,
    code: str,
    unit: Unit,
    start: str = Query(..., description="ISO 8601 with offset, e.g. 2025-01-27T09:00:00+08:00"),
    amount: int = Query(..., ge=0, le=MAX_AMOUNT),
) -> object:
    """The due time `start` + `amount` `unit` on the calendar, and why (X2)."""
    calendar = selectors.access_calendar(actor_for(request.auth), code)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    explanation = selectors.calendar_add(calendar, start=parse_instant(start, field="start"), amount=amount, unit=unit)
    return {
        "due": explanation.result,
        "calendar": calendar.code,
        "calendar_version": calendar.version,
        "explanation": explanation.as_dict(),
    }


@router.get("/calendars/{code}/between", response={200: BetweenOut, **ERRORS}, url_name="calendar_between")
def calendar_between(
    request: HttpRequest,
    code: str,
    start: str = Query(..., description="ISO 8601 with offset"),
    end: str = Query(..., description="ISO 8601 with offset"),
) -> object:
    """Working seconds from `start` to `end` on the calendar (negative if `end` is earlier)."""
    calendar = selectors.access_calendar(actor_for(request.auth), code)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    first = parse_instant(start, field="start")
    last = parse_instant(end, field="end")
    seconds = selectors.calendar_between(calendar, start=first, end=last)
    return {
        "seconds": seconds,
        "calendar": calendar.code,
        "calendar_version": calendar.version,
        "start": first,
        "end": last,
    }


@router.get("/calendars/{code}/days", response={200: list[DayOut], **ERRORS}, url_name="calendar_days")
def calendar_days(request: HttpRequest, code: str, year: int = Query(..., ge=1990, le=2199)) -> object:
    """The holidays and make-up working days in force in `year` (own and inherited)."""
    calendar = selectors.access_calendar(actor_for(request.auth), code)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    return selectors.calendar_days(calendar, year=year)


@router.put("/calendars/{code}/days/{day}", response={200: DayOut, **ERRORS}, url_name="calendar_day_set")
def calendar_day_set(request: HttpRequest, code: str, day: dt.date, payload: DaySetIn) -> object:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    calendar = selectors.access_calendar(actor, code)
    row = services.calendar_day_set(actor=actor, code=calendar.code, date=day, kind=payload.kind, name=payload.name)
    return {
        "date": row.date,
        "kind": row.kind,
        "name": row.name,
        "source": row.source,
        "calendar": calendar.code,
        "inherited": False,
    }


@router.delete("/calendars/{code}/days/{day}", response={204: None, **ERRORS}, url_name="calendar_day_remove")
def calendar_day_remove(request: HttpRequest, code: str, day: dt.date) -> object:
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    calendar = selectors.access_calendar(actor, code)
    services.calendar_day_remove(actor=actor, code=calendar.code, date=day)
    return Status(204, None)


@router.put(
    "/calendars/{code}/years/{year}", response={200: StatutoryYearOut, **ERRORS}, url_name="calendar_year_enter"
)
def calendar_year_enter(request: HttpRequest, code: str, year: int, payload: YearNoticeIn) -> object:
    """Enter a year's official notice: every holiday and make-up working day of that year."""
    actor = actor_for(request.auth)  # type: ignore[attr-defined]  # django-ninja's auth sets request.auth
    calendar = selectors.access_calendar(actor, code)
    holidays = {d.date: d.name for d in payload.holidays}
    workdays = {d.date: d.name for d in payload.workdays}
    if len(holidays) != len(payload.holidays) or len(workdays) != len(payload.workdays):
        raise ValidationFailed(fields={"holidays": [_("A date is listed twice.")]})
    row = services.statutory_year_enter(
        actor=actor, code=calendar.code, year=year, holidays=holidays, workdays=workdays, note=payload.note
    )
    return {
        "calendar": calendar.code,
        "year": row.year,
        "source": row.source,
        "loaded_at": row.loaded_at,
        "note": row.note,
    }
