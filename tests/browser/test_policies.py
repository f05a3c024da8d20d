"""Issue 13.6: change a regulation value in its own form, preview what it moves, save — in Chinese,
within a tap budget; the running deadlines move only because the change asked them to."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from aftersales.clocks.models import Clock
from aftersales.policies.models import PolicyVersion
from tests.browser.conftest import login, screenshot

TAP_BUDGET = 8


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_policy_change_with_preview_within_the_tap_budget(live_server, page: Page, make_user) -> None:
    from aftersales.accounts.models import Department
    from aftersales.calendars.models import WorkCalendar
    from aftersales.calendars.services import calendar_create
    from aftersales.clocks.services import clock_start
    from aftersales.core.access import SYSTEM

    make_user("admin", username="boss", display_name="王主管")
    if not WorkCalendar.objects.filter(code="ALWAYS").exists():
        calendar_create(actor=SYSTEM, code="ALWAYS", name="全天", kind="always")
    subject = Department.objects.create(code="D-POL", name="政策测试部")
    started = timezone.now() - dt.timedelta(hours=2)
    for _ in range(2):
        clock_start(
            subject=subject,
            kind="access_decision",
            rule="C3",
            calendar_code="ALWAYS",
            policy_key="C3.decide_within",
            unit="hours",
            actor=SYSTEM,
            started_at=started,
        )
    assert {c.target_amount for c in Clock.objects.all()} == {8}

    taps = 0

    def tap(locator: Locator, fill: str | None = None, check: bool = False) -> None:
        nonlocal taps
        taps += 1
        if fill is not None:
            locator.fill(fill)
        elif check:
            locator.check()
        else:
            locator.click()

    login(page, live_server, "boss")
    page.goto(f"{live_server.url}/policies/")
    row = page.locator('tr[data-key="C3.decide_within"]')
    expect(row.locator(".policy-value")).to_have_text("8 工作小时")
    tap(row.get_by_role("link", name="修改", exact=True))
    expect(page.locator("h1")).to_contain_text("查阅申请审批时限")
    tap(page.locator("#id_value"), fill="1")
    tap(page.locator("#id_note"), fill="加快审批")
    tap(page.locator("#policy-preview-button"))
    preview = page.locator("#policy-preview")
    expect(preview).to_contain_text("8 工作小时 → 1 工作小时")
    expect(preview.locator("#preview-running")).to_contain_text("有 2 个正在计时的时限使用该参数")
    expect(preview.locator("#preview-recompute")).to_contain_text("2 个时限将变动；2 个将立即超时")
    expect(preview.locator("#preview-keep")).to_contain_text("均不变动")
    assert PolicyVersion.objects.count() == 0
    screenshot(page, "policy-preview")
    tap(page.locator("#id_recompute_clocks"), check=True)
    tap(page.locator("#policy-save-button"))
    expect(page.locator("#policy-history")).to_contain_text("8 工作小时")
    expect(page.locator("#policy-history")).to_contain_text("1 工作小时")
    expect(page.locator("#policy-history")).to_contain_text("王主管")
    expect(page.locator("#policy-history")).not_to_contain_text("boss")
    assert taps <= TAP_BUDGET, taps
    assert {c.target_amount for c in Clock.objects.all()} == {1}
    screenshot(page, "policy-history")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_escalation_ladders_are_edited_as_rows_in_plain_language(live_server, page: Page, make_user) -> None:
    make_user("admin", username="boss", display_name="王主管")
    login(page, live_server, "boss")
    page.goto(f"{live_server.url}/policies/X2.escalation/edit/")
    table = page.locator("#ladder-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr").first.locator("select").first).to_have_value("access_decision")
    text = table.inner_text()
    assert "role:" not in text
    assert "department_head" not in text
    expect(page.locator("textarea")).to_have_count(0)  # no raw JSON
    screenshot(page, "policy-ladders")
