"""Q5: the staff appraisal (an approved, distributed document) names each person by their display name,
never by their login name (users are created with a display name only; review20)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_appraisal_rows_carry_the_display_name(make_user: Any) -> None:
    from aftersales.reports.figures import appraisal_figures

    make_user("engineer", username="eng_li_login", display_name="李工")
    make_user("agent", username="agent_zhao_login", display_name="赵客服")
    found = appraisal_figures("2026-11")
    names = {row["username"]: row["name"] for section in found["sections"] for row in section["rows"]}
    assert names["eng_li_login"] == "李工"
    assert names["agent_zhao_login"] == "赵客服"
