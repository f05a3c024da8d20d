from django.contrib import admin
from django.http import HttpRequest

from aftersales.clocks.models import Clock, ClockSegment


class SegmentInline(admin.TabularInline):
    model = ClockSegment
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "started_at", "ended_at", "reason"]


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks change only through clocks.services and the sweep."""

    list_display = ["kind", "subject_type", "subject_id", "state", "due_at", "outcome", "escalation_level"]
    list_filter = ["kind", "state", "outcome", "calendar_code"]
    readonly_fields = [f.name for f in Clock._meta.fields]
    inlines = [SegmentInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Clock | None = None) -> bool:
        return False
