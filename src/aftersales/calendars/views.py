"""Calendar pages: the list, a month view with its exception days, and the year's official notice (X1)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.calendars import selectors, services
from aftersales.calendars.forms import DayForm, YearNoticeForm, days_as_lines
from aftersales.calendars.models import FIRST_YEAR, LAST_YEAR, WorkCalendar
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.selectors import event_list_for

VIEW = selectors.VIEW_PERM
CHANGE = selectors.CHANGE_PERM


def _check_month(year: int, month: int) -> None:
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise Http404


@login_required
@permission_required(VIEW, raise_exception=True)
def calendar_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    rows = [
        {
            "calendar": calendar,
            "years": [s.year for s in calendar.statutory_years.all()],
            "missing": selectors.statutory_years_missing(calendar),
        }
        for calendar in selectors.calendar_list(actor)
    ]
    return render(
        request,
        "calendars/list.html",
        {"rows": rows, "today": timezone.localdate(), "can_change": actor.has_perm(CHANGE)},
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def calendar_detail(request: HttpRequest, code: str) -> HttpResponse:
    calendar = selectors.access_calendar(actor_for(request.user), code)
    today = timezone.localdate()
    return redirect("calendars:month", calendar.code, today.year, today.month)


def _month_page(
    request: HttpRequest, calendar: WorkCalendar, year: int, month: int, form: DayForm | None
) -> HttpResponse:
    actor = actor_for(request.user)
    view = selectors.calendar_month(calendar, year=year, month=month)
    return render(
        request,
        "calendars/month.html",
        {
            "calendar": calendar,
            "view": view,
            "hours": selectors.calendar_hours_text(calendar),
            "years": selectors.statutory_year_list(calendar),
            "missing": selectors.statutory_years_missing(calendar),
            "can_change": actor.has_perm(CHANGE),
            "form": form,
            "events": event_list_for(calendar, limit=20),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def calendar_month(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    """GET: the month grid. POST (administrators): add or correct one exception day."""
    _check_month(year, month)
    actor = actor_for(request.user)
    calendar = selectors.access_calendar(actor, code)
    can_change = actor.has_perm(CHANGE)
    form: DayForm | None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = DayForm(request.POST)
        if form.is_valid():
            try:
                services.calendar_day_set(
                    actor=actor,
                    code=calendar.code,
                    date=form.cleaned_data["date"],
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                day = form.cleaned_data["date"]
                messages.success(request, _("%(date)s saved.") % {"date": day.isoformat()})
                return redirect("calendars:month", calendar.code, day.year, day.month)
        return _month_page(request, calendar, year, month, form)
    form = DayForm(initial={"date": dt.date(year, month, 1)}) if can_change and not calendar.is_always else None
    return _month_page(request, calendar, year, month, form)


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def calendar_day_remove(request: HttpRequest, code: str, date: str) -> HttpResponse:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        raise Http404 from None
    actor = actor_for(request.user)
    calendar = selectors.access_calendar(actor, code)
    try:
        services.calendar_day_remove(actor=actor, code=calendar.code, date=day)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("%(date)s removed: the weekly hours apply again.") % {"date": day.isoformat()})
    return redirect("calendars:month", calendar.code, day.year, day.month)


@login_required
@permission_required(CHANGE, raise_exception=True)
def statutory_year_notice(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Enter (or correct) a year's official holidays and make-up working days."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404
    actor = actor_for(request.user)
    calendar = selectors.access_calendar(actor, code)
    if not calendar.is_statutory:
        raise Http404
    own = [r for r in selectors.calendar_days(calendar, year=year) if not r.inherited]
    initial = {
        "holidays": days_as_lines((r.date, r.name) for r in own if r.kind == "holiday"),
        "workdays": days_as_lines((r.date, r.name) for r in own if r.kind == "workday"),
    }
    current = selectors.statutory_year_list(calendar).filter(year=year).first()
    if current is not None:
        initial["note"] = current.note
    form = YearNoticeForm(request.POST or None, initial=initial, year=year)
    if request.method == "POST" and form.is_valid():
        try:
            services.statutory_year_enter(
                actor=actor,
                code=calendar.code,
                year=year,
                holidays=form.cleaned_data["holidays"],
                workdays=form.cleaned_data["workdays"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("The official holidays of %(year)s are saved.") % {"year": year})
            return redirect("calendars:month", calendar.code, year, 1)
    return render(
        request,
        "calendars/year_notice.html",
        {"calendar": calendar, "year": year, "form": form, "current": current},
    )
