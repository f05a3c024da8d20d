"""Sign-in (issue 12, point 5): lockout on the login page and the token endpoint, password validators
on every entry point, API tokens that expire (X4.token_days) and die with a password change, Argon2."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from aftersales.accounts.models import ApiToken, User
from aftersales.accounts.services import (
    api_token_authenticate,
    api_token_create,
    user_create,
    user_password_change,
    user_password_reset,
    user_set_active,
)
from aftersales.core.errors import ValidationFailed
from aftersales.core.models import Event
from tests.conftest import PASSWORD, ApiClient

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
LOCKED_ZH = "登录失败次数过多，该账号已暂时锁定。请在 %d 分钟后重试。"


@pytest.fixture
def lockout(settings):
    """Three wrong passwords lock a username for 15 minutes (the defaults are 5 and 15)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)


def _login(client: Client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- Lockout: the login page ---------------------------------------------------------------------


def test_x4_login_page_locks_after_three_wrong_passwords_then_refuses_the_right_one_until_cool_off(make_user, lockout):
    make_user("agent", username="wang")
    client = Client()
    with time_machine.travel(START, tick=False) as clock:
        assert [_login(client, "wang", "wrong-password").status_code for _ in range(2)] == [200, 200]
        third = _login(client, "wang", "wrong-password")
        assert third.status_code == 429
        assert third["Retry-After"] == "900"
        assert LOCKED_ZH % 15 in third.content.decode()
        right = _login(client, "wang", PASSWORD)
        assert (right.status_code, right["Retry-After"], _signed_in(client)) == (429, "900", False)
        clock.shift(dt.timedelta(minutes=14, seconds=30))
        right = _login(client, "wang", PASSWORD)
        assert (right.status_code, right["Retry-After"], _signed_in(client)) == (429, "30", False)
        assert LOCKED_ZH % 1 in right.content.decode()
        clock.shift(dt.timedelta(seconds=31))
        right = _login(client, "wang", PASSWORD)
        assert (right.status_code, _signed_in(client)) == (302, True)


def test_x4_lockout_is_per_username_and_a_success_resets_the_count(make_user, lockout):
    make_user("agent", username="wang")
    make_user("agent", username="li")
    client = Client()
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            _login(client, "wang", "wrong-password")
        assert _login(Client(), "wang", PASSWORD).status_code == 302  # resets wang's failures
        assert [_login(client, "wang", "wrong-password").status_code for _ in range(2)] == [200, 200]
        for _ in range(3):
            _login(client, "li", "wrong-password")
        assert _login(Client(), "li", PASSWORD).status_code == 429
        assert _login(Client(), "wang", PASSWORD).status_code == 302


def test_x4_lockout_can_be_switched_off(make_user, settings, monkeypatch):
    from aftersales import conf

    monkeypatch.setenv("AFTERSALES_SIGNIN_LOCKOUT", "off")
    assert conf.load().signin_lockout is False
    monkeypatch.delenv("AFTERSALES_SIGNIN_LOCKOUT")
    assert (conf.load().signin_lockout, conf.load().signin_failures, conf.load().signin_cooloff_minutes) == (
        True,
        5,
        15,
    )
    settings.AXES_ENABLED = False
    make_user("agent", username="wang")
    client = Client()
    assert {_login(client, "wang", "wrong-password").status_code for _ in range(8)} == {200}
    assert _login(client, "wang", PASSWORD).status_code == 302


# --- Lockout: the token endpoint -----------------------------------------------------------------


def test_x4_token_endpoint_locks_with_the_error_shape_and_retry_after(make_user, lockout):
    make_user("agent", username="wang")
    anonymous = ApiClient(None)
    with time_machine.travel(START, tick=False) as clock:
        wrong = [anonymous.post("auth/token", {"username": "wang", "password": "nope"}) for _ in range(3)]
        assert [r.status_code for r in wrong] == [401, 401, 429]
        right = anonymous.post("auth/token", {"username": "wang", "password": PASSWORD})
        assert right.status_code == 429
        assert right["Retry-After"] == "900"
        assert right.json() == {"code": "too_many_attempts", "message": LOCKED_ZH % 15, "fields": {}}
        english = anonymous.client.post(
            "/api/v1/auth/token",
            data={"username": "wang", "password": PASSWORD},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert english.status_code == 429
        assert english.json()["message"] == (
            "Too many failed sign-in attempts: this account is locked for now. Try again in 15 minutes."
        )
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        right = anonymous.post("auth/token", {"username": "wang", "password": PASSWORD})
        assert right.status_code == 201
    assert ApiToken.objects.filter(user__username="wang").count() == 1


def test_x4_page_and_api_failures_count_together(make_user, lockout):
    make_user("agent", username="wang")
    with time_machine.travel(START, tick=False):
        _login(Client(), "wang", "wrong-password")
        _login(Client(), "wang", "wrong-password")
        assert ApiClient(None).post("auth/token", {"username": "wang", "password": "nope"}).status_code == 429
        assert _login(Client(), "wang", PASSWORD).status_code == 429


# --- Password validators on every entry point ----------------------------------------------------

WEAK = [
    ("1", "密码太短：至少需要 10 个字符。"),
    ("password123", "这个密码太常见了。"),
    ("3141592653589", "密码只包含数字。"),
    ("wangxiaoli-x", "密码跟 用户名 太相似了。"),
]


@pytest.mark.parametrize(("password", "message"), WEAK)
def test_x4_user_create_refuses_a_weak_password_and_creates_nothing(password, message):
    with pytest.raises(ValidationFailed) as exc:
        user_create(actor=None, username="wangxiaoli", password=password, role="agent")
    assert message in exc.value.fields["password"]
    assert not User.objects.filter(username="wangxiaoli").exists()


def test_x4_createuser_command_refuses_password_1_and_creates_nothing():
    with pytest.raises(CommandError) as exc:
        call_command("createuser", "--username", "hotline1", "--password", "1", "--role", "agent")
    assert str(exc.value) == "密码太短：至少需要 10 个字符。 这个密码太常见了。 密码只包含数字。"
    assert not User.objects.filter(username="hotline1").exists()
    assert not Event.objects.filter(action="user.created").exists()


def test_x4_own_password_change_page_validates_and_ends_every_token(make_user, actor_of):
    user = make_user("engineer", username="zhang")
    _token, clear = api_token_create(actor=actor_of(user), name="手机")
    client = Client()
    client.force_login(user)
    weak = client.post(reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password": "12345678901"})
    assert weak.status_code == 200
    assert "密码只包含数字。" in weak.content.decode()
    assert api_token_authenticate(clear) == user
    wrong_old = client.post(
        reverse("accounts:password_change"), {"old_password": "not-it", "new_password": "Kettle-Harbour-77"}
    )
    assert "当前密码错误。" in wrong_old.content.decode()
    done = client.post(
        reverse("accounts:password_change"), {"old_password": PASSWORD, "new_password": "Kettle-Harbour-77"}
    )
    assert done.status_code == 302
    assert _signed_in(client)  # this session goes on
    user.refresh_from_db()
    assert user.check_password("Kettle-Harbour-77")
    assert api_token_authenticate(clear) is None
    assert ApiClient(clear).get("auth/me").status_code == 401
    assert ApiToken.objects.get(user=user).revoked_at is not None
    assert Event.objects.filter(action="user.password_changed", subject_id=str(user.pk)).count() == 1


def test_x4_password_service_refuses_a_weak_new_password_and_changes_nothing(make_user, actor_of):
    user = make_user("engineer", username="zhang")
    with pytest.raises(ValidationFailed) as exc:
        user_password_change(actor=actor_of(user), old_password=PASSWORD, new_password="short")
    assert list(exc.value.fields) == ["password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not Event.objects.filter(action="user.password_changed").exists()


# --- Token expiry and death ----------------------------------------------------------------------


def test_x4_a_token_expires_after_the_policy_days_and_the_list_shows_when(make_user, actor_of):
    user = make_user("agent", username="wang")
    with time_machine.travel(START, tick=False) as clock:
        token, clear = api_token_create(actor=actor_of(user), name="erp")
        assert token.expires_at == START + dt.timedelta(days=90)
        listed = ApiClient(clear).get("auth/tokens").json()
        assert [(t["name"], t["expires_at"]) for t in listed] == [("erp", "2027-02-21T09:00:00Z")]
        client = Client()
        client.force_login(user)
        assert (
            '<td class="token-expires">2027-02-21 17:00</td>' in client.get(reverse("accounts:tokens")).content.decode()
        )
        clock.shift(dt.timedelta(days=90) - dt.timedelta(seconds=1))
        assert api_token_authenticate(clear) == user
        clock.shift(dt.timedelta(seconds=1))
        assert api_token_authenticate(clear) is None
        assert ApiClient(clear).get("auth/me").status_code == 401
        client.force_login(user)  # the session of 90 days ago has ended too
        page = client.get(reverse("accounts:tokens")).content.decode()
        assert '<span class="badge text-bg-secondary">已过期</span>' in page


def test_x4_a_token_obtained_with_the_password_expires_too(make_user):
    make_user("agent", username="wang")
    with time_machine.travel(START, tick=False):
        response = ApiClient(None).post("auth/token", {"username": "wang", "password": PASSWORD})
        assert response.status_code == 201
    assert ApiToken.objects.get().expires_at == START + dt.timedelta(days=90)


def test_x4_any_password_change_ends_the_tokens_even_outside_the_services(make_user, actor_of):
    """The Django admin or `changepassword` set the password directly: the token's stamp no longer matches."""
    user = make_user("agent", username="wang")
    _token, clear = api_token_create(actor=actor_of(user), name="erp")
    user.set_password("Another-secret-2026")
    user.save(update_fields=["password"])
    assert api_token_authenticate(clear) is None


def test_x4_deactivation_and_reset_by_an_administrator_end_the_tokens(make_user, actor_of):
    admin = make_user("admin", username="boss")
    user = make_user("agent", username="wang")
    _t1, first = api_token_create(actor=actor_of(user), name="erp")
    user_password_reset(actor=actor_of(admin), user_id=user.pk, password="Fresh-start-2026")
    assert api_token_authenticate(first) is None
    user.refresh_from_db()
    _t2, second = api_token_create(actor=actor_of(user), name="erp2")
    assert api_token_authenticate(second) == user
    user_set_active(actor=actor_of(admin), user_id=user.pk, active=False)
    assert api_token_authenticate(second) is None
    assert ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    revoked = Event.objects.filter(action="api_token.revoked").order_by("id")
    assert [e.data["reason"] for e in revoked] == ["password", "deactivated"]


# --- Argon2 --------------------------------------------------------------------------------------


def test_x4_argon2_is_the_production_hasher_for_new_passwords(settings):
    from aftersales import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in production.PASSWORD_HASHERS  # old hashes
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = user_create(actor=None, username="wang", password="Kettle-Harbour-77", role="agent")
    assert user.password.startswith("argon2$argon2id$")
    assert User.objects.get(pk=user.pk).check_password("Kettle-Harbour-77")


def test_x4_the_demo_password_passes_the_validators_for_every_demo_user():
    from django.contrib.auth.password_validation import validate_password

    from aftersales.accounts.choices import Role
    from aftersales.web.management.commands.seed_demo import DEMO_PASSWORD

    assert DEMO_PASSWORD == "Demo-2026-aftersales"  # README's demo-user table names it
    for role in Role.values:
        validate_password(DEMO_PASSWORD, User(username=role, email=f"{role}@example.com"))
