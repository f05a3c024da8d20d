"""Q7 dispatch register: the engineer column names the engineer by their display name (users are created
with a display name only; the column read first and last name, so it was empty; review20)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.reports.conftest import at, make_request

pytestmark = pytest.mark.django_db


def test_dispatch_register_names_the_engineer(world: dict[str, Any], make_user: Any) -> None:
    engineer = make_user("engineer", username="eng_sun_login", display_name="孙工")
    make_request(world, at("2026-11-02"), engineer=engineer, dispatched_at=at("2026-11-02", 11))
    client = Client()
    client.force_login(make_user("analyst", username="analyst_names"))
    url = reverse("reports:register", args=["dispatch"]) + "?date_from=2026-11-01&date_to=2026-11-30"
    page = client.get(url).content.decode()
    assert "孙工" in page
    export = client.get(url + "&export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert "孙工" in [c.value for row in sheet.iter_rows() for c in row]
