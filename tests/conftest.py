"""Shared fixtures: one user per role, an API client per user, the browser launch settings."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

# Playwright's sync API runs an event loop in the test thread; the ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "test-pass-123"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _intake_back_registration_unbounded(monkeypatch: Any) -> Any:
    """The intake scenarios back-register requests and complaints from autumn 2026 as a hotline agent;
    the S1 lower bound (S1.backdate_days, 30 days by default) has its own tests, which set the policy."""
    import dataclasses

    from aftersales.policies import defaults, selectors

    key = "S1.backdate_days"
    monkeypatch.setitem(defaults.POLICIES, key, dataclasses.replace(defaults.POLICIES[key], default=3650))
    selectors._default.cache_clear()
    yield
    selectors._default.cache_clear()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings: Any) -> None:
    """PBKDF2 at production strength costs ~0.3 s per user; tests create hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Every test Client builds its own middleware; WhiteNoise would index ~900 static files each time.
    settings.WHITENOISE_AUTOREFRESH = True
    # The audit chain's key (docs/decisions/0009): the suite's own, unless the run sets one.
    settings.AFTERSALES_AUDIT_KEY = settings.AFTERSALES_AUDIT_KEY or "test-audit-key"


@pytest.fixture(autouse=True)
def _statutory_calendars(request: Any) -> None:
    """Data migrations seed the CN and 24x7 calendars; a transactional test (browser tests, races)
    flushes every table when it ends, so tests that run after one in the same process would miss
    them. Re-seed them, the way the migration does, whenever they are missing."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames  # a test may reach the database through a fixture that asks for `db`
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    transactional = (marker is not None and marker.kwargs.get("transaction")) or "transactional_db" in names
    request.getfixturevalue("transactional_db" if transactional else "db")
    import importlib

    from django.apps import apps

    from aftersales.calendars.models import WorkCalendar

    if not WorkCalendar.objects.filter(code="CN").exists():
        importlib.import_module("aftersales.calendars.migrations.0002_statutory_cn_and_24x7").seed(apps, None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does: apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("agent") → a saved user holding that role (username = role unless given)."""
    from aftersales.accounts.services import user_create

    counter = {"n": 0}

    def _make(role: str, username: str | None = None, **kwargs: Any) -> Any:
        counter["n"] += 1
        name = username or (role if counter["n"] == 1 else f"{role}{counter['n']}")
        from aftersales.accounts.models import User

        if username is None and User.objects.filter(username=name).exists():
            name = f"{role}_{counter['n']}"
        return user_create(actor=None, username=name, password=PASSWORD, role=role, **kwargs)

    return _make


class ApiClient:
    """A Django test client that talks JSON to /api/v1 with a Bearer token (or anonymously)."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def _call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        fn = getattr(self.client, method)
        if method == "get":
            return fn(url, params or None, **self.headers)
        data = body if isinstance(body, str | bytes) else json.dumps(body if body is not None else {})
        return fn(url, data=data, content_type="application/json", **self.headers)

    def get(self, path: str, **params: Any) -> Any:
        return self._call("get", path, **params)

    def post(self, path: str, body: Any = None) -> Any:
        return self._call("post", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self._call("patch", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self._call("put", path, body)

    def delete(self, path: str) -> Any:
        return self._call("delete", path)


@pytest.fixture
def api_as(make_user: Callable[..., Any]) -> Callable[..., ApiClient]:
    """api_as("agent") or api_as(user) → ApiClient with a fresh token; api_as(None) → anonymous."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create

    def _client(who: Any) -> ApiClient:
        if who is None:
            return ApiClient(None)
        user = make_user(who) if isinstance(who, str) else who
        _token, clear = api_token_create(actor=actor_for(user), name="test")
        return ApiClient(clear)

    return _client


@pytest.fixture
def actor_of() -> Callable[[Any], Any]:
    from aftersales.accounts.selectors import actor_for

    return actor_for
