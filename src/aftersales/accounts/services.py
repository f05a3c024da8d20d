"""Writes for accounts: users with a role, role groups, API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.permissions import ROLE_PERMISSIONS
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.rows import row_get

TOKEN_PREFIX = "as_"


def roles_sync() -> None:
    """Create one group per role and give it exactly the permissions of ROLE_PERMISSIONS.

    Rule: Roles. Idempotent; run after every migrate.
    """
    wanted = {perm for perms in ROLE_PERMISSIONS.values() for perm in perms}
    found = {f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")}
    missing = sorted(wanted - set(found))
    if missing:
        raise RuntimeError(f"permissions named in ROLE_PERMISSIONS do not exist: {missing}")
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([found[p] for p in ROLE_PERMISSIONS[role]])


def roles_sync_after_migrate(sender: Any, **kwargs: Any) -> None:
    """post_migrate fires once per app; sync after the last one, when every permission exists."""
    from django.apps import apps

    if sender is list(apps.get_app_configs())[-1]:
        roles_sync()


@transaction.atomic
def user_create(
    *,
    actor: Actor | None,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    email: str = "",
    customer_id: int | None = None,
    department_id: int | None = None,
    service_point_id: int | None = None,
) -> User:
    """Create a user holding one role.

    Rule: Roles. Raises: ValidationFailed (unknown role, duplicate username, portal user
    without customer). Events: user.created.
    """
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(role)s”.") % {"role": role}, fields={"role": _("Unknown role.")})
    if User.objects.filter(username=username).exists():
        raise ValidationFailed(_("The username is taken."), fields={"username": _("The username is taken.")})
    if role == Role.CUSTOMER and customer_id is None:
        raise ValidationFailed(
            _("A portal user must belong to a customer."), fields={"customer": _("Required for a portal user.")}
        )
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        customer_id=customer_id,
        department_id=department_id,
        service_point_id=service_point_id,
        is_staff=role == Role.ADMIN,
        is_superuser=False,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    roles_sync_if_needed(role)
    user.groups.add(Group.objects.get(name=role))
    event_record(subject=user, action="user.created", actor=actor, data={"role": role}, rule="Roles")
    return user


def roles_sync_if_needed(role: str) -> None:
    if not Group.objects.filter(name=role).exists():
        roles_sync()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a personal token for the acting user; the clear token is returned only here.

    Rule: DESIGN "API conventions". Events: api_token.created.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), fields={"name": _("This field is required.")})
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=actor.user, name=name[:64], prefix=clear[:10], token_hash=_hash(clear), expires_at=expires_at)
    token.full_clean()
    token.save()
    event_record(
        subject=token, action="api_token.created", actor=actor, data={"name": token.name, "prefix": token.prefix}
    )
    return token, clear


@transaction.atomic
def api_token_revoke(*, actor: Actor, token_id: int) -> ApiToken:
    """Revoke one of the acting user's tokens. Raises: NotFound. Events: api_token.revoked."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor.user).first()
    if token is None:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        event_record(subject=token, action="api_token.revoked", actor=actor, data={"prefix": token.prefix})
    return token


def api_token_authenticate(clear: str) -> User | None:
    """The active user owning this token, or None. One indexed lookup by hash, no password hash."""
    if not clear or not clear.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    # By key with core.rows (every API call comes here; docs/decisions/0004).
    token = row_get(ApiToken, token_hash=_hash(clear))
    if token is None or token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = row_get(User, pk=token.user_id)
    if user is None or not user.is_active:
        return None
    # Touch at most once a minute so a busy integration does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
