"""Authentication backends: the sign-in lockout (django-axes) and the role permission backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
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


class SigninLockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check (first in AUTHENTICATION_BACKENDS): a username locked after too many
    wrong passwords is refused before any password is hashed, on the login page and the token endpoint.

    Server-side callers that authenticate without a request (the test client's `login()`, scripts)
    are not throttled: there is no client to lock out, and axes would raise instead.
    """

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
