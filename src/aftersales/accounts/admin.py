from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from aftersales.accounts.models import ApiToken, Department, Region, ServicePoint, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("aftersales", {"fields": ("display_name", "phone", "department", "service_point", "customer")}),
    )
    list_display = ("username", "display_name", "department", "service_point", "is_active")
    raw_id_fields = ("customer",)


admin.site.register(Region)
admin.site.register(Department)


@admin.register(ServicePoint)
class ServicePointAdmin(admin.ModelAdmin):
    fields = ("code", "name", "kind", "region", "address", "phone", "calendar")
    list_display = ("code", "name", "kind", "region", "calendar")
    list_select_related = ("region", "calendar")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "revoked_at")
    readonly_fields = ("token_hash",)
