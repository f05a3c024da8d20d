"""Versions over HTTP on complaints (issue 12, point 10): the complaint answers are rendered by the
app itself (K11), and still carry ETag and honour If-Match (core/versions.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from aftersales.complaints.models import Complaint

pytestmark = pytest.mark.django_db


def test_complaint_get_sends_etag_and_a_stale_if_match_is_412(
    staff: dict[str, Any], api_as: Any, new_complaint: Any
) -> None:
    complaint = new_complaint()
    agent = api_as(staff["agent"].user)

    detail = agent.get(f"complaints/{complaint.number}")
    contacted = agent.client.post(
        f"/api/v1/complaints/{complaint.number}/contact",
        data=json.dumps({"note": "已电话联系客户"}),
        content_type="application/json",
        HTTP_IF_MATCH=detail["ETag"],
        **agent.headers,
    )
    stale = agent.client.post(
        f"/api/v1/complaints/{complaint.number}/contact",
        data=json.dumps({"note": "再次联系"}),
        content_type="application/json",
        HTTP_IF_MATCH=detail["ETag"],
        **agent.headers,
    )

    assert (detail.status_code, detail["ETag"]) == (200, '"1"')
    assert (contacted.status_code, contacted["ETag"]) == (200, '"2"')
    assert (stale.status_code, stale.json()["code"], stale.json()["fields"]) == (
        412,
        "version_conflict",
        {"version": ["2"]},
    )
    assert Complaint.objects.get(pk=complaint.pk).version == 2
