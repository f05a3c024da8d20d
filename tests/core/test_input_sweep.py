"""The NUL/offset sweep: every operation of the OpenAPI document, every path parameter, query
parameter and string body field with a NUL character, every date-time with an impossible offset.

Each answer must be 422 `validation_failed` naming the field, and nothing may change; run on
SQLite and on PostgreSQL (where both used to be server errors).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts.choices import Role
from aftersales.api import api
from aftersales.core.models import Event

NUL = "a\x00b"
BAD_OFFSET = "2026-12-07T10:00:00+22:55"
STAFF_ROLES = [role for role in Role.values if role != Role.CUSTOMER]


@functools.cache
def _schema() -> dict[str, Any]:
    return api.get_openapi_schema()


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _string_fields(schema: dict[str, Any], node: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, bool]]:
    """(dotted name, is a date-time) of every string property, through $ref, anyOf and arrays."""
    node = _resolve(schema, node)
    options = node.get("anyOf") or node.get("oneOf") or [node]
    seen_string = False
    for option in options:
        option = _resolve(schema, option)
        kind = option.get("type")
        if kind == "string" and not seen_string:
            seen_string = True
            yield prefix, option.get("format") == "date-time"
        elif kind == "object" or "properties" in option:
            for name, child in option.get("properties", {}).items():
                yield from _string_fields(schema, child, f"{prefix}.{name}" if prefix else name)
        elif kind == "array" and "items" in option:
            yield from _string_fields(schema, option["items"], f"{prefix}.0" if prefix else "0")


def _body_for(name: str, value: str) -> Any:
    """{"a": {"b": [value]}} for "a.b.0"."""
    parts = name.split(".")
    data: Any = value
    for part in reversed(parts):
        data = [data] if part.isdigit() else {part: data}
    return data


def _cases() -> Iterator[Any]:
    schema = _schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            op = f"{method.upper()} {path}"
            params = operation.get("parameters", [])
            for param in params:
                if param["in"] not in ("path", "query"):
                    continue
                param_schema = _resolve(schema, param.get("schema", {}))
                yield pytest.param(op, param["in"], param["name"], NUL, id=f"{op} {param['in']} {param['name']} NUL")
                formats = [_resolve(schema, o).get("format") for o in param_schema.get("anyOf", [param_schema])]
                if "date-time" in formats:
                    yield pytest.param(op, param["in"], param["name"], BAD_OFFSET, id=f"{op} {param['name']} offset")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body is None:
                continue
            for name, is_datetime in _string_fields(schema, body):
                yield pytest.param(op, "body", name or "body", NUL, id=f"{op} body {name} NUL")
                if is_datetime:
                    yield pytest.param(op, "body", name or "body", BAD_OFFSET, id=f"{op} body {name} offset")


def _call(client: Any, op: str, where: str, name: str, value: str, token: str) -> Any:
    method, path = op.split(" ", 1)
    schema = _schema()
    operation = schema["paths"][path][method.lower()]
    url = path
    for param in operation.get("parameters", []):
        if param["in"] == "path":
            url = url.replace("{" + param["name"] + "}", quote(value, safe="") if param["name"] == name else "1")
    query = f"?{quote(name)}={quote(value, safe='')}" if where == "query" else ""
    body = _body_for(name, value) if where == "body" else ({} if method != "GET" else None)
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method.lower())(url + query, **kwargs)


@pytest.fixture
def broad_token(make_user: Any) -> str:
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create, roles_sync

    roles_sync()
    user = make_user(Role.ADMIN, username="sweeper")
    user.groups.add(*Group.objects.filter(name__in=STAFF_ROLES))
    _token, clear = api_token_create(actor=actor_for(user), name="sweep")
    return clear


def test_the_sweep_covers_every_operation() -> None:
    swept = set(_by_operation())
    schema = _schema()
    every = {f"{m.upper()} {p}" for p, methods in schema["paths"].items() for m in methods}
    # Operations with no path parameter, query parameter or body take no text to refuse.
    textless = {
        op
        for op in every
        if not schema["paths"][op.split(" ", 1)[1]][op.split(" ", 1)[0].lower()].get("parameters")
        and "requestBody" not in schema["paths"][op.split(" ", 1)[1]][op.split(" ", 1)[0].lower()]
    }
    assert every - textless == swept
    assert len(swept) > 60


def _by_operation() -> dict[str, list[tuple[str, str, str]]]:
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for case in _cases():
        op, where, name, value = case.values
        grouped.setdefault(op, []).append((where, name, value))
    return grouped


@pytest.mark.parametrize("op", sorted(_by_operation()))
def test_nul_and_impossible_offsets_are_refused_with_422(client: Any, broad_token: str, op: str) -> None:
    events = Event.objects.count()
    wrong = []

    for where, name, value in _by_operation()[op]:
        response = _call(client, op, where, name, value, broad_token)

        expected = (
            "The text contains a NUL character (\\0), which cannot be stored."
            if value == NUL
            else "The UTC offset must lie between -12:00 and +14:00."
        )
        answer = response.json() if response.status_code < 500 else response.content[:200]
        if answer != {
            "code": "validation_failed",
            "message": "The request data is invalid.",
            "fields": {name: [expected]},
        }:
            wrong.append((where, name, repr(value), response.status_code, answer))

    assert wrong == []
    assert Event.objects.count() == events
