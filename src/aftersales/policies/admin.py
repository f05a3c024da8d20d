from django.contrib import admin
from django.http import HttpRequest

from aftersales.policies.models import PolicyVersion


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "effective_from", "changed_key", "created_by")

    def has_change_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return False  # versions are changed only through the policies page (policy_set)

    def has_delete_permission(self, request: HttpRequest, obj: PolicyVersion | None = None) -> bool:
        return False
