"""Read-only admin for ratings: they are written only by followup.services.rating_create."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.followup.models import ServiceRating


@admin.register(ServiceRating)
class ServiceRatingAdmin(admin.ModelAdmin):
    list_display = [
        "request",
        "engineer",
        "attitude",
        "skill",
        "arrival_time",
        "promises_kept",
        "channel",
        "created_at",
    ]
    list_filter = ["channel", "attitude", "skill", "arrival_time", "promises_kept"]
    list_select_related = ["request", "engineer"]
    search_fields = ["request__number", "engineer__username"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
