"""Writes for accounts: users and their roles, passwords, role groups, API tokens.

Administration (issue 12): nobody grants anything to themselves. Managing users takes the
`accounts.change_user` permission (the `admin` role) and never applies to the acting user; a
superuser is made and changed only by a superuser; `is_superuser` is set by no service here
(`createsuperuser` on the server is the only way in). Every change is one event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from aftersales.accounts import events
from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.permissions import ROLE_PERMISSIONS
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.rows import row_get
from aftersales.policies.selectors import policy_get

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
    """Create a user holding one role; `actor` None is the server's own command line (createuser).

    Rule: Roles. Raises: PermissionDenied (an actor without accounts.add_user), ValidationFailed
    (unknown role, duplicate username, portal user without customer, a password the validators
    refuse). Events: user.created.
    """
    if actor is not None and not actor.has_perm("accounts.add_user"):
        raise PermissionDenied()
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
    password_check(password, user=user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    roles_sync_if_needed(role)
    user.groups.add(Group.objects.get(name=role))
    event_record(subject=user, action=events.USER_CREATED, actor=actor, data={"role": role}, rule="Roles")
    return user


def roles_sync_if_needed(role: str) -> None:
    if not Group.objects.filter(name=role).exists():
        roles_sync()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_stamp(user: User) -> str:
    """A keyed digest of the user's password hash, kept on each token: any password change (a page,
    the Django admin, `changepassword`) makes it differ, so the user's tokens stop working (X4)."""
    return salted_hmac("aftersales.accounts.api_token", user.password, algorithm="sha256").hexdigest()[:32]


