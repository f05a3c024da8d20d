"""Kinds of calendars and days, where a day came from, and the units of a duration (X1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarKind(models.TextChoices):
    """How a calendar decides what is working time (values mirror arithmetic.CalendarKind)."""

    # Official holidays and 调休 days; a computation reaching a year without data fails loudly.
    STATUTORY = "statutory", _("Statutory (official holidays)")
    ALWAYS = "always", _("7×24")  # every minute is working time; holidays do not apply
    CUSTOM = "custom", _("Custom")  # own weekly hours; holidays and make-up days of its base calendar, if any


class DayKind(models.TextChoices):
    """An exception to the weekly hours on one date."""

    HOLIDAY = "holiday", _("Holiday")  # no working time that day (public holiday, company closure)
    WORKDAY = "workday", _("Make-up working day")  # 调休: a normally free day that is worked


class DaySource(models.TextChoices):
    """Where an exception day or a year's data came from."""

    PACKAGE = "package", _("chinesecalendar package")  # loaded from the maintained package
    ADMIN = "admin", _("Administrator")  # entered or corrected by an administrator


class DurationUnit(models.TextChoices):
    """Units of a duration; the values are arithmetic.Unit (tests check they agree)."""

    WORKING_MINUTES = "working_minutes", _("working minutes")  # only working intervals count
    WORKING_HOURS = "working_hours", _("working hours")  # only working intervals count
    WORKING_DAYS = "working_days", _("working days")  # N working days later, same time of day, clamped
    HOURS = "hours", _("hours")  # wall-clock hours
    DAYS = "days", _("days")  # calendar days, same local time


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
