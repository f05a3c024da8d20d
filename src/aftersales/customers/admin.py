"""Read-only admin for customer files: every change goes through the pages, the API and the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.customers.models import Contact, Customer, CustomerAccessRequest


class ReadOnlyAdminMixin:
    """Shows rows; adding, changing and deleting belong to customers.services (C4 history)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ContactInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "title", "phone", "email", "is_primary"]


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "key_account", "confidential", "owner", "updated_at"]
    list_filter = ["kind", "key_account", "confidential", "region"]
    search_fields = ["code", "name"]
    list_select_related = ["region", "owner"]
    show_full_result_count = False
    inlines = [ContactInline]


@admin.register(CustomerAccessRequest)
class CustomerAccessRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["customer", "requester", "status", "decided_by", "decided_at", "expires_at"]
    list_filter = ["status"]
    list_select_related = ["customer", "requester", "decided_by"]
    search_fields = ["customer__name", "customer__code", "requester__username"]