@transaction.atomic
def api_token_create(*, actor: Actor, name: str, expires_at: dt.datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a personal token for the acting user; the clear token is returned only here. It expires
    after X4.token_days (or at `expires_at`, if earlier) and with the user's next password change.

    Rule: X4, DESIGN "API conventions". Events: api_token.created.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the token a name."), fields={"name": _("This field is required.")})
    days = policy_get("X4.token_days")
    latest = timezone.now() + dt.timedelta(days=days.value)
    expires_at = latest if expires_at is None else min(expires_at, latest)
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor.user,
        name=name[:64],
        prefix=clear[:10],
        token_hash=_hash(clear),
        expires_at=expires_at,
        password_stamp=password_stamp(actor.user),
    )
    token.full_clean()
    token.save()
    event_record(
        subject=token,
        action=events.API_TOKEN_CREATED,
        actor=actor,
        data={
            "name": token.name,
            "prefix": token.prefix,
            "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        },
        rule="X4",
        policy_version=days.version,
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
        event_record(subject=token, action=events.API_TOKEN_REVOKED, actor=actor, data={"prefix": token.prefix})
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
    if user is None or not user.is_active or token.password_stamp != password_stamp(user):
        return None
    # Touch at most once a minute so a busy integration does not write on every call.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


# --- Passwords -----------------------------------------------------------------------------------


def password_check(password: str, *, user: User | None = None) -> None:
    """Run Django's password validators (AUTH_PASSWORD_VALIDATORS: length ≥ 10, not common, not only
    digits, not like the username or e-mail) wherever a password is set.

    Rule: X4. Raises: ValidationFailed with every validator's message under `password`.
    """
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise ValidationFailed(messages[0], fields={"password": messages}) from exc


def _tokens_end(*, user: User, actor: Actor | None, reason: str) -> int:
    """Revoke every live token of `user` (password change, deactivation); one event per token."""
    now = timezone.now()
    ended = 0
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).order_by("pk"):
        token.revoked_at = now
        token.save(update_fields=["revoked_at", "updated_at"])
        event_record(
            subject=token,
            action=events.API_TOKEN_REVOKED,
            actor=actor,
            data={"prefix": token.prefix, "reason": reason},
            rule="X4",
        )
        ended += 1
    return ended


def _password_set(*, user: User, password: str, actor: Actor | None, action: str) -> None:
    password_check(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = _tokens_end(user=user, actor=actor, reason="password")
    event_record(subject=user, action=action, actor=actor, data={"tokens_ended": ended}, rule="X4")


@transaction.atomic
def user_password_change(*, actor: Actor, old_password: str, new_password: str) -> User:
    """The acting user changes their own password; every API token of theirs stops working.

    Rule: X4. Raises: ValidationFailed (wrong current password, a new password the validators
    refuse). Events: user.password_changed, api_token.revoked per live token.
    """
    user = User.objects.select_for_update().get(pk=actor.user.pk)
    if not user.check_password(old_password):
        raise ValidationFailed(
            _("The current password is wrong."), fields={"old_password": _("The current password is wrong.")}
        )
    _password_set(user=user, password=new_password, actor=actor, action=events.USER_PASSWORD_CHANGED)
    return user


# --- Administration: users and their roles ------------------------------------------------------


def _managed_user(actor: Actor, user_id: int) -> User:
    """The user `actor` may administer, locked: never themselves, a superuser only by a superuser.

    Raises: PermissionDenied (no accounts.change_user, or a superuser's account), NotFound,
    Conflict (code self_change: one's own account).
    """
    if not actor.has_perm("accounts.change_user"):
        raise PermissionDenied()
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    if user.pk == actor.pk:
        raise PermissionDenied(
            _("Nobody changes their own roles or account: ask another administrator."), code="self_change"
        )
    if user.is_superuser and not getattr(actor.user, "is_superuser", False):
        raise PermissionDenied(_("Only a superuser changes a superuser's account."), code="superuser_only")
    return user


def _roles_of(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@transaction.atomic
def user_role_grant(*, actor: Actor, user_id: int, role: str) -> User:
    """Give a role to another user (the `admin` role may give any role, never to itself).

    Rule: Roles, X4. Raises: PermissionDenied (no accounts.change_user; code self_change for one's
    own account; code superuser_only), NotFound, ValidationFailed (unknown role, portal role for a
    user without customer), Conflict (code role_held). Events: user.role_granted.
    """
    user = _managed_user(actor, user_id)
    if role not in Role.values:
        raise ValidationFailed(_("Unknown role “%(role)s”.") % {"role": role}, fields={"role": _("Unknown role.")})
    if role == Role.CUSTOMER and user.customer_id is None:
        raise ValidationFailed(
            _("A portal user must belong to a customer."), fields={"role": _("Required for a portal user.")}
        )
    before = _roles_of(user)
    if role in before:
        raise Conflict(_("The user already holds this role."), code="role_held", fields={"role": _("Already held.")})
    roles_sync_if_needed(role)
    user.groups.add(Group.objects.get(name=role))
    if role == Role.ADMIN and not user.is_staff:
        user.is_staff = True  # the admin role reads the Django admin (read-only for staff)
        user.save(update_fields=["is_staff"])
    event_record(
        subject=user,
        action=events.USER_ROLE_GRANTED,
        actor=actor,
        data={"role": role, "roles": [before, sorted([*before, role])]},
        rule="X4",
    )
    return user


@transaction.atomic
def user_role_revoke(*, actor: Actor, user_id: int, role: str) -> User:
    """Take a role away from another user.

    Rule: Roles, X4. Raises: PermissionDenied (as user_role_grant), NotFound, Conflict (code
    role_not_held). Events: user.role_revoked.
    """
    user = _managed_user(actor, user_id)
    before = _roles_of(user)
    if role not in before:
        raise Conflict(_("The user does not hold this role."), code="role_not_held", fields={"role": _("Not held.")})
    user.groups.remove(Group.objects.get(name=role))
    if role == Role.ADMIN and user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
    event_record(
        subject=user,
        action=events.USER_ROLE_REVOKED,
        actor=actor,
        data={"role": role, "roles": [before, [r for r in before if r != role]]},
        rule="X4",
    )
    return user


@transaction.atomic
def user_set_active(*, actor: Actor, user_id: int, active: bool) -> User:
    """Activate or deactivate another user; a deactivated user's API tokens end at once.

    Rule: X4. Raises: PermissionDenied (as user_role_grant), NotFound, Conflict (code
    already_in_state). Events: user.activated / user.deactivated, api_token.revoked per live token.
    """
    user = _managed_user(actor, user_id)
    if user.is_active == active:
        raise Conflict(
            _("The account is already active.") if active else _("The account is already deactivated."),
            code="already_in_state",
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    ended = 0 if active else _tokens_end(user=user, actor=actor, reason="deactivated")
    event_record(
        subject=user,
        action=events.USER_ACTIVATED if active else events.USER_DEACTIVATED,
        actor=actor,
        data={"is_active": [not active, active], "tokens_ended": ended},
        rule="X4",
    )
    return user


@transaction.atomic
def user_password_reset(*, actor: Actor, user_id: int, password: str) -> User:
    """Set a new password for another user (they forgot theirs); their API tokens end.

    Rule: X4. Raises: PermissionDenied (as user_role_grant), NotFound, ValidationFailed (a password
    the validators refuse). Events: user.password_reset, api_token.revoked per live token.
    """
    user = _managed_user(actor, user_id)
    _password_set(user=user, password=password, actor=actor, action=events.USER_PASSWORD_RESET)
    return user
