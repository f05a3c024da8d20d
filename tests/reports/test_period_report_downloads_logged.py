"""Q5: the staff appraisal's workbook and PDF are exports of people's figures; like every list export
(core.lists.export_log, `list.exported`) each download is logged: who, which report, how many rows
(review20)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aftersales.core.models import Event

pytestmark = pytest.mark.django_db


def test_appraisal_downloads_are_logged(make_user: Any) -> None:
    from aftersales.reports.figures import appraisal_figures
    from aftersales.reports.models import PeriodReport

    make_user("engineer", username="eng_logged", display_name="周工")
    report = PeriodReport.objects.create(
        kind="appraisal", period="2026-11", date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30),
        state="draft", snapshot=appraisal_figures("2026-11"), generated_at=timezone.now(),
    )  # fmt: skip
    head = make_user("cs_manager", username="head_logged")
    client = Client()
    client.force_login(head)
    for name in ("reports:period_report_xlsx", "reports:period_report_pdf"):
        assert client.get(reverse(name, args=[report.kind, report.period])).status_code == 200
    logged = Event.objects.filter(action="list.exported", actor_id=head.pk)
    assert [e.data["list"] for e in logged.order_by("id")] == ["period-report-appraisal"] * 2
    assert all(e.data["count"] >= 1 and e.data["filters"] == {"period": "2026-11"} for e in logged)
