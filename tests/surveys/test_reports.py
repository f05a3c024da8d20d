"""V5: the monthly analysis report per campaign — a snapshot that stays as reported, due by the 5th of
the next month (a clock), with the previous period, the complaints and the feedback; page, PDF, Excel."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.clocks.models import Clock
from aftersales.surveys.models import AnalysisReport
from aftersales.surveys.reports import report_send, reports_generate
from aftersales.surveys.services import campaign_create, response_record
from tests.installed_base.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db
ALL = {str(n): "satisfied" for n in range(2, 9)}
FAIR = {str(n): "fairly_satisfied" for n in range(2, 9)}


@pytest.fixture
def analyst(make_user, actor_of):
    return actor_of(make_user("analyst"))


def _survey(analyst, answers):
    from aftersales.installed_base.models import Product

    if not Product.objects.filter(model="HCC-T1").exists():
        ProductFactory(model="HCC-T1")
    customers = [CustomerFactory() for _ in range(len(answers))]
    campaign = campaign_create(
        actor=analyst, title="年度满意度调查", period="2026", customers=[c.pk for c in customers]
    )
    for customer, a in zip(customers, answers, strict=True):
        response_record(
            actor=analyst,
            campaign_id=campaign.pk,
            customer_id=customer.pk,
            products=["HCC-T1"],
            answers=a,
            comment="服务很及时",
        )
    return campaign


def test_report_snapshot_due_by_the_5th_and_previous_period(analyst, make_user, actor_of, tmp_path: Path):
    from django.utils import timezone

    this_month = timezone.localdate().replace(day=1)
    first = _survey(analyst, [FAIR])
    AnalysisReport.objects.create(
        campaign=first, month=this_month - dt.timedelta(days=40), snapshot={"result": {"score": 80.0, "by_product": []}}
    )
    campaign = _survey(analyst, [ALL, FAIR])
    made = reports_generate(month=this_month)
    report = next(r for r in made if r.campaign_id == campaign.pk)
    snap = report.snapshot
    assert snap["result"]["score"] == 90.0
    assert snap["result"]["grade"] == "satisfied"
    assert snap["previous"]["result"]["score"] == 80.0
    assert snap["feedback"][0]["comment"] == "服务很及时"
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    assert timezone.localtime(report.due_at).date() == next_month.replace(day=5)
    assert Clock.objects.filter(subject_id=str(report.pk), kind="satisfaction_report", state="running").exists()
    assert reports_generate(month=this_month) == []  # once per campaign and month
    client = Client()
    client.force_login(make_user("mgmt_rep"))
    page = client.get(f"/surveys/reports/{report.pk}/")
    assert page.status_code == 200
    assert "90.0" in page.content.decode()
    pdf = client.get(f"/surveys/reports/{report.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "顾客满意度分析报告" in text
    assert "HCC-T1" in text
    xlsx = client.get(f"/surveys/reports/{report.pk}/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.worksheets[0]["B7"].value == 90.0


def test_sending_stops_the_clock_and_tells_the_recipients(analyst, make_user):
    from django.utils import timezone

    from aftersales.notifications.models import Notification

    rep = make_user("mgmt_rep")
    quality = make_user("quality")
    campaign = _survey(analyst, [ALL])
    report = reports_generate(month=timezone.localdate())[0]
    assert report.campaign_id == campaign.pk
    report_send(actor=analyst, report_id=report.pk)
    report.refresh_from_db()
    assert report.state == "sent"
    assert Clock.objects.get(subject_id=str(report.pk), kind="satisfaction_report").state == "stopped"
    for user in (rep, quality):  # the management representative and quality are both told
        told = Notification.objects.get(user=user)
        assert told.url == f"/surveys/reports/{report.pk}/"
        assert report.month.strftime("%Y-%m") in told.title


def test_generation_reports_progress_campaign_by_campaign(analyst):
    from django.utils import timezone

    _survey(analyst, [ALL])
    _survey(analyst, [FAIR])
    told = []
    made = reports_generate(month=timezone.localdate(), progress=lambda done, total, stage: told.append((done, total)))
    assert len(made) == 2
    assert told == [(0, 2), (1, 2), (2, 2)]
    assert reports_generate(month=timezone.localdate()) == []  # made once per campaign and month


def test_building_the_reports_from_the_page_is_a_background_job_with_progress(analyst):
    from django.utils import timezone

    from aftersales.core.models import Job
    from tests.jobs import submit_and_run

    _survey(analyst, [ALL])
    client = Client()
    client.force_login(analyst.user)
    assert 'id="report-generate"' in client.get("/surveys/reports/").content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    page = submit_and_run(client, "/surveys/reports/generate/", {"month": month})
    assert page.status_code == 200
    job = Job.objects.get(kind="surveys.reports")
    assert job.state == "done"
    assert (job.done, job.total) == (1, 1)
    assert (job.result["month"], job.result["reports"]) == (month, 1)
    assert 'id="job-done"' in page.content.decode()
    assert AnalysisReport.objects.filter(month=timezone.localdate().replace(day=1)).count() == 1
