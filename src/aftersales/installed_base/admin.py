"""Django admin: products and substitute equipment are written through the services; the rest is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from aftersales.accounts.selectors import actor_for
from aftersales.installed_base import services
from aftersales.installed_base.models import (
    Product,
    ServiceContract,
    SubstituteEquipment,
    SubstituteLoan,
    Unit,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference; changes go through the pages and the API (services, events)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("model", "name", "category", "warranty_months")
    search_fields = ("model", "name")
    list_filter = ("category",)
    fields = ("model", "name", "spec", "category", "warranty_months")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        actor = actor_for(request.user)
        values = {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS}
        if change:
            saved = services.product_update(actor=actor, product_id=obj.pk, **values)
        else:
            saved = services.product_create(actor=actor, **values)
        obj.pk = saved.pk


@admin.register(SubstituteEquipment)
class SubstituteEquipmentAdmin(admin.ModelAdmin):
    list_display = ("code", "product", "serial")
    search_fields = ("code", "serial")
    fields = ("code", "product", "serial")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: SubstituteEquipment, form: Any, change: bool) -> None:
        saved = services.substitute_equipment_create(
            actor=actor_for(request.user),
            code=form.cleaned_data["code"],
            product_id=form.cleaned_data["product"].pk,
            serial=form.cleaned_data["serial"],
        )
        obj.pk = saved.pk


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("serial", "product", "customer", "acceptance_date", "production_date")
    search_fields = ("serial",)
    list_select_related = ("product", "customer")
    raw_id_fields = ("customer",)


@admin.register(ServiceContract)
class ServiceContractAdmin(ReadOnlyAdmin):
    list_display = ("number", "customer", "start_date", "end_date", "cover")
    search_fields = ("number",)
    list_select_related = ("customer",)


@admin.register(SubstituteLoan)
class SubstituteLoanAdmin(ReadOnlyAdmin):
    list_display = ("equipment", "customer", "lent_on", "expected_return", "returned_on")
    list_select_related = ("equipment__product", "customer")
