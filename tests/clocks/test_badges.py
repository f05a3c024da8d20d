"""The clock badge and the dense-list brief ({% clock_badge %}, {% clocks_brief %}): the colour and
plain words of each status, the most pressing clock first (decision 0042 moved them out of partials)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import engines
from django.utils import timezone, translation

from aftersales.clocks.models import Clock
from aftersales.clocks.selectors import clocks_known
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db

BADGE = engines["django"].from_string("{% load clocks %}{% clock_badge clock status %}")
BRIEF = engines["django"].from_string("{% load clocks %}{% clocks_brief subject url %}")


@pytest.mark.parametrize(
    ("status", "css", "words"),
    [
        ("ok", "text-bg-success", "正常"),
        ("met", "text-bg-success", "按时完成"),
        ("warning", "text-bg-warning", "即将到期"),
        ("breached", "text-bg-danger", "已超时"),
        ("missed", "text-bg-danger", "超时完成"),
        ("paused", "text-bg-secondary", "已暂停"),
        ("data_missing", "text-bg-secondary", "日历数据缺失"),
    ],
)
def test_badge_colours_and_names_each_status_in_plain_chinese(status: str, css: str, words: str) -> None:
    with translation.override("zh-hans"):
        html = BADGE.render({"clock": Clock(kind="respond"), "status": status})
    assert html == f'<span class="badge {css}">响应 · {words}</span>'


def _clock(pk: int, kind: str, state: str, due: dt.datetime | None) -> Clock:
    now = timezone.now()
    return Clock(pk=pk, kind=kind, state=state, started_at=now - dt.timedelta(hours=1), due_at=due,
                 warn_at=due - dt.timedelta(minutes=5) if due else None, outcome="met" if state == "stopped" else "")  # fmt: skip


def _subject(clocks: list[Clock]) -> ServiceRequest:
    """A request with its clocks already read, as the board's rows have them (clocks_prefetch)."""
    request = ServiceRequest(pk=1, number="SR-BRIEF")
    clocks_known(request, clocks)
    return request


def test_brief_shows_the_most_pressing_running_clock_with_its_due_time_and_the_count_of_others() -> None:
    now = timezone.now()
    later, sooner = now + dt.timedelta(days=2), now + dt.timedelta(hours=3)
    clocks = [_clock(1, "solve", "running", later), _clock(2, "arrive", "running", sooner),
              _clock(3, "respond", "stopped", now - dt.timedelta(hours=2))]  # fmt: skip
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        html = BRIEF.render({"subject": _subject(clocks), "url": "/explain/"})
        due = timezone.localtime(sooner).strftime("%m-%d %H:%M")
    assert html.startswith('<div class="clock clock-ok text-nowrap" data-clock="2" data-status="ok">')
    assert '<span class="badge text-bg-success">到场 · 正常</span>' in html
    assert f'<small class="clock-due ms-1">{due}</small>' in html
    assert '<small class="text-muted ms-1">+2</small>' in html
    assert 'hx-get="/explain/"' in html
    assert BRIEF.render({"subject": _subject([]), "url": "/explain/"}) == ""
