"""Background jobs (core.jobs, issue 13 point 9): imports and large exports run as tasks on the task
backend, with a progress page, a result page, downloads for the owner only and a bell notification.

The tasks are stored by the real backend (django_tasks_db) and run by its worker's own `run_task`
(the loop of `aftersales db_worker` and of the thread `aftersales serve` runs closes connections
between tasks, which a test's transaction cannot survive)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from aftersales.core.models import Event, Job
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Product
from aftersales.notifications.models import Notification

pytestmark = pytest.mark.django_db

HEADER = ["客户名称", "类型", "电话", "地址", "区域", "信用等级", "重点客户", "联系人", "联系电话"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def login(make_user: Any) -> Any:
    def _login(who: Any) -> Client:
        user = make_user(who) if isinstance(who, str) else who
        client = Client()
        client.force_login(user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return _login


def workbook(rows: list[list[Any]], header: list[str] = HEADER, name: str = "customers.xlsx") -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = name
    return buffer


def run_tasks() -> int:
    """What the worker thread of `aftersales serve` does, until no task waits: claim, run_task."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    ran = 0
    while (waiting := DBTaskResult.objects.ready().first()) is not None:
        waiting.claim("test")
        worker.run_task(waiting)
        ran += 1
    return ran


def upload(client: Client, django_capture_on_commit_callbacks: Any, rows: list[list[Any]], **extra: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("customers:import"), {"what": "customers", "file": workbook(rows), **extra})


def job_id(response: Any) -> int:
    assert response.status_code == 302, response.content[:500]
    found = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert found, response["Location"]
    return int(found.group(1))


