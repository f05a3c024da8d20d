"""Approvals in the admin: read-only (decisions go through the engine and its pages)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.approvals.models import Approval


@admin.register(Approval)
class ApprovalAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "subject_label", "amount", "rule", "required_role", "state", "created_at")
    list_filter = ("kind", "state", "rule")
    search_fields = ("subject_label",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
