"""Q6 records kept: minimum keep times as policy; nothing removed by itself; after the minimum an
administrator archives a record kind to a zip (listed, downloadable) and removes it; refusals: the
audit events, unknown kinds, records too young, records an open case needs, a changed count."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from aftersales.accounts.selectors import actor_for
from aftersales.callbacks.services import low_score_received
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.reports import retention
from aftersales.reports.models import RetentionArchive
from aftersales.surveys.models import AnalysisReport, Campaign, Response
from tests.installed_base.factories import CustomerFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _old(months: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=31 * months)


@pytest.fixture
def data(make_user: Any) -> dict[str, Any]:
    admin = make_user("admin", username="admin_q6")
    campaign = Campaign.objects.create(title="2024 年满意度调查", period="2024-H2", created_by=admin)
    customers = [CustomerFactory() for _i in range(4)]
    made = {}
    for name, customer, age in (
        ("old", customers[0], 14),
        ("old2", customers[1], 13),
        ("young", customers[2], 6),
        ("needed", customers[3], 14),
    ):
        r = Response.objects.create(
            campaign=campaign, customer=customer, score=Decimal("50"), grade="dissatisfied", channel="paper",
            answers={"2": "satisfied"},
        )  # fmt: skip
        Response.objects.filter(pk=r.pk).update(created_at=_old(age))
        made[name] = r
    make_user("cs_manager", username="head_q6")
    low_score_received(None, source="survey", customer_id=customers[3].pk, subject=made["needed"], note="不满意")
    sent = AnalysisReport.objects.create(campaign=campaign, month=dt.date(2024, 10, 1), state="sent")
    draft = AnalysisReport.objects.create(campaign=campaign, month=dt.date(2024, 11, 1), state="draft")
    AnalysisReport.objects.filter(pk__in=[sent.pk, draft.pk]).update(created_at=_old(20))
    return {"admin": admin, "responses": made, "sent": sent, "draft": draft}


def test_preview_counts_removable_and_leaves_out_what_an_open_case_needs(data: dict[str, Any]) -> None:
    preview = retention.retention_preview(actor_for(data["admin"]), "survey_responses", today=TODAY)
    assert (preview.older, preview.removable) == (3, 2)  # the young one is not older; the needed one not removable
    assert preview.cutoff.date() == TODAY.replace(
        year=TODAY.year - 1, day=min(TODAY.day, 28)
    )  # 12 months (Q6.keep_survey_forms_months)


def test_archive_then_remove_with_the_file_listed(data: dict[str, Any]) -> None:
    admin = actor_for(data["admin"])
    archive = retention.retention_archive(actor=admin, code="survey_responses", expected=2, today=TODAY)
    left = set(Response.objects.values_list("pk", flat=True))
    assert left == {data["responses"]["young"].pk, data["responses"]["needed"].pk}
    with zipfile.ZipFile(io.BytesIO(bytes(archive.content))) as z:
        rows = json.loads(z.read("surveys.response.json"))
    assert sorted(r["id"] for r in rows) == sorted([data["responses"]["old"].pk, data["responses"]["old2"].pk])
    assert rows[0]["answers"] == {"2": "satisfied"}
    event = Event.objects.get(action="retention.archived")
    assert (event.rule, event.data["count"], event.data["kind"]) == ("Q6", 2, "survey_responses")
    # analysis reports: only the sent one (a draft is still in the works)
    retention.retention_archive(actor=admin, code="analysis_reports", today=TODAY)
    assert list(AnalysisReport.objects.values_list("pk", flat=True)) == [data["draft"].pk]


@pytest.mark.parametrize("code", ["events", "audit", "service_requests", "complaints", "nonsense"])
def test_refused_kinds(data: dict[str, Any], code: str) -> None:
    events_before = Event.objects.count()
    with pytest.raises(ValidationFailed):
        retention.retention_archive(actor=actor_for(data["admin"]), code=code, today=TODAY)
    assert Event.objects.count() == events_before
    assert not RetentionArchive.objects.exists()


def test_refused_when_nothing_is_old_enough_or_the_count_changed(data: dict[str, Any], make_user: Any) -> None:
    admin = actor_for(data["admin"])
    with pytest.raises(ValidationFailed):  # the administrator confirmed 3, but 2 may go now
        retention.retention_archive(actor=admin, code="survey_responses", expected=3, today=TODAY)
    with pytest.raises(ValidationFailed):  # 2025-01-01: nothing kept a year yet
        retention.retention_archive(actor=admin, code="survey_responses", today=dt.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        retention.retention_archive(actor=actor_for(make_user("quality")), code="survey_responses", today=TODAY)
    assert Response.objects.count() == 4
    assert not RetentionArchive.objects.exists()


def test_nothing_is_removed_by_itself(data: dict[str, Any]) -> None:
    from aftersales.reports.quality_tasks import early_warning_task, risk_review_task

    early_warning_task.call()
    risk_review_task.call()
    assert Response.objects.count() == 4
    assert AnalysisReport.objects.count() == 2


def test_management_command_previews_then_archives_on_confirm(data: dict[str, Any], capsys: Any) -> None:
    call_command("retention_archive", "survey_responses", "--by", "admin_q6")
    assert "2" in capsys.readouterr().out
    assert Response.objects.count() == 4
    call_command("retention_archive", "survey_responses", "--by", "admin_q6", "--confirm", "2")
    assert Response.objects.count() == 2
    assert RetentionArchive.objects.count() == 1


def test_page_confirm_step_list_and_download(data: dict[str, Any], make_user: Any) -> None:
    client = Client()
    client.force_login(data["admin"])
    page = client.get("/reports/retention/").content.decode()
    assert 'data-kind="survey_responses"' in page
    preview = client.post("/reports/retention/", {"kind": "survey_responses", "step": "preview"}).content.decode()
    assert 'id="retention-confirm"' in preview
    assert Response.objects.count() == 4
    unconfirmed = client.post("/reports/retention/", {"kind": "survey_responses", "expected": 2})
    assert unconfirmed.status_code == 422
    assert Response.objects.count() == 4
    done = client.post("/reports/retention/", {"kind": "survey_responses", "expected": 2, "confirm": "on"})
    assert done.status_code == 302
    assert Response.objects.count() == 2
    archive = RetentionArchive.objects.get()
    listed = client.get("/reports/retention/").content.decode()
    assert archive.file_name in listed
    download = client.get(f"/reports/retention/{archive.pk}/download/")
    assert download["Content-Type"] == "application/zip"
    assert download.content == bytes(archive.content)
    other = Client()
    other.force_login(make_user("quality"))
    assert other.get("/reports/retention/").status_code == 403
    assert other.get(f"/reports/retention/{archive.pk}/download/").status_code == 403


def test_period_reports_kept_their_24_months_then_only_decided_ones_archive(make_user: Any) -> None:
    from aftersales.reports.models import PeriodReport

    admin = actor_for(make_user("admin", username="admin_q6_tables"))
    made = {}
    for name, state, age in (("approved", "approved", 26), ("issued", "issued", 25), ("waiting", "submitted", 26)):
        made[name] = PeriodReport.objects.create(
            kind="analysis" if state != "issued" else "weekly",
            period=f"2024-0{len(made) + 1}",
            date_from=dt.date(2024, 1, 1),
            date_to=dt.date(2024, 1, 31),
            state=state,
            generated_at=_old(age),
        )
    young = PeriodReport.objects.create(
        kind="analysis", period="2026-01", date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 1, 31),
        state="approved", generated_at=_old(13),
    )  # fmt: skip

    preview = retention.retention_preview(admin, "period_reports", today=TODAY)
    retention.retention_archive(actor=admin, code="period_reports", expected=2, today=TODAY)

    assert preview.removable == 2  # 24 months (Q6.keep_statistics_months); one awaiting approval stays
    assert set(PeriodReport.objects.values_list("pk", flat=True)) == {made["waiting"].pk, young.pk}
