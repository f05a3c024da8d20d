"""X2 sweep under real transactions: two racing sweeps, e-mail to a real SMTP server.

Transactional tests empty every table afterwards (the migration-seeded CN calendar too), so they
live in this file alone: pytest-django runs transactional tests after the others, and with
`--dist loadfile` a file that holds only transactional tests is scheduled last.
"""

from __future__ import annotations

import email
import socket
import threading
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.db import connection, connections

from aftersales.clocks import events
from aftersales.clocks.sweep import clock_sweep
from aftersales.notifications.models import Notification
from tests.clocks.conftest import at
from tests.clocks.test_sweep import _count, _start


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
