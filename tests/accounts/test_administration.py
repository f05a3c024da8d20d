"""Administration (issue 12, point 4): nobody grants anything to themselves; only superusers write in
the Django admin; users and roles are managed on the app's pages through services, one event each."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.models import User
from aftersales.accounts.services import (
    user_create,
    user_password_reset,
    user_role_grant,
    user_role_revoke,
    user_set_active,
)
from aftersales.core.errors import Conflict, NotFound, PermissionDenied
from aftersales.core.models import Event
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _roles(user: User) -> list[str]:
    return sorted(User.objects.get(pk=user.pk).groups.values_list("name", flat=True))


def _events(user: User) -> list[str]:
    return list(
        Event.objects.filter(subject_type="accounts.user", subject_id=str(user.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The attack from the issue -------------------------------------------------------------------


def test_x4_admin_cannot_make_themselves_superuser_or_vp_gm_in_the_django_admin(make_user):
    admin = make_user("admin", username="boss")
    client = _logged_in(admin)
    change = reverse("admin:accounts_user_change", args=[admin.pk])
    assert client.get("/django-admin/").status_code == 200  # staff read the Django admin
    assert client.get(change).status_code == 200
    vp, gm = Group.objects.get(name="vp"), Group.objects.get(name="gm")
    response = client.post(
        change,
        {
            "username": "boss",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name="admin").pk, vp.pk, gm.pk],
            "date_joined_0": "2026-11-23",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 403
    admin.refresh_from_db()
    assert (admin.is_superuser, _roles(admin)) == (False, ["admin"])
    # nor through the group's own page, nor a bulk action
    group_change = reverse("admin:auth_group_change", args=[vp.pk])
    assert client.post(group_change, {"name": "vp", "permissions": []}).status_code == 403
    assert (
        client.post(
            reverse("admin:accounts_user_changelist"), {"action": "delete_selected", "_selected_action": [admin.pk]}
        ).status_code
        == 403
    )
    assert Group.objects.get(name="vp").permissions.count() > 0
    assert _events(admin) == ["user.created"]


def test_x4_staff_see_no_write_controls_in_the_django_admin(make_user):
    client = _logged_in(make_user("admin", username="boss"))
    html = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert reverse("admin:accounts_user_add") not in html
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403


def test_x4_agent_cannot_open_the_django_admin(make_user):
    response = _logged_in(make_user("agent")).get("/django-admin/")
    assert response.status_code == 302
    assert "/django-admin/login/" in response["Location"]


def test_x4_a_superuser_still_writes_in_the_django_admin(make_user):
    root = User.objects.create_superuser("root", password="Root-pass-2026!")
    target = make_user("agent", username="wang")
    client = _logged_in(root)
    change = reverse("admin:accounts_user_change", args=[target.pk])
    page = client.get(change)
    assert page.status_code == 200
    response = client.post(
        change,
        {
            "username": "wang",
            "is_active": "on",
            "groups": [Group.objects.get(name="agent").pk, Group.objects.get(name="engineer").pk],
            "date_joined_0": "2026-11-23",
            "date_joined_1": "09:00:00",
        },
    )
    assert response.status_code == 302
    assert _roles(target) == ["agent", "engineer"]


# --- Services: nobody grants anything to themselves ----------------------------------------------


def test_x4_admin_cannot_grant_a_role_to_themselves(make_user, actor_of):
    admin = make_user("admin", username="boss")
    for role in ("vp", "gm"):
        with pytest.raises(PermissionDenied) as exc:
            user_role_grant(actor=actor_of(admin), user_id=admin.pk, role=role)
        assert exc.value.code == "self_change"
    with pytest.raises(PermissionDenied):
        user_role_revoke(actor=actor_of(admin), user_id=admin.pk, role="admin")
    with pytest.raises(PermissionDenied):
        user_set_active(actor=actor_of(admin), user_id=admin.pk, active=False)
    with pytest.raises(PermissionDenied):
        user_password_reset(actor=actor_of(admin), user_id=admin.pk, password="Self-made-2026")
    admin.refresh_from_db()
    assert (_roles(admin), admin.is_active, admin.check_password(PASSWORD)) == (["admin"], True, True)
    assert _events(admin) == ["user.created"]


def test_x4_admin_grants_and_revokes_any_role_for_someone_else_with_an_event_each(make_user, actor_of):
    admin = make_user("admin", username="boss")
    target = make_user("agent", username="wang")
    user_role_grant(actor=actor_of(admin), user_id=target.pk, role="vp")
    user_role_grant(actor=actor_of(admin), user_id=target.pk, role="admin")
    target.refresh_from_db()
    assert (_roles(target), target.is_staff, target.is_superuser) == (["admin", "agent", "vp"], True, False)
    user_role_revoke(actor=actor_of(admin), user_id=target.pk, role="admin")
    target.refresh_from_db()
    assert (_roles(target), target.is_staff) == (["agent", "vp"], False)
    assert _events(target) == ["user.created", "user.role_granted", "user.role_granted", "user.role_revoked"]
    granted = Event.objects.filter(action="user.role_granted", subject_id=str(target.pk)).order_by("id").first()
    assert (granted.actor_id, granted.rule, granted.data["role"], granted.data["roles"]) == (
        admin.pk,
        "X4",
        "vp",
        [["agent"], ["agent", "vp"]],
    )
    with pytest.raises(Conflict):
        user_role_grant(actor=actor_of(admin), user_id=target.pk, role="vp")
    with pytest.raises(Conflict):
        user_role_revoke(actor=actor_of(admin), user_id=target.pk, role="gm")


def test_x4_only_administrators_manage_users(make_user, actor_of):
    target = make_user("agent", username="wang")
    for role in ("vp", "gm", "cs_manager", "team_lead"):
        someone = make_user(role)
        with pytest.raises(PermissionDenied):
            user_role_grant(actor=actor_of(someone), user_id=target.pk, role="engineer")
        with pytest.raises(PermissionDenied):
            user_create(actor=actor_of(someone), username=f"new-{role}", password="Kettle-Harbour-77", role="agent")
    assert _roles(target) == ["agent"]
    assert not User.objects.filter(username__startswith="new-").exists()


def test_x4_nobody_but_a_superuser_changes_a_superuser(make_user, actor_of):
    admin = make_user("admin", username="boss")
    root = User.objects.create_superuser("root", password="Root-pass-2026!")
    with pytest.raises(PermissionDenied) as exc:
        user_set_active(actor=actor_of(admin), user_id=root.pk, active=False)
    assert exc.value.code == "superuser_only"
    with pytest.raises(PermissionDenied):
        user_password_reset(actor=actor_of(admin), user_id=root.pk, password="Taken-over-2026")
    root.refresh_from_db()
    assert (root.is_active, root.check_password("Root-pass-2026!")) == (True, True)
    other_root = User.objects.create_superuser("root2", password="Root-pass-2026!")
    user_role_grant(actor=actor_of(root), user_id=other_root.pk, role="gm")
    assert _roles(other_root) == ["gm"]


def test_x4_missing_user_is_not_found(make_user, actor_of):
    with pytest.raises(NotFound):
        user_role_grant(actor=actor_of(make_user("admin")), user_id=999999, role="agent")


def test_x4_activation_and_password_reset_record_events(make_user, actor_of):
    admin = make_user("admin", username="boss")
    target = make_user("agent", username="wang")
    user_set_active(actor=actor_of(admin), user_id=target.pk, active=False)
    with pytest.raises(Conflict):
        user_set_active(actor=actor_of(admin), user_id=target.pk, active=False)
    user_set_active(actor=actor_of(admin), user_id=target.pk, active=True)
    user_password_reset(actor=actor_of(admin), user_id=target.pk, password="Fresh-start-2026")
    target.refresh_from_db()
    assert (target.is_active, target.check_password("Fresh-start-2026")) == (True, True)
    assert _events(target) == ["user.created", "user.deactivated", "user.activated", "user.password_reset"]


# --- Pages ---------------------------------------------------------------------------------------


def test_x4_user_list_searches_and_exports_to_excel(make_user):
    admin = make_user("admin", username="boss", display_name="系统管理员")
    make_user("agent", username="wang", display_name="王晓丽")
    make_user("engineer", username="zhang", display_name="张伟")
    client = _logged_in(admin)
    html = client.get(reverse("accounts:user_list"), {"q": "王"}).content.decode()
    assert "王晓丽" in html
    assert "张伟" not in html
    assert "客服专员" in html  # the role's name, not its code
    html = client.get(reverse("accounts:user_list"), {"role": "engineer"}).content.decode()
    assert ("张伟" in html, "王晓丽" in html) == (True, False)
    response = client.get(reverse("accounts:user_export"), {"q": "王"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:5] == ["用户名", "显示名称", "电子邮箱", "电话", "角色"]
    assert rows[1][:2] == ["wang", "王晓丽"]
    assert rows[1][4] == "客服专员"
    assert len(rows) == 2


def test_x4_user_pages_are_for_administrators_only(make_user):
    target = make_user("agent", username="wang")
    client = _logged_in(make_user("cs_manager"))
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_export")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[target.pk])).status_code == 403
    response = client.post(reverse("accounts:user_role_grant", args=[target.pk]), {"role": "gm"})
    assert response.status_code == 403
    assert _roles(target) == ["agent"]


def test_x4_user_create_page_validates_the_password_and_never_sets_superuser(make_user):
    client = _logged_in(make_user("admin", username="boss"))
    data = {"username": "li", "display_name": "李娜", "role": "engineer", "password": "12345678901"}
    weak = client.post(reverse("accounts:user_create"), data)
    assert weak.status_code == 200
    assert "密码只包含数字。" in weak.content.decode()
    assert not User.objects.filter(username="li").exists()
    response = client.post(
        reverse("accounts:user_create"),
        {**data, "password": "Kettle-Harbour-77", "is_superuser": "on", "is_staff": "on"},
    )
    assert response.status_code == 302
    user = User.objects.get(username="li")
    assert (user.is_superuser, user.is_staff, _roles(user)) == (False, False, ["engineer"])
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    created = Event.objects.get(action="user.created", subject_id=str(user.pk))
    assert created.actor_id == User.objects.get(username="boss").pk


def test_x4_user_page_grants_revokes_deactivates_and_resets(make_user):
    admin = make_user("admin", username="boss")
    target = make_user("agent", username="wang")
    client = _logged_in(admin)
    page = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert 'id="role-grant-form"' in page
    assert client.post(reverse("accounts:user_role_grant", args=[target.pk]), {"role": "team_lead"}).status_code == 302
    assert client.post(reverse("accounts:user_role_revoke", args=[target.pk]), {"role": "agent"}).status_code == 302
    assert client.post(reverse("accounts:user_set_active", args=[target.pk]), {"active": "0"}).status_code == 302
    weak = client.post(
        reverse("accounts:user_password_reset", args=[target.pk]), {"password": "password123"}, follow=True
    )
    assert "这个密码太常见了。" in weak.content.decode()
    client.post(reverse("accounts:user_password_reset", args=[target.pk]), {"password": "Fresh-start-2026"})
    target.refresh_from_db()
    assert (_roles(target), target.is_active, target.check_password("Fresh-start-2026")) == (["team_lead"], False, True)
    assert _events(target) == [
        "user.created",
        "user.role_granted",
        "user.role_revoked",
        "user.deactivated",
        "user.password_reset",
    ]
    timeline = client.get(reverse("accounts:user_detail", args=[target.pk])).content.decode()
    assert "已授予角色" in timeline
    assert "管理员重置了密码" in timeline


def test_x4_own_user_page_offers_no_changes_and_refuses_a_self_grant(make_user):
    admin = make_user("admin", username="boss")
    client = _logged_in(admin)
    page = client.get(reverse("accounts:user_detail", args=[admin.pk])).content.decode()
    assert 'id="user-self"' in page
    assert 'id="role-grant-form"' not in page
    response = client.post(reverse("accounts:user_role_grant", args=[admin.pk]), {"role": "gm"})
    assert response.status_code == 403
    assert "任何人都不能修改自己的角色或账号" in response.content.decode()
    assert _roles(admin) == ["admin"]
    assert _events(admin) == ["user.created"]
