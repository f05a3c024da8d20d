"""Roles as groups, users with a role, personal API tokens (stored hashed)."""

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from aftersales.accounts.choices import Role
from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.permissions import ROLE_PERMISSIONS
from aftersales.accounts.services import api_token_authenticate, api_token_create, api_token_revoke, user_create
from aftersales.core.errors import ValidationFailed
from aftersales.core.models import Event


@pytest.mark.django_db
def test_roles_every_spec_role_is_a_group_with_exactly_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) == set(Role.values)
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
        assert held == perms, role


@pytest.mark.django_db
def test_createuser_command_creates_a_user_with_the_role(capsys):
    call_command("createuser", "--username", "hotline1", "--password", "secret-123", "--role", "agent")
    user = User.objects.get(username="hotline1")
    assert list(user.groups.values_list("name", flat=True)) == ["agent"]
    assert user.check_password("secret-123")
    assert user.has_perm("customers.view_customer")
    assert not user.has_perm("customers.approve_customer_access")
    assert "hotline1" in capsys.readouterr().out


@pytest.mark.django_db
def test_user_create_refuses_unknown_role_and_duplicate_username(make_user):
    make_user("agent", username="dup")
    with pytest.raises(ValidationFailed) as exc:
        user_create(actor=None, username="dup", password="x" * 10, role="agent")
    assert "username" in exc.value.fields
    with pytest.raises(ValidationFailed):
        user_create(actor=None, username="other", password="x" * 10, role="pilot")
    with pytest.raises(ValidationFailed):
        user_create(actor=None, username="portal", password="x" * 10, role="customer")
    assert User.objects.filter(username__in=["other", "portal"]).count() == 0


@pytest.mark.django_db
def test_api_token_is_stored_hashed_and_revocable(make_user, actor_of):
    user = make_user("agent")
    token, clear = api_token_create(actor=actor_of(user), name="erp")
    assert clear.startswith("as_")
    assert len(clear) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(clear.encode()).hexdigest()
    assert clear not in str(ApiToken.objects.values().get(pk=token.pk))
    assert api_token_authenticate(clear) == user
    assert api_token_authenticate(clear + "x") is None
    api_token_revoke(actor=actor_of(user), token_id=token.pk)
    assert api_token_authenticate(clear) is None
    assert Event.objects.filter(action="api_token.revoked", subject_id=str(token.pk)).count() == 1


@pytest.mark.django_db
def test_api_token_of_someone_else_cannot_be_revoked(make_user, actor_of):
    owner, other = make_user("agent"), make_user("engineer")
    token, clear = api_token_create(actor=actor_of(owner), name="erp")
    from aftersales.core.errors import NotFound

    with pytest.raises(NotFound):
        api_token_revoke(actor=actor_of(other), token_id=token.pk)
    assert api_token_authenticate(clear) == owner


@pytest.mark.django_db
def test_api_token_of_an_inactive_user_or_past_its_expiry_is_refused(make_user, actor_of):
    import datetime as dt

    from django.utils import timezone

    user = make_user("agent")
    token, clear = api_token_create(actor=actor_of(user), name="erp")
    assert api_token_authenticate(clear) == user
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_token_authenticate(clear) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert api_token_authenticate(clear) == user
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert api_token_authenticate(clear) is None
