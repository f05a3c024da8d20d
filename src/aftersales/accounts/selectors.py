"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from aftersales.accounts.choices import RegionTier, ServicePointKind
from aftersales.accounts.models import ApiToken, Region, ServicePoint, User
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.rows import row_get


def api_actor(request: Any) -> Actor:
    """The Actor of an API call: django-ninja's authentication sets `request.auth` to the user."""
    return actor_for(request.auth)


def actor_for(user: User | AnonymousUser | None) -> Actor:
    """The Actor for a request's user: their role codes come from their groups (cached on the user)."""
    if user is None or isinstance(user, AnonymousUser) or not getattr(user, "is_authenticated", False):
        return Actor(user=user, roles=frozenset())
    cached = getattr(user, "_aftersales_roles", None)
    if cached is None:
        cached = user_access_load(user)[0]
    return Actor(user=user, roles=cached)


def _access_sql() -> str:
    """One statement for a user's groups, their permissions and the user's own (names from _meta)."""
    qn = connection.ops.quote_name
    group, perm, ctype = (qn(m._meta.db_table) for m in (Group, Permission, ContentType))
    member = qn(User.groups.through._meta.db_table)
    granted = qn(Group.permissions.through._meta.db_table)
    own = qn(User.user_permissions.through._meta.db_table)
    perm_of = f"FROM {perm} p JOIN {ctype} ct ON ct.id = p.content_type_id"
    return (
        f"SELECT 0, '', g.name FROM {group} g JOIN {member} m ON m.group_id = g.id WHERE m.user_id = %s "  # noqa: S608
        f"UNION ALL SELECT 1, ct.app_label, p.codename {perm_of} JOIN {granted} gp ON gp.permission_id = p.id "
        f"JOIN {member} m ON m.group_id = gp.group_id WHERE m.user_id = %s "
        f"UNION ALL SELECT 1, ct.app_label, p.codename {perm_of} JOIN {own} up ON up.permission_id = p.id "
        f"WHERE up.user_id = %s"
    )


def user_access_load(user: User) -> tuple[frozenset[str], set[str]]:
    """The user's roles (group names) and permissions ("app_label.codename", from groups and their own),
    read in one query and cached on the user for the request, where actor_for and the permission
    backend (accounts.backends.RoleBackend) look for them.

    Django's ModelBackend takes three compiled queries for the same (~1.5 ms of a 14 ms service
    registration on the bench VM, docs/decisions/0004). A superuser's permissions stay ModelBackend's.
    """
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(), [user.pk] * 3)
        rows = cursor.fetchall()
    roles = frozenset(name for kind, _app, name in rows if kind == 0)
    perms = {f"{app}.{codename}" for kind, app, codename in rows if kind == 1}
    user._aftersales_roles = roles  # type: ignore[attr-defined]  # a per-request cache on the instance
    if not user.is_superuser:
        user._perm_cache = perms  # type: ignore[attr-defined]  # ModelBackend's own per-instance cache
    return roles, perms


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor.user).order_by("-created_at")


def region_list() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def service_point_list() -> QuerySet[ServicePoint]:
    return ServicePoint.objects.select_related("region").order_by("code")


def service_point_for_region(region: Region | None) -> ServicePoint | None:
    """The point that serves a region (C9): the region's own point, else a point in its province,
    else the service centre (headquarters); None when there is no region or no point at all."""
    if region is None:
        return None
    point = row_get(ServicePoint, region_id=region.pk, order_by="code")
    if point is None and region.province:
        province_regions = Region.objects.filter(province=region.province).values("pk")
        point = ServicePoint.objects.filter(region_id__in=province_regions).order_by("code").first()
    if point is None:
        point = row_get(ServicePoint, kind=ServicePointKind.HEADQUARTERS, order_by="code")
    return point


def region_tier_for(region: Region | None, point: ServicePoint | None) -> str:
    """C9: the response tier of a customer's region as seen from the service point that serves it.

    The point's own city (its region) is "same city", its province "same province", anywhere else
    "remote". With no point at all the region's recorded tier is the fallback; with no region, "".
    """
    if region is None:
        return ""
    if point is None:
        return region.tier
    if point.region_id == region.pk:
        return str(RegionTier.SAME_CITY)
    point_region = row_get(Region, pk=point.region_id)
    if region.province and point_region is not None and point_region.province == region.province:
        return str(RegionTier.SAME_PROVINCE)
    return str(RegionTier.REMOTE)


def user_list_with_role(role: str) -> QuerySet[User]:
    return User.objects.filter(groups__name=role, is_active=True).order_by("username")


# --- Administration (issue 12): the user list and a user's page --------------------------------


def user_list(actor: Actor, *, q: str = "", role: str = "", active: bool | None = None) -> QuerySet[User]:
    """Users for the administration list: search by username, name, e-mail or phone; filter by role
    and by active. Rule: X4. Raises: PermissionDenied (no accounts.view_user)."""
    if not actor.has_perm("accounts.view_user"):
        raise PermissionDenied()
    users = User.objects.select_related("department", "service_point").prefetch_related(
        Prefetch("groups", queryset=Group.objects.order_by("name"))
    )
    q = q.strip()
    if q:
        users = users.filter(
            Q(username__icontains=q)
            | Q(display_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(phone__icontains=q)
        )
    if role:
        users = users.filter(groups__name=role)
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("username")


def access_user(actor: Actor, user_id: int) -> User:
    """One user for the administration page. Rule: X4. Raises: PermissionDenied, NotFound."""
    if not actor.has_perm("accounts.view_user"):
        raise PermissionDenied()
    user = (
        User.objects.select_related("department", "service_point", "customer")
        .prefetch_related(Prefetch("groups", queryset=Group.objects.order_by("name")))
        .filter(pk=user_id)
        .first()
    )
    if user is None:
        raise NotFound()
    return user


def user_token_list(actor: Actor, user: User) -> QuerySet[ApiToken]:
    """Another user's API tokens (no secrets: name, prefix, dates) for their administration page."""
    if not actor.has_perm("accounts.view_user"):
        raise PermissionDenied()
    return ApiToken.objects.filter(user=user).order_by("-created_at")
