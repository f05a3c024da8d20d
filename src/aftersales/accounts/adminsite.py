"""The Django admin at /django-admin/: superusers write, other staff (the `admin` role) only read.

Issue 12: an `admin` user ticked `is_superuser` and added the VP and GM groups to their own account
there. Users, roles, passwords and activation are managed on the app's own pages (accounts.views),
through services that refuse self-grants and record an event each; the Django admin stays a
reference for staff and a repair tool for the superuser.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _superuser(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_superuser", False))


class StaffReadOnlyMixin:
    """Mixed into every ModelAdmin registered on the site: add, change and delete for superusers only."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _superuser(request) and super().has_add_permission(request, *args)  # type: ignore[misc]  # a mixin: ModelAdmin follows it in the MRO

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_change_permission(request, obj)  # type: ignore[misc]  # a mixin: ModelAdmin follows it in the MRO

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _superuser(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]  # a mixin: ModelAdmin follows it in the MRO


class AftersalesAdminSite(admin.AdminSite):
    site_header = "aftersales"
    site_title = "aftersales"

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        base = admin_class or admin.ModelAdmin
        guarded = type(base.__name__, (StaffReadOnlyMixin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, guarded, **options)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:  # django-stubs types it with a private TypeVar
        """Every admin page: a write (POST …) by anyone but a superuser is refused before the view runs,
        whatever a ModelAdmin's own permission methods say (actions, inlines, password forms)."""
        inner = super().admin_view(view, cacheable)
        if getattr(view, "__func__", None) is admin.AdminSite.logout:
            return inner  # signing out is a POST every user may send

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in SAFE_METHODS and request.user.is_authenticated and not _superuser(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        guarded.__dict__.update(inner.__dict__)
        return guarded


class AftersalesAdminConfig(AdminConfig):
    default_site = "aftersales.accounts.adminsite.AftersalesAdminSite"
