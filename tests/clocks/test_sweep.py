"""X2 sweep: warned/breached exactly once (even with two racing sweeps), escalation ladders, e-mail."""

from __future__ import annotations

import datetime as dt
import email
import socket
import threading
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.db import connection, connections

from aftersales.clocks import events
from aftersales.clocks.models import Clock
from aftersales.clocks.services import clock_start, clock_stop
from aftersales.clocks.sweep import clock_sweep
from aftersales.core.access import SYSTEM
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from tests.clocks.conftest import at


def _start(subject: Any, *, owner: Any = None, target: int = 2, when: str = "2025-09-30 11:00") -> Clock:
    return clock_start(
        subject=subject, kind="access_decision", rule="C3", calendar_code="LUNCH", target=target,
        unit="working_hours", actor=SYSTEM, owner=owner, started_at=at(when), url="/customers/access-requests/",
    )


def _count(action: str, clock: Clock) -> int:
    return Event.objects.filter(action=action, subject_type="clocks.clock", subject_id=str(clock.pk)).count()


@pytest.mark.django_db
def test_x2_sweep_warns_then_breaches_once_and_climbs_the_ladder(subject, lunch_calendar, make_user):
    from aftersales.accounts.models import Department

    head = make_user("cs_manager", username="head", email="head@example.com")
    owner = make_user("team_lead", username="owner", email="owner@example.com")
    vp = make_user("vp", username="vp1", email="vp@example.com")
    dept = Department.objects.create(code="CS", name="客服部", head=head)
    owner.department = dept
    owner.save()
    clock = _start(subject, owner=owner)  # 11:00 + 2 h (lunch) → 14:00; warn at 1.5 h → 13:30
    assert clock.warn_at == at("2025-09-30 13:30")
    assert clock_sweep(at("2025-09-30 13:00")).checked == 0
    first = clock_sweep(at("2025-09-30 13:31"))
    assert (first.warned, first.breached) == (1, 0)
    assert Notification.objects.filter(user=owner).count() == 1
    second = clock_sweep(at("2025-09-30 13:45"))
    assert second.checked == 0
    third = clock_sweep(at("2025-09-30 14:01"))
    assert third.breached == 1
    clock.refresh_from_db()
    assert clock.breached_at == at("2025-09-30 14:00")
    assert clock.escalation_level == 1
    assert clock.next_check_at == at("2025-09-30 18:00")  # breach + 240 minutes (policy default)
    assert set(Notification.objects.filter(user__in=[owner, head]).values_list("user__username", flat=True)) == {
        "owner",
        "head",
    }
    assert not Notification.objects.filter(user=vp).exists()
    clock_sweep(at("2025-09-30 18:01"))
    clock_sweep(at("2025-09-30 18:02"))
    clock.refresh_from_db()
    assert clock.escalation_level == 2 and clock.next_check_at is None
    assert Notification.objects.filter(user=vp).count() == 1
    assert _count(events.CLOCK_WARNED, clock) == 1
    assert _count(events.CLOCK_BREACHED, clock) == 1
    levels = [e.data["level"] for e in Event.objects.filter(action=events.CLOCK_ESCALATED).order_by("id")]
    assert levels == [1, 2]


@pytest.mark.django_db
def test_x2_stopped_and_paused_clocks_are_never_swept(subject, lunch_calendar):
    from aftersales.clocks.services import clock_pause

    a = _start(subject)
    b = _start(subject)
    clock_stop(clock=a, at=at("2025-09-30 11:30"))
    clock_pause(clock=b, at=at("2025-09-30 11:30"))
    assert clock_sweep(at("2026-01-01 00:00")).checked == 0


@pytest.mark.django_db(transaction=True)
def test_x2_two_racing_sweeps_record_each_breach_once(subject, lunch_calendar):
    clocks = [_start(subject) for _ in range(30)]
    barrier = threading.Barrier(2)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(clock_sweep(at("2025-09-30 15:00"), recompute=False))
        except BaseException as exc:  # pragma: no cover — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sum(r.breached for r in results) == len(clocks)
    assert sum(r.warned for r in results) == len(clocks)
    for clock in clocks:
        assert _count(events.CLOCK_BREACHED, clock) == 1
        assert _count(events.CLOCK_WARNED, clock) == 1
    assert connection.vendor in ("sqlite", "postgresql")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd API)
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_inbox(settings: Any) -> Any:
    from aiosmtpd.controller import Controller

    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_x2_breach_mails_the_owner_through_a_real_smtp_server_with_a_chinese_subject(
    subject, lunch_calendar, make_user, smtp_inbox
):
    owner = make_user("team_lead", username="owner", email="owner@example.com")
    clock = _start(subject, owner=owner)
    clock_sweep(at("2025-09-30 15:00"), recompute=False)
    assert len(smtp_inbox.messages) == 2  # the warning and the breach, each sent after commit
    subjects = [str(make_header(decode_header(m["Subject"]))) for _, m in smtp_inbox.messages]
    assert all(rcpt == ["owner@example.com"] for rcpt, _ in smtp_inbox.messages)
    assert any("超时" in s for s in subjects), subjects
    assert any("即将到期" in s for s in subjects), subjects
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 2
    assert clock.pk


@pytest.mark.django_db
def test_x2_a_clock_reaching_a_year_without_data_warns_administrators(subject, make_user):
    from aftersales.calendars.models import StatutoryYear

    admin = make_user("admin", username="root")
    last = max(StatutoryYear.objects.filter(calendar__code="CN").values_list("year", flat=True))
    clock = clock_start(
        subject=subject, kind="access_decision", rule="C3", calendar_code="CN", target=10, unit="working_days",
        actor=SYSTEM, started_at=dt.datetime(last, 12, 28, 10, tzinfo=at("2025-01-01 00:00").tzinfo),
    )
    assert clock.data_missing_year == last + 1
    assert clock.due_at is None
    assert Notification.objects.filter(user=admin, rule="X1").count() == 1
