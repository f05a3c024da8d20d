"""Work calendars, their weekly hours, exception days (holidays, 调休) and years of official data (X1)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.calendars.choices import CalendarKind, DayKind, DaySource, Weekday
from aftersales.core.models import BaseModel

DEFAULT_TIMEZONE = "Asia/Shanghai"
FIRST_YEAR = 1990
LAST_YEAR = 2199


def validate_timezone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value}) from None


class WorkCalendar(BaseModel):
    """A calendar: time zone, weekly hours, and the exception days of itself and of its base.

    `version` goes up on every change to the calendar or to a calendar it is based on, so a
    deadline can say which calendar data it was computed with.
    """

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", _("Use letters, digits, “-” and “_” only."))],
    )
    name = models.CharField(_("name"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE, validators=[validate_timezone])
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarKind, default=CalendarKind.CUSTOM)
    base = models.ForeignKey(
        "self",
        verbose_name=_("based on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived",
        help_text=_("Holidays and make-up working days are inherited from this calendar."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("work calendar")
        verbose_name_plural = _("work calendars")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("calendars:detail", args=[self.code])

    @property
    def is_statutory(self) -> bool:
        return self.kind == CalendarKind.STATUTORY

    @property
    def is_always(self) -> bool:
        return self.kind == CalendarKind.ALWAYS


class WorkingInterval(BaseModel):
    """One working interval of a weekday, e.g. Monday 09:00–12:00; an end of 00:00 means midnight."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="intervals"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("to"))

    class Meta:
        verbose_name = _("working interval")
        verbose_name_plural = _("working intervals")
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "weekday", "start"], name="interval_calendar_weekday_start"),
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="interval_weekday_range"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")) | models.Q(end=dt.time(0)),
                name="interval_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end_label}"

    @property
    def end_label(self) -> str:
        return "24:00" if self.end == dt.time(0) else f"{self.end:%H:%M}"


class CalendarDay(BaseModel):
    """An exception on one date: a holiday (no work) or a make-up working day (调休)."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16, choices=DayKind)
    name = models.CharField(_("name"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=DaySource, default=DaySource.ADMIN)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendarday_calendar_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class StatutoryYear(BaseModel):
    """A year whose official holidays and make-up days are loaded: computations may use it."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("calendar"), on_delete=models.CASCADE, related_name="statutory_years"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    source = models.CharField(_("source"), max_length=16, choices=DaySource)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("year of official data")
        verbose_name_plural = _("years of official data")
        ordering = ["calendar", "year"]
        constraints = [models.UniqueConstraint(fields=["calendar", "year"], name="statutoryyear_calendar_year")]

    def __str__(self) -> str:
        return f"{self.calendar_id}:{self.year} ({self.source})"
