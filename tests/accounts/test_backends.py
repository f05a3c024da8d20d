"""Roles and permissions of a user come from one query, and equal Django's ModelBackend's."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission

from aftersales.accounts.backends import RoleBackend
from aftersales.accounts.choices import Role
from aftersales.accounts.models import User
from aftersales.accounts.permissions import ROLE_PERMISSIONS
from aftersales.accounts.selectors import actor_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", sorted(ROLE_PERMISSIONS))
def test_each_role_has_modelbackends_permissions(role, make_user):
    from tests.installed_base.factories import CustomerFactory

    user = make_user(role, customer_id=CustomerFactory().pk) if role == Role.CUSTOMER else make_user(role)
    extra = Permission.objects.get(codename="view_region")
    user.user_permissions.add(extra)
    ours = RoleBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert ours == ModelBackend().get_all_permissions(User.objects.get(pk=user.pk))
    assert "accounts.view_region" in ours


def test_roles_and_permissions_in_one_query(make_user, django_assert_num_queries):
    make_user(Role.AGENT, username="two_roles")
    user = User.objects.get(username="two_roles")
    user.groups.add(Group.objects.get(name=Role.ENGINEER))
    user = User.objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        actor = actor_for(user)
        assert actor.roles == frozenset({Role.AGENT, Role.ENGINEER})
        assert actor.has_perm("service.add_servicerequest")
        assert not actor.has_perm("policies.add_policyversion")


def test_inactive_users_have_no_permission_and_superusers_all(make_user):
    user = make_user(Role.AGENT)
    user.is_active = False
    assert RoleBackend().get_all_permissions(user) == set()
    admin = User.objects.create_superuser("root", password="x" * 12)
    assert RoleBackend().get_all_permissions(User.objects.get(pk=admin.pk)) == ModelBackend().get_all_permissions(
        User.objects.get(pk=admin.pk)
    )
    assert User.objects.get(pk=admin.pk).has_perm("policies.add_policyversion")
