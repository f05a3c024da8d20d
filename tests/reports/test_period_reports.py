"""Q1 统计分析表, Q2 weekly report, Q5 staff appraisal: figures on hand-built cases, the approval flow
through the approvals engine, snapshot immutability, idempotent scheduled drafting, the job that
drafts on request, the pages, PDF and workbook, and the API."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from tests.reports.conftest import add_part, at, make_request, stopped_clock

NOV = "2026-11"
URL = "analysis-tables"


def _november(world: dict[str, Any]) -> None:
    s1, s2 = world["symptoms"]
    a = make_request(world, at("2026-11-01", 0, 5), symptom_code=s1)
    make_request(world, at("2026-11-15"), symptom_code=s1)
    make_request(world, at("2026-11-30", 23, 59), symptom_code=s2, unit=world["units"][1])
    add_part(world, a, "P-1", "主轴轴承")
    make_request(world, at("2026-10-20"), symptom_code=s1)  # the month before: one of product 1
    for day in ("2025-11-03", "2025-11-04", "2025-11-05", "2025-11-06"):  # a year before: four
        make_request(world, at(day), symptom_code=s2)


def _section(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(s for s in body["sections"] if s["code"] == code)


def test_analysis_figures_by_product_symptom_part(world: dict[str, Any]) -> None:
    from aftersales.reports.figures import analysis_figures

    _november(world)
    found = analysis_figures(NOV)
    product = _section(found, "product")
    assert product["total"] == 3
    assert product["previous"] == 1
    assert product["last_year"] == 4
    assert product["change_previous"] == 2.0
    assert product["change_last_year"] == -0.25
    first, second = product["rows"]
    assert (first["label"], first["count"], first["share"]) == ("XK-0001 数控铣床", 2, 0.6667)
    assert (first["previous"], first["change_previous"]) == (1, 1.0)
    assert (first["last_year"], first["change_last_year"]) == (4, -0.5)
    assert (second["label"], second["count"], second["previous"], second["change_previous"]) == (
        "CK-0002 数控车床",
        1,
        0,
        None,  # nothing the month before: no change figure
    )
    symptom = _section(found, "symptom")
    assert [(r["label"], r["count"], r["previous"], r["last_year"]) for r in symptom["rows"]] == [
        ("主轴异响", 2, 1, 0),
        ("液压漏油", 1, 0, 4),
    ]
    part = _section(found, "part")
    assert [(r["key"], r["label"], r["count"], r["share"]) for r in part["rows"]] == [("P-1", "主轴轴承", 1, 1.0)]


def test_analysis_table_approval_distribution_and_snapshot(world: dict[str, Any], api_as: Any, make_user: Any) -> None:
    from aftersales.approvals.models import Approval
    from aftersales.notifications.models import Notification

    _november(world)
    quality, rnd = make_user("quality"), make_user("rnd")
    analyst, head = make_user("analyst"), make_user("cs_manager")
    created = api_as(analyst).post(URL, {"period": NOV})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "submitted"
    assert _section(body, "product")["total"] == 3
    approval = Approval.objects.get(kind="period_report")
    assert (approval.required_role, approval.rule, approval.state) == ("cs_manager", "Q1", "pending")
    assert Notification.objects.filter(user=head).exists()  # the approver is told
    assert api_as("agent").get(f"{URL}/{NOV}").status_code == 403
    assert api_as(quality).post(f"{URL}/{NOV}/approve", {}).status_code == 403  # only the head approves
    approved = api_as(head).post(f"{URL}/{NOV}/approve", {})
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert approved.json()["approved_by"] == head.username
    for reader in (quality, rnd):
        assert Notification.objects.filter(user=reader, url__contains="/reports/periodic/analysis/2026-11/").exists()
    # A later change to the data moves the live statistics but never the approved table.
    make_request(world, at("2026-11-20"), symptom_code=world["symptoms"][0])
    live = api_as(quality).get("statistics/service-requests", **{"from": "2026-11-01", "to": "2026-11-30"}).json()
    assert live["total"] == 4
    stored = api_as(quality).get(f"{URL}/{NOV}").json()
    assert _section(stored, "product")["total"] == 3
    assert stored["sections"] == body["sections"]
    again = api_as(analyst).post(URL, {"period": NOV})  # drafting again leaves it as approved
    assert again.status_code == 200
    assert again.json()["sections"] == body["sections"]
    assert api_as(head).post(f"{URL}/{NOV}/approve", {}).status_code == 409


def test_refusal_needs_a_reason_and_sends_the_table_back(world: dict[str, Any], api_as: Any, make_user: Any) -> None:
    _november(world)
    analyst, head = make_user("analyst"), make_user("cs_manager")
    api_as(analyst).post(URL, {"period": NOV})
    head_api = api_as(head)
    assert head_api.post(f"{URL}/{NOV}/approve", {"approve": False}).status_code == 422
    back = head_api.post(f"{URL}/{NOV}/approve", {"approve": False, "note": "请核对配件数据"})
    assert back.status_code == 200
    assert back.json()["state"] == "draft"
    make_request(world, at("2026-11-21"))  # a draft's figures are refreshed when it is drafted again
    resubmitted = api_as(analyst).post(URL, {"period": NOV}).json()
    assert resubmitted["state"] == "submitted"
    assert _section(resubmitted, "product")["total"] == 4
    stale = head_api.post(f"{URL}/{NOV}/approve", {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert head_api.post(f"{URL}/{NOV}/approve", {"version": resubmitted["version"]}).json()["state"] == "approved"


def test_nobody_approves_their_own_table_and_periods_must_have_ended(world: dict[str, Any], api_as: Any) -> None:
    head = api_as("cs_manager")
    assert head.post(URL, {"period": NOV}).status_code == 201
    own = head.post(f"{URL}/{NOV}/approve", {})
    assert own.status_code == 403
    assert own.json()["code"] == "own_approval"
    analyst = api_as("analyst")
    assert analyst.post(URL, {"period": "2999-01"}).json()["code"] == "period_not_ended"
    assert analyst.post(URL, {"period": "2026-13"}).status_code == 422
    assert analyst.post(URL, {"period": "November"}).status_code == 422
    assert api_as("quality").post(URL, {"period": NOV}).status_code == 403  # readers do not draft
    assert analyst.get(f"{URL}/2026-09").status_code == 404


def test_scheduled_drafting_is_idempotent_and_tells_the_readers(world: dict[str, Any], make_user: Any) -> None:
    from aftersales.notifications.models import Notification
    from aftersales.reports.models import PeriodReport
    from aftersales.reports.tasks import analysis_table_task, appraisal_task, last_month, last_week, weekly_report_task

    analyst, head = make_user("analyst"), make_user("cs_manager")
    for task in (analysis_table_task, weekly_report_task, appraisal_task):
        assert task.call() is True
        assert task.call() is False  # the period is reported once
    reports = {r.kind: r for r in PeriodReport.objects.all()}
    assert set(reports) == {"analysis", "weekly", "appraisal"}
    assert reports["analysis"].period == last_month()
    assert reports["analysis"].state == "draft"
    assert reports["weekly"].period == last_week()
    assert reports["weekly"].state == "issued"
    assert reports["analysis"].generated_by is None  # drafted by the schedule
    assert Notification.objects.filter(user=analyst, url__contains="/reports/periodic/analysis/").count() == 1
    assert Notification.objects.filter(user=head, url__contains="/reports/periodic/weekly/").count() == 1
    client = Client()
    client.force_login(head)
    for report in reports.values():  # every report prints and exports
        base = f"/reports/periodic/{report.kind}/{report.period}/"
        assert client.get(base).status_code == 200
        assert client.get(f"{base}report.pdf")["Content-Type"] == "application/pdf"
        assert load_workbook(io.BytesIO(client.get(f"{base}report.xlsx").content)).active["B1"].value == report.period


def test_weekly_report_counts_phone_web_consulting_and_demand(world: dict[str, Any]) -> None:
    from aftersales.reports.figures import week_of, week_period, weekly_figures

    assert week_of("2026-W48") == (dt.date(2026, 11, 23), dt.date(2026, 11, 29))
    assert week_period(dt.date(2026, 11, 29)) == "2026-W48"
    make_request(world, at("2026-11-23", 0, 1))
    make_request(world, at("2026-11-25"), channel="web", kind="consulting")
    make_request(world, at("2026-11-29", 23, 59), channel="web")
    make_request(world, at("2026-11-30", 0, 0))  # the next week
    make_request(world, at("2026-11-18"))  # the week before: one phone call
    found = weekly_figures("2026-W48")
    head = found["headline"]
    assert head["phone"] == {"count": 1, "previous": 1, "change_previous": 0.0}
    assert head["web"] == {"count": 2, "previous": 0, "change_previous": None}
    assert head["consulting"]["count"] == 1
    assert head["demand"] == {"count": 3, "previous": 1, "change_previous": 2.0}
    kinds = {r["key"]: r["count"] for r in _section(found, "kind")["rows"]}
    assert kinds == {"repair": 2, "consulting": 1}


def test_appraisal_per_engineer_and_agent(world: dict[str, Any], make_user: Any) -> None:
    from aftersales.complaints.models import Complaint
    from aftersales.followup.models import ServiceRating
    from aftersales.reports.figures import appraisal_figures

    engineer, idle = world["engineers"]
    agent = world["agent"]
    done = make_request(
        world, at("2026-11-02"), engineer=engineer, completed_at=at("2026-11-02", 16), resolution="on_site"
    )
    make_request(world, at("2026-11-05"), engineer=engineer, completed_at=at("2026-11-09"), resolution="depot")
    make_request(world, at("2026-10-05"), engineer=engineer)  # October: not this month's job
    stopped_clock(done, "arrive", due_at=at("2026-11-02", 12), stopped_at=at("2026-11-02", 12))  # exactly at due
    stopped_clock(done, "solve", due_at=at("2026-11-02", 15), stopped_at=at("2026-11-02", 16))  # late
    stopped_clock(done, "respond", due_at=at("2026-11-02", 11), stopped_at=at("2026-11-02", 10))  # the agent's
    ServiceRating.objects.create(
        request=done, customer=world["customer"], engineer=engineer, channel="phone", attitude="very_satisfied",
        skill="satisfied", arrival_time="average", promises_kept="satisfied", recorded_by=agent,
        created_at=at("2026-11-10"),
    )  # fmt: skip
    Complaint.objects.create(
        number="TS202611T009", customer=world["customer"], complaint_class="service", channel="phone",
        description="态度差", received_at=at("2026-11-03"), registered_by=agent, service_request=done,
        state="closed", closed_at=at("2026-11-12"), human_factor=True, responsible_person=engineer,
    )  # fmt: skip
    found = appraisal_figures(NOV)
    engineers = {r["username"]: r for r in _section(found, "engineer")["rows"]}
    row = engineers[engineer.username]
    assert (row["jobs"], row["completed"], row["first_time_fixes"], row["first_time_fix_rate"]) == (2, 2, 1, 0.5)
    assert (row["clocks"], row["on_time"], row["on_time_rate"]) == (2, 1, 0.5)
    assert (row["ratings"], row["satisfaction"]) == (1, 0.75)
    assert row["penalty_points"] == 3
    assert row["complaints"] == ["TS202611T009"]
    assert engineers[idle.username]["jobs"] == 0
    assert engineers[idle.username]["on_time_rate"] is None
    agents = {r["username"]: r for r in _section(found, "agent")["rows"]}
    assert (agents[agent.username]["jobs"], agents[agent.username]["on_time_rate"]) == (2, 1.0)


def test_pages_job_progress_pdf_and_workbook(world: dict[str, Any], make_user: Any, tmp_path: Any) -> None:
    from aftersales.core.jobs import job_run
    from aftersales.core.models import Job

    _november(world)
    analyst, head = make_user("analyst"), make_user("cs_manager")
    client = Client()
    client.force_login(analyst)
    assert 'id="period-report-table"' in client.get("/reports/periodic/").content.decode()
    listing = client.get("/reports/periodic/analysis/")
    assert listing.status_code == 200
    assert 'id="report-generate"' in listing.content.decode()
    started = client.post("/reports/periodic/analysis/draft/", {"period": NOV})
    job = Job.objects.get(kind="reports.period_report")
    assert started.url == f"/jobs/{job.pk}/"
    assert job_run(job.pk) == "done"
    job.refresh_from_db()
    assert job.result["url"] == "/reports/periodic/analysis/2026-11/"
    assert 'id="job-result-link"' in client.get(f"/jobs/{job.pk}/").content.decode()
    page = client.get("/reports/periodic/analysis/2026-11/")
    assert 'id="report-submit"' in page.content.decode()
    assert "数控铣床" in page.content.decode()
    client.post("/reports/periodic/analysis/2026-11/submit/", {"version": "1"})
    boss = Client()
    boss.force_login(head)
    assert 'id="period-reports-link"' in boss.get("/reports/dashboard/").content.decode()  # not in the menu
    assert 'id="report-approve"' in boss.get("/reports/periodic/analysis/2026-11/").content.decode()
    boss.post("/reports/periodic/analysis/2026-11/approve/", {"version": "2"})
    pdf = boss.get("/reports/periodic/analysis/2026-11/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "t.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("统计分析表", "按产品", "按故障现象", "按更换器件", "去年同月", "主轴轴承", "已批准"):
        assert words in text, words
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "WenQuanYi" in fonts  # the Chinese is drawn with a CJK font, not as boxes
    book = load_workbook(io.BytesIO(boss.get("/reports/periodic/analysis/2026-11/report.xlsx").content))
    assert book.sheetnames[1:] == ["按产品", "按故障现象", "按更换器件"]
    assert [c.value for c in book["按产品"][2]][:3] == [1, "XK-0001 数控铣床", 2]
    export = boss.get("/reports/periodic/analysis/?export=xlsx")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert NOV in [cell.value for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize(("role", "kind", "status"), [
    ("quality", "analysis", 200), ("quality", "appraisal", 403), ("team_lead", "appraisal", 200),
    ("agent", "analysis", 403), ("gm", "weekly", 200), ("manufacturing", "analysis", 200),
    ("manufacturing", "weekly", 403), ("manufacturing", "appraisal", 403),
])  # fmt: skip
def test_who_reads_which_report(db: Any, make_user: Any, role: str, kind: str, status: int) -> None:
    client = Client()
    client.force_login(make_user(role))
    assert client.get(f"/reports/periodic/{kind}/").status_code == status


def test_appraisal_is_reviewed_and_approved_through_the_engine(world: dict[str, Any], make_user: Any) -> None:
    from aftersales.accounts.selectors import actor_for
    from aftersales.core.errors import Conflict
    from aftersales.notifications.models import Notification
    from aftersales.reports.period_reports import may_decide, report_decide, report_draft, report_submit

    analyst, head, lead = make_user("analyst"), make_user("cs_manager"), make_user("team_lead")
    report, created = report_draft(actor=actor_for(analyst), kind="appraisal", period=NOV)
    assert created
    assert report.state == "draft"
    make_request(world, at("2026-11-08"), engineer=world["engineers"][0])
    report, created = report_draft(actor=actor_for(analyst), kind="appraisal", period=NOV)  # refreshed
    assert not created
    assert report.version == 2
    assert {r["username"]: r["jobs"] for r in _section(report.snapshot, "engineer")["rows"]}["eng_r1"] == 1
    assert not may_decide(actor_for(head), report)  # a draft waits for no decision
    submitted = report_submit(actor=actor_for(analyst), kind="appraisal", period=NOV, expected_version=2)
    assert may_decide(actor_for(head), submitted)
    assert not may_decide(actor_for(analyst), submitted)  # only the head of after-sales decides
    with pytest.raises(Conflict):
        report_submit(actor=actor_for(analyst), kind="appraisal", period=NOV)
    approved = report_decide(actor=actor_for(head), kind="appraisal", period=NOV, expected_version=submitted.version)
    assert approved.state == "approved"
    assert approved.approved_by == head
    assert Notification.objects.filter(user=lead, url="/reports/periodic/appraisal/2026-11/").exists()
    make_request(world, at("2026-11-09"), engineer=world["engineers"][0])
    frozen, _created = report_draft(actor=actor_for(analyst), kind="appraisal", period=NOV)
    assert frozen.snapshot == approved.snapshot  # approved figures never move


def test_manufacturing_receives_the_approved_table_only(world: dict[str, Any], api_as: Any, make_user: Any) -> None:
    """002 §5.1.10 报送制造本部 (docs/decisions/0040): told when approved, reads approved tables only, on its
    home page too; never the drafts, the statistics or the decision."""
    from aftersales.notifications.models import Notification

    _november(world)
    maker, analyst, head = make_user("manufacturing"), make_user("analyst"), make_user("cs_manager")
    page = Client()
    page.force_login(maker)
    assert api_as(analyst).post(URL, {"period": NOV}).status_code == 201
    assert api_as(maker).get(f"{URL}/{NOV}").status_code == 404  # submitted, not yet distributed
    assert NOV not in page.get("/reports/periodic/analysis/").content.decode()
    assert api_as(maker).post(f"{URL}/{NOV}/approve", {}).status_code == 403
    assert not Notification.objects.filter(user=maker).exists()
    assert api_as(head).post(f"{URL}/{NOV}/approve", {}).status_code == 200
    assert Notification.objects.filter(user=maker, url__contains="/reports/periodic/analysis/2026-11/").exists()
    got = api_as(maker).get(f"{URL}/{NOV}")
    assert got.status_code == 200
    assert _section(got.json(), "product")["total"] == 3
    assert NOV in page.get("/reports/periodic/analysis/").content.decode()
    assert page.get(f"/reports/periodic/analysis/{NOV}/").status_code == 200
    home = page.get("/").content.decode()
    assert "/reports/periodic/analysis/" in home
    assert page.get("/reports/statistics/").status_code == 403
    assert (
        api_as(maker).get("statistics/service-requests", **{"from": "2026-11-01", "to": "2026-11-30"}).status_code
        == 403
    )


def test_a_failed_submit_leaves_no_draft_behind(
    world: dict[str, Any], api_as: Any, make_user: Any, monkeypatch
) -> None:
    from aftersales.core.errors import ValidationFailed
    from aftersales.reports import period_reports
    from aftersales.reports.models import PeriodReport

    def refused(**_kwargs: Any) -> None:
        raise ValidationFailed("审批无法发起")

    _november(world)
    monkeypatch.setattr(period_reports, "approval_request", refused)
    r = api_as(make_user("analyst")).post(URL, {"period": NOV})
    assert r.status_code == 422
    assert not PeriodReport.objects.exists()  # drafted and submitted as one: nothing half done
