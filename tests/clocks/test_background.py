"""The embedded periodic thread (`aftersales serve`), the sweep task, the bell and notification list."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

CALLS: list[float] = []
RAN = threading.Event()


def job() -> None:
    CALLS.append(time.monotonic())
    RAN.set()


def test_x2_periodic_thread_runs_its_jobs_and_starts_once():
    from aftersales.core.periodic import periodic_start, periodic_stop

    try:
        assert periodic_start({"tests.clocks.test_background.job": 60}) is True
        assert periodic_start({"tests.clocks.test_background.job": 60}) is False  # idempotent
        assert RAN.wait(5)
    finally:
        periodic_stop()
    assert len(CALLS) == 1  # the next run is a minute later


def test_x2_serve_hook_starts_the_sweep_thread(settings: Any):
    from aftersales.core.management.commands.serve import start_background
    from aftersales.core.periodic import periodic_stop

    settings.AFTERSALES_PERIODIC_JOBS = {"tests.clocks.test_background.job": 60}
    RAN.clear()
    try:
        start_background()
        assert RAN.wait(5)
    finally:
        periodic_stop()


@pytest.mark.django_db
def test_x2_sweep_task_runs_the_sweep_and_reports_counts():
    from aftersales.clocks.tasks import clock_sweep_task

    assert clock_sweep_task.call() == {"checked": 0, "warned": 0, "breached": 0, "escalated": 0, "recomputed": 0}


@pytest.mark.django_db
def test_x2_bell_counts_unread_and_the_list_marks_them_read(client, make_user):
    from aftersales.notifications.models import Notification
    from aftersales.notifications.services import notify_users
    from tests.conftest import PASSWORD

    user = make_user("agent", username="bell")
    other = make_user("agent", username="other")
    notify_users(users=[user, user, other], title="已超时：测试", body="规则 C3")
    notify_users(users=[user], title="即将到期：测试")
    client.login(username="bell", password=PASSWORD)
    home = client.get("/customers/access-requests/").content.decode()
    assert 'id="notification-unread">2<' in home
    page = client.get("/notifications/").content.decode()
    assert "已超时：测试" in page
    assert "标为已读" in page
    one = Notification.objects.filter(user=user).order_by("id").first()
    client.post("/notifications/read/", {"id": one.pk})
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 1
    client.post("/notifications/read/")
    assert Notification.objects.filter(user=user, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1  # only one's own
    assert 'id="notification-unread"' not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
def test_x2_scheduler_once_enqueues_the_sweep_on_the_database_backend():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command("scheduler", "--once")
    assert DBTaskResult.objects.filter(task_path="aftersales.clocks.tasks.clock_sweep_task").count() == 1