def test_import_job_lifecycle_queued_then_done_with_result_page_and_bell(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("cs_manager")
    response = upload(client, django_capture_on_commit_callbacks, [["甲公司", "经销商", "", "", "", "", "是", "", ""]])
    pk = job_id(response)
    assert Customer.objects.count() == 0  # not imported yet: the job waits for the worker

    page = client.get(f"/jobs/{pk}/").content.decode()
    assert 'data-state="queued"' in page
    assert f'hx-get="/jobs/{pk}/status/"' in page  # the page polls while the job waits or runs
    assert 'id="job-progress"' in page

    run_tasks()

    job = Job.objects.get(pk=pk)
    assert (job.state, job.done, job.total, job.result["created"]) == ("done", 1, 1, 1)
    assert job.started_at is not None
    assert job.finished_at is not None
    status = client.get(f"/jobs/{pk}/status/").content.decode()
    assert 'data-state="done"' in status
    assert "hx-get" not in status  # polling stops once the job ended
    assert "已导入 1 条记录。" in status
    assert list(Customer.objects.values_list("name", "kind", "key_account")) == [("甲公司", "dealer", True)]
    # audited moves, and the owner is told in the bell with the job's page
    assert list(
        Event.objects.filter(subject_type="core.job", subject_id=str(pk))
        .order_by("id")
        .values_list("action", flat=True)
    ) == ["job.queued", "job.running", "job.done"]
    note = Notification.objects.get(user=client.user)  # type: ignore[attr-defined]
    assert note.url == f"/jobs/{pk}/"
    assert "客户导入" in note.title
    # the job is listed on "my jobs"
    assert f'href="/jobs/{pk}/"' in client.get("/jobs/").content.decode()


def test_a_second_run_of_the_task_changes_nothing(login: Any, django_capture_on_commit_callbacks: Any) -> None:
    from aftersales.core.jobs import job_run

    client = login("cs_manager")
    pk = job_id(upload(client, django_capture_on_commit_callbacks, [["甲公司", "经销商", "", "", "", "", "", "", ""]]))
    run_tasks()
    assert job_run(pk) == "done"  # delivered twice: the job is not claimed again
    assert Customer.objects.count() == 1


def test_3000_row_import_reports_refused_rows_and_the_report_downloads(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [[f"客户{n:04d}有限公司", "经销商", "", "", "", "", "否", "", ""] for n in range(3000)]
    for n in (10, 1500, 2999):
        rows[n][1] = "批发"  # an unknown kind: excel rows n + 2
    client = login("cs_manager")
    pk = job_id(upload(client, django_capture_on_commit_callbacks, rows))
    run_tasks()

    job = Job.objects.get(pk=pk)
    assert job.state == "done"
    assert (job.done, job.total) == (3000, 3000)
    assert (job.result["rows"], job.result["refused"], job.result["created"]) == (3000, 3, 0)
    assert Customer.objects.count() == 0  # one bad row imports nothing (C1)
    page = client.get(f"/jobs/{pk}/").content.decode()
    assert 'id="import-failed"' in page
    assert "<td>12</td><td>类型</td>" in page
    assert "<td>3001</td><td>类型</td>" in page

    report = client.get(f"/jobs/{pk}/file/report/")
    assert report.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("行", "列", "问题")
    assert [row[0] for row in values[1:]] == [12, 1502, 3001]


def test_only_the_owner_or_an_administrator_sees_a_job(
    login: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = login("cs_manager")
    rows = [["甲公司", "批发", "", "", "", "", "", "", ""]]
    pk = job_id(upload(owner, django_capture_on_commit_callbacks, rows))
    run_tasks()
    assert owner.get(f"/jobs/{pk}/file/report/").status_code == 200

    other = login(make_user("cs_manager", username="other_mgr"))
    for url in (f"/jobs/{pk}/", f"/jobs/{pk}/status/", f"/jobs/{pk}/file/report/"):
        assert other.get(url).status_code == 404
    assert f"/jobs/{pk}/" not in other.get("/jobs/").content.decode()
    assert other.get("/jobs/999999/").status_code == 404
    admin = login(make_user("admin", username="the_admin"))
    assert admin.get(f"/jobs/{pk}/").status_code == 200
    assert owner.get(f"/jobs/{pk}/file/nothing/").status_code == 404
    assert Client().get(f"/jobs/{pk}/").status_code == 302  # anonymous: to the sign-in page


def test_a_file_that_is_not_a_workbook_fails_the_job_with_the_reason(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("cs_manager")
    bad = io.BytesIO(b"not a workbook")
    bad.name = "customers.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        pk = job_id(client.post(reverse("customers:import"), {"what": "customers", "file": bad}))
    run_tasks()
    assert Job.objects.get(pk=pk).state == "failed"
    page = client.get(f"/jobs/{pk}/").content.decode()
    assert 'id="job-failed"' in page
    assert "不是 Excel 工作簿" in page
    assert "失败" in Notification.objects.get(user=client.user).title  # type: ignore[attr-defined]


def test_the_same_upload_form_submitted_twice_starts_one_job(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("cs_manager")
    form = client.get(reverse("customers:import")).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', form)
    assert token, "the page's form carries a one-time token"
    assert 'id="import-submit"' in form
    rows = [["甲公司", "经销商", "", "", "", "", "", "", ""]]
    first = upload(client, django_capture_on_commit_callbacks, rows, form_token=token.group(1))
    second = upload(client, django_capture_on_commit_callbacks, rows, form_token=token.group(1))
    assert second.status_code == 302
    assert second["Location"] == first["Location"]  # sent to the first job's page
    assert Job.objects.count() == 1
    run_tasks()
    assert Customer.objects.count() == 1


def test_unit_import_page_runs_in_the_background(login: Any, django_capture_on_commit_callbacks: Any) -> None:
    from tests.installed_base.factories import CustomerFactory, ProductFactory

    product = ProductFactory()
    customer = CustomerFactory()
    header = [
        "序列号",
        "型号",
        "客户编号",
        "生产日期",
        "发货日期",
        "购买日期",
        "购买地点",
        "验收日期",
        "保修月数",
        "安装地点",
    ]
    rows = [
        ["SN-BG-1", product.model, customer.code, "2025-01-01", "", "", "", "", "", ""],
        ["SN-BG-2", "NO-SUCH", customer.code, "2025-01-01", "", "", "", "", "", ""],
    ]
    client = login("cs_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("installed_base:unit_import"), {"file": workbook(rows, header=header, name="units.xlsx")}
        )
    pk = job_id(response)
    run_tasks()
    job = Job.objects.get(pk=pk)
    assert (job.kind, job.state, job.result["refused"]) == ("units.import", "done", 1)
    assert "<td>3</td><td>型号</td>" in client.get(f"/jobs/{pk}/").content.decode()


# --- large exports ------------------------------------------------------------------------------


def test_an_export_over_the_threshold_runs_in_the_background_with_every_row(
    login: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert settings.AFTERSALES_EXPORT_BACKGROUND_ROWS == 5000
    Product.objects.bulk_create(
        [Product(model=f"BG-{n:05d}", name="数控铣床", category="数控机床") for n in range(5001)]
        + [Product(model="OTHER-1", name="车床", category="车床")]
    )
    client = login("cs_manager")
    url = reverse("installed_base:product_list")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"export": "xlsx", "category": "数控机床"})
    pk = job_id(response)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.get(url, {"export": "xlsx", "category": "数控机床"})
    assert job_id(again) == pk  # a second click shows the same running job
    assert 'data-state="queued"' in client.get(f"/jobs/{pk}/").content.decode()

    run_tasks()

    job = Job.objects.get(pk=pk)
    assert (job.state, job.done, job.total, job.result["exported"]) == ("done", 5001, 5001, 5001)
    page = client.get(f"/jobs/{pk}/").content.decode()
    assert 'id="export-done"' in page
    assert f'href="/jobs/{pk}/file/result/"' in page
    download = client.get(f"/jobs/{pk}/file/result/")
    assert download.status_code == 200
    assert "products-" in download["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "型号"
    models = {row[0] for row in values[1:]}
    assert len(values) == 5002
    assert "OTHER-1" not in models  # the list's filter applies
    assert {"BG-00000", "BG-05000"} <= models
    logged = Event.objects.filter(action="list.exported", actor=client.user).get()  # type: ignore[attr-defined]
    assert (logged.data["list"], logged.data["count"]) == ("products", 5001)


def test_a_small_export_stays_streamed(login: Any) -> None:
    Product.objects.bulk_create([Product(model=f"SM-{n}", name="车床", category="车床") for n in range(3)])
    response = login("cs_manager").get(reverse("installed_base:product_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert Job.objects.count() == 0


SEEN: list[tuple[int, int, str]] = []


def _counting_job(job: Any, progress: Any) -> Any:
    """A job kind for the test: reports ten steps and reads back, each time, what the page would read."""
    from aftersales.core.jobs import JobOutcome

    for step in range(1, 11):
        progress(step, 10, "writing")
        row = Job.objects.values_list("done", "total", "state").get(pk=job.pk)
        SEEN.append(row)
    return JobOutcome(result={"exported": 10})


@pytest.mark.django_db(transaction=True)
def test_progress_is_committed_while_the_job_runs(make_user: Any) -> None:
    """Outside a test's transaction, as in the worker: every step is visible to the polling page."""
    from aftersales.accounts.selectors import actor_for
    from aftersales.core.jobs import job_enqueue, job_run, register_job_kind

    register_job_kind("test.counting", "计数", _counting_job)
    SEEN.clear()
    job = job_enqueue(actor=actor_for(make_user("cs_manager")), kind="test.counting")
    assert job_run(job.pk) == "done"
    assert [(step, 10, "running") for step in range(1, 11)] == SEEN
    client = Client()
    client.force_login(job.owner)
    assert 'data-state="done"' in client.get(f"/jobs/{job.pk}/status/").content.decode()


def _download_rows(client: Client, pk: int) -> list[tuple[Any, ...]]:
    download = client.get(f"/jobs/{pk}/file/result/")
    assert download.status_code == 200
    data = b"".join(download.streaming_content)
    return list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))


@pytest.mark.parametrize(
    ("url_name", "kind", "make"),
    [("customers:export", "customers", "customers"), ("installed_base:unit_export", "units", "units")],
)
def test_customer_and_unit_exports_over_the_threshold_run_as_jobs_with_the_streamed_rows(
    login: Any, settings: Any, django_capture_on_commit_callbacks: Any, url_name: str, kind: str, make: str
) -> None:
    """Above AFTERSALES_EXPORT_BACKGROUND_ROWS the customer and unit exports are background jobs (like
    the other lists): same filter, same rows and masking as the streamed file, logged (C3) once more."""
    from tests.installed_base.factories import CustomerFactory, UnitFactory

    product = Product.objects.create(model="BG-1", name="数控铣床", category="数控机床")
    other = Product.objects.create(model="BG-2", name="车床", category="车床")
    for n in range(3):
        customer = CustomerFactory(name=f"杭州{n}号机械有限公司", key_account=True)
        if make == "units":
            UnitFactory(customer=customer, product=product)
    UnitFactory(customer=CustomerFactory(name="无锡其他公司", key_account=False), product=other)
    client = login("cs_manager")
    query = {"key_account": "1"} if make == "customers" else {"product": str(product.pk)}
    settings.AFTERSALES_EXPORT_BACKGROUND_ROWS = 100
    streamed = client.get(reverse(url_name), query)
    assert streamed.status_code == 200
    expected = list(load_workbook(io.BytesIO(streamed.content), read_only=True).active.iter_rows(values_only=True))
    assert len(expected) == 4  # header + the three matching rows
    settings.AFTERSALES_EXPORT_BACKGROUND_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        pk = job_id(client.get(reverse(url_name), query))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_id(client.get(reverse(url_name), query)) == pk  # a second click: the same job
    run_tasks()
    job = Job.objects.get(pk=pk)
    assert (job.state, job.result["exported"]) == ("done", 3)
    assert _download_rows(client, pk) == expected
    logged = Event.objects.filter(action="customer.exported", actor=client.user).order_by("pk")
    assert [(e.data["kind"], e.data["count"]) for e in logged] == [(kind, 3), (kind, 3)]


def test_an_ended_jobs_files_are_removed_after_the_retention_period(
    login: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A daily periodic job removes the upload, result and refused-rows report of jobs ended longer ago
    than AFTERSALES_JOB_FILES_RETENTION (7 days); the job, its counts and its page stay; idempotent."""
    import datetime as dt

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from aftersales.core.jobs import job_files_purge

    assert dt.timedelta(days=7) == settings.AFTERSALES_JOB_FILES_RETENTION
    assert settings.AFTERSALES_PERIODIC_JOBS["aftersales.core.tasks.job_files_purge_task"] == "50 0 * * *"
    client = login("cs_manager")
    Product.objects.bulk_create([Product(model=f"RT-{n}", name="车床", category="车床") for n in range(3)])
    settings.AFTERSALES_EXPORT_BACKGROUND_ROWS = 1
    jobs = []
    for params in ({"category": "车床"}, {}):
        with django_capture_on_commit_callbacks(execute=True):
            jobs.append(job_id(client.get(reverse("installed_base:product_list"), {"export": "xlsx", **params})))
    run_tasks()
    old, recent = (Job.objects.get(pk=pk) for pk in jobs)
    assert old.result_name
    assert default_storage.exists(old.result_name)
    now = timezone.now()
    Job.objects.filter(pk=old.pk).update(finished_at=now - dt.timedelta(days=8))
    Job.objects.filter(pk=recent.pk).update(finished_at=now - dt.timedelta(days=6))

    assert job_files_purge(now=now) == 1
    assert job_files_purge(now=now) == 0  # idempotent
    assert not default_storage.exists(old.result_name)
    assert default_storage.exists(recent.result_name)  # within the retention period
    gone = Job.objects.get(pk=old.pk)
    assert (gone.result_name, gone.state, gone.result["exported"]) == ("", "done", 3)
    assert client.get(f"/jobs/{old.pk}/file/result/").status_code == 404
    page = client.get(f"/jobs/{old.pk}/").content.decode()
    assert 'id="export-done"' in page
    assert 'id="job-download"' not in page
    assert client.get(f"/jobs/{recent.pk}/file/result/").status_code == 200
    assert Event.objects.filter(action="job.files_removed", subject_id=str(old.pk)).count() == 1
