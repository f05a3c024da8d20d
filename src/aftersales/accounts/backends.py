"""The permission backend: Django's ModelBackend, with a user's permissions read in one query."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class RoleBackend(ModelBackend):
    """ModelBackend (login, admin, per-user and per-group permissions, superusers) whose permission
    set is loaded with the user's roles by accounts.selectors.user_access_load: one query instead of
    ModelBackend's three (the groups for the actor, the user's and the groups' permissions)."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache") and not user_obj.is_superuser:
            from aftersales.accounts.selectors import user_access_load

            user_access_load(user_obj)
        return super().get_all_permissions(user_obj, obj)
