"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.accounts.models import ApiToken, Region, ServicePoint, User
from aftersales.core.access import Actor


def actor_for(user: User | None) -> Actor:
    """The Actor for a request's user: their role codes come from their groups (cached on the user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Actor(user=user, roles=frozenset())
    cached = getattr(user, "_aftersales_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._aftersales_roles = cached  # type: ignore[union-attr]
    return Actor(user=user, roles=cached)


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor.user).order_by("-created_at")


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def service_point_list() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.select_related("region").order_by("code")


def user_list_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True).order_by("username")
