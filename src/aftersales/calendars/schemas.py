"""API schemas for work calendars: strict pydantic inputs, Ninja outputs, and the ISO instant parser."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from aftersales.calendars.models import FIRST_YEAR, LAST_YEAR
from aftersales.core.errors import ValidationFailed

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# "2025-01-27T09:00:00 08:00": a "+" sent unencoded in a query string arrives as a space.
_SPACE_OFFSET = re.compile(r"^(.*T[0-9:.]+) (\d{2}:?\d{2})$")


def parse_instant(value: str, *, field: str) -> dt.datetime:
    """An ISO 8601 date-time with a UTC offset ("2025-01-27T09:00+08:00", "…Z"). Raises: ValidationFailed."""
    text = (value or "").strip()
    match = _SPACE_OFFSET.match(text)
    if match:
        text = f"{match.group(1)}+{match.group(2)}"
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            _("The request data is invalid."),
            fields={field: [_("Enter a date and time in ISO 8601 with an offset, e.g. 2025-01-27T09:00:00+08:00.")]},
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValidationFailed(
            _("The request data is invalid."),
            fields={field: [_("Add the UTC offset, e.g. +08:00 (a time without one is ambiguous).")]},
        )
    if not FIRST_YEAR <= instant.year <= LAST_YEAR:
        raise ValidationFailed(
            _("The request data is invalid."),
            fields={
                field: [_("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}]
            },
        )
    return instant


def parse_iso_date(value: Any) -> dt.date:
    """A date written YYYY-MM-DD within the calendar years; nothing else (no numbers, no booleans)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a calendar date.") % {"value": value}) from None
    else:
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(_("Enter a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    return day


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


# --- outputs ---------------------------------------------------------------------------------------


class IntervalOut(Schema):
    weekday: int  # 0 = Monday
    start: str  # "09:00"
    end: str  # "18:00"; "24:00" = midnight


class CalendarOut(Schema):
    code: str
    name: str
    timezone: str
    kind: str
    base: str | None
    version: int
    intervals: list[IntervalOut]
    statutory_years: list[int]


class DayOut(Schema):
    date: dt.date
    kind: Literal["holiday", "workday"]
    name: str
    source: str
    calendar: str  # the calendar that holds the row (its base when inherited)
    inherited: bool


class AddOut(Schema):
    due: dt.datetime  # ISO 8601 with the calendar's offset
    calendar: str
    calendar_version: int
    explanation: dict[str, Any]


class BetweenOut(Schema):
    seconds: int
    calendar: str
    calendar_version: int
    start: dt.datetime
    end: dt.datetime


class StatutoryYearOut(Schema):
    calendar: str
    year: int
    source: str
    loaded_at: dt.datetime
    note: str


# --- inputs ----------------------------------------------------------------------------------------


class DaySetIn(StrictIn):
    kind: Literal["holiday", "workday"]
    name: str = Field(default="", max_length=64)


class NamedDateIn(StrictIn):
    date: IsoDate
    name: str = Field(default="", max_length=64)


class YearNoticeIn(StrictIn):
    holidays: list[NamedDateIn] = Field(min_length=1, max_length=366)
    workdays: list[NamedDateIn] = Field(default_factory=list, max_length=366)
    note: str = Field(default="", max_length=200)
