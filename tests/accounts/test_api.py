"""POST /auth/token and the personal token endpoints."""

import pytest

from tests.conftest import PASSWORD


@pytest.mark.django_db
def test_auth_token_with_username_and_password_gives_a_working_token(make_user, api_as):
    make_user("agent", username="wang")
    anonymous = api_as(None)
    response = anonymous.post("auth/token", {"username": "wang", "password": PASSWORD})
    assert response.status_code == 201
    token = response.json()["token"]
    from tests.conftest import ApiClient

    me = ApiClient(token).get("auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "wang"
    assert me.json()["roles"] == ["agent"]


@pytest.mark.django_db
def test_auth_token_wrong_password_is_a_typed_401(make_user, api_as):
    make_user("agent", username="wang")
    response = api_as(None).post("auth/token", {"username": "wang", "password": "nope"})
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "message": "用户名或密码错误。", "fields": {}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        '"hello"',
        "{",
        "[]",
        '{"username": 1, "password": "x"}',
        '{"username": "a"}',
        '{"username": "a", "password": "b", "x": 1}',
    ],
)
def test_auth_token_malformed_bodies_are_typed_errors_never_500(body, api_as):
    response = api_as(None).post("auth/token", body)
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "fields"}


@pytest.mark.django_db
def test_tokens_list_create_revoke(api_as, make_user):
    client = api_as("engineer")
    created = client.post("auth/tokens", {"name": "手机"})
    assert created.status_code == 201
    listed = client.get("auth/tokens").json()
    assert [t["name"] for t in listed] == ["手机", "test"]
    token_id = listed[0]["id"]
    revoked = client.delete(f"auth/tokens/{token_id}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None


def test_anonymous_api_calls_are_401(client, db):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
