"""The NinjaAPI shell (aftersales/api.py): the OpenAPI document is built once per process."""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import ninja.main
import pytest
from django.test import Client
from django.utils import translation

from aftersales.api import api


@pytest.fixture
def fresh_schema_cache(monkeypatch: pytest.MonkeyPatch) -> mock.Mock:
    """An empty document cache, and a counter of the builds of Ninja's schema builder."""
    monkeypatch.setattr(api, "_schemas", {})
    builder = mock.Mock(wraps=ninja.main.get_schema)
    monkeypatch.setattr(ninja.main, "get_schema", builder)
    return builder


@pytest.mark.django_db
def test_openapi_document_is_built_once_for_repeated_anonymous_calls(fresh_schema_cache: mock.Mock) -> None:
    client = Client()

    first = client.get("/api/v1/openapi.json")
    second = client.get("/api/v1/openapi.json")

    assert (first.status_code, second.status_code) == (200, 200)
    assert fresh_schema_cache.call_count == 1
    assert first.content == second.content
    document: dict[str, Any] = json.loads(first.content)
    assert document["info"]["title"] == "aftersales API"
    assert "/api/v1/service-requests/{number}" in document["paths"]


def test_openapi_document_is_the_same_object_per_language(fresh_schema_cache: mock.Mock) -> None:
    with translation.override("zh-hans"):
        chinese = api.get_openapi_schema()
        assert api.get_openapi_schema() is chinese
    with translation.override("en"):
        english = api.get_openapi_schema()
        assert api.get_openapi_schema() is english

    assert english is not chinese
    assert fresh_schema_cache.call_count == 2
