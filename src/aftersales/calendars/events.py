"""Event names for work calendars, their timeline labels, and one writer per event (X3).

Every event's subject is the calendar, so its timeline shows each change to its hours, days and years.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.calendars.models import WorkCalendar
from aftersales.core.events import event_record, register_action_labels
from aftersales.core.models import Event

CALENDAR_CREATED = "workcalendar.created"
CALENDAR_HOURS_CHANGED = "workcalendar.hours_changed"
CALENDAR_DAY_SET = "workcalendar.day_set"  # a holiday or make-up day added or corrected
CALENDAR_DAY_REMOVED = "workcalendar.day_removed"
CALENDAR_YEAR_ENTERED = "workcalendar.year_entered"  # an administrator entered a year's official notice
CALENDAR_YEAR_LOADED = "workcalendar.year_loaded"  # a year loaded from the chinesecalendar package
CALENDAR_BASE_CHANGED = "workcalendar.base_changed"  # the calendar it is based on changed: new version

register_action_labels(
    {
        CALENDAR_CREATED: _("Calendar created"),
        CALENDAR_HOURS_CHANGED: _("Working hours changed"),
        CALENDAR_DAY_SET: _("Calendar day set"),
        CALENDAR_DAY_REMOVED: _("Calendar day removed"),
        CALENDAR_YEAR_ENTERED: _("Year's official holidays entered"),
        CALENDAR_YEAR_LOADED: _("Year's official holidays loaded"),
        CALENDAR_BASE_CHANGED: _("Base calendar changed"),
    }
)


def _record(calendar: WorkCalendar, action: str, actor: Any, data: dict[str, Any]) -> Event:
    return event_record(
        subject=calendar, action=action, actor=actor, rule="X1", data={"version": calendar.version, **data}
    )


def event_calendar_created(*, calendar: WorkCalendar, actor: Any) -> Event:
    return _record(
        calendar,
        CALENDAR_CREATED,
        actor,
        {"kind": calendar.kind, "timezone": calendar.timezone, "base": calendar.base.code if calendar.base else None},
    )


def event_calendar_hours_changed(*, calendar: WorkCalendar, actor: Any, old: str, new: str) -> Event:
    return _record(calendar, CALENDAR_HOURS_CHANGED, actor, {"hours": [old, new]})


def event_calendar_day_set(
    *, calendar: WorkCalendar, actor: Any, date: str, kind: list[Any], name: list[Any], source: list[Any]
) -> Event:
    return _record(calendar, CALENDAR_DAY_SET, actor, {"date": date, "kind": kind, "name": name, "source": source})


def event_calendar_day_removed(*, calendar: WorkCalendar, actor: Any, date: str, kind: str, name: str) -> Event:
    return _record(calendar, CALENDAR_DAY_REMOVED, actor, {"date": date, "kind": [kind, None], "name": [name, None]})


def event_calendar_year_entered(
    *, calendar: WorkCalendar, actor: Any, year: int, holidays: int, workdays: int, replaced: int, note: str
) -> Event:
    return _record(
        calendar,
        CALENDAR_YEAR_ENTERED,
        actor,
        {"year": year, "holidays": holidays, "workdays": workdays, "replaced": replaced, "note": note},
    )


def event_calendar_year_loaded(
    *, calendar: WorkCalendar, actor: Any, year: int, holidays: int, workdays: int, source: str
) -> Event:
    return _record(
        calendar,
        CALENDAR_YEAR_LOADED,
        actor,
        {"year": year, "holidays": holidays, "workdays": workdays, "source": source},
    )


def event_calendar_base_changed(*, calendar: WorkCalendar, actor: Any, base: str, old_version: int) -> Event:
    return _record(
        calendar, CALENDAR_BASE_CHANGED, actor, {"base": base, "calendar_version": [old_version, calendar.version]}
    )
