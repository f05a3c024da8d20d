"""Calendars in the Django admin are read-only: changes go through the calendar pages (services)."""

from typing import Any

from django.contrib import admin

from aftersales.calendars.models import CalendarDay, StatutoryYear, WorkCalendar, WorkingInterval


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class WorkingIntervalInline(admin.TabularInline):
    model = WorkingInterval
    extra = 0
    can_delete = False

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(WorkCalendar)
class WorkCalendarAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "timezone", "base", "version")
    inlines = [WorkingIntervalInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("calendar", "date", "kind", "name", "source")
    list_filter = ("calendar", "kind", "source")
    date_hierarchy = "date"


@admin.register(StatutoryYear)
class StatutoryYearAdmin(ReadOnlyAdmin):
    list_display = ("calendar", "year", "source", "loaded_at", "note")
    list_filter = ("calendar", "source")
