"""Issue 13, journey "a 6,000-yuan complaint where each approver is notified", in real Chromium (desk
1366×768, zh-CN).

The handler (陈客服, agent) has contacted the customer and escalates the case: beyond a handler (K5).
Approver 1, the department head (周部长), is told in the bell, finds it in "Complaints escalated to
me" and decides a compensation of 6,000 yuan — above K7.limits' upper line (1,000 / 5,000), so the
general manager decides the amount (K7). Approver 2, the GM (郑总), is told in the bell, finds it in
"Approvals waiting for me" with the customer, the complaint in short and the disposition decided
(赔偿/折让, not a default), and approves. The handler is told of the decision. The VP and the sales
manager, whose authority the amount exceeds, are told nothing.

Tap budget per person (docs/decisions/0026): the head 6 (queue tile, the complaint, disposition,
solution, amount, decide), the GM 2 (queue tile, approve), the handler 2 (bell, the notice).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint
from aftersales.notifications.models import Notification
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1366, "height": 768}
HEAD_BUDGET = 6
GM_BUDGET = 2
HANDLER_BUDGET = 2
DESCRIPTION = "运输途中包装破损，20 台主轴箱外壳开裂，客户要求赔偿损失"


class Budget:
    """Counts what one person does by hand: each click, each field filled or chosen."""

    def __init__(self) -> None:
        self.used = 0

    def tap(self, locator: Locator) -> None:
        self.used += 1
        locator.click()

    def fill(self, locator: Locator, text: str) -> None:
        self.used += 1
        locator.fill(text)

    def choose(self, locator: Locator, value: str) -> None:
        self.used += 1
        locator.select_option(value)


@pytest.fixture
def escalated(make_user: Any, actor_of: Any) -> Complaint:
    """A complaint the handler contacted and escalated to the department head."""
    from aftersales.complaints import services
    from tests.installed_base.factories import CustomerFactory

    customer = CustomerFactory(name="上海精密机械有限公司", phone="021-64001234")
    agent = actor_of(make_user("agent", username="agent1", display_name="陈客服"))
    make_user("cs_manager", username="boss1", display_name="周部长")
    make_user("sales_manager", username="sm1", display_name="孙经理")
    make_user("vp", username="vp1", display_name="吴副总")
    make_user("gm", username="gm1", display_name="郑总")
    complaint = services.complaint_register(
        actor=agent,
        customer_id=customer.pk,
        complaint_class="quality",
        channel="phone",
        description=DESCRIPTION,
        amount_claimed=Decimal("6000"),
    )
    services.complaint_contact(actor=agent, number=complaint.number, note="已电话联系客户王科长")
    services.complaint_escalate(actor=agent, number=complaint.number, reason="赔偿金额超出客服权限")
    return Complaint.objects.get(pk=complaint.pk)


def _as(page: Page, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.set_viewport_size(DESK)
    login(page, live_server, username)


def _notice(page: Page, text: str) -> Locator:
    """The bell's list, opened from the bell (which must show an unread count)."""
    expect(page.locator("#notification-unread")).to_have_text("1")
    page.locator("#notification-bell").click()
    return page.locator("#notifications li", has_text=text)


def test_a_6000_yuan_complaint_goes_through_each_approver_who_is_told(
    live_server: Any, page: Page, escalated: Complaint
) -> None:
    number = escalated.number

    # Approver 1, the department head: the bell and the home queue; decides 6,000 yuan of compensation.
    _as(page, live_server, "boss1")
    queue = page.locator('[data-queue="complaints_escalated"]')
    expect(queue.locator(".queue-count")).to_have_text("1")
    head = Budget()
    head.tap(queue)
    row = page.locator("#complaint-table tbody tr", has_text=number)
    expect(row).to_contain_text("上海精密机械有限公司")
    head.tap(row.get_by_role("link", name=number, exact=True))
    expect(page.locator("#complaint-state")).to_contain_text("已上报")
    expect(page.locator("#id_approve-disposition")).to_have_value("")  # K9: no default disposition
    head.choose(page.locator("#id_approve-disposition"), "compensation")
    head.fill(page.locator("#id_approve-decision"), "赔偿客户损失 6000 元")
    head.fill(page.locator("#id_approve-amount"), "6000")
    head.tap(page.locator("#submit-approve"))
    expect(page.locator("#complaint-state")).to_contain_text("待审批")
    expect(page.locator("#complaint-approvals")).to_contain_text("总经理")
    assert head.used <= HEAD_BUDGET, f"head: {head.used} taps and fields, budget {HEAD_BUDGET}"
    screenshot(page, "journey-complaint-6000-1-head-decided")
    notice = _notice(page, number)  # what the head's bell said when the case arrived
    expect(notice).to_contain_text(f"投诉 {number} 已上报给您：上海精密机械有限公司")
    expect(notice).to_contain_text("陈客服")
    expect(notice).to_contain_text("赔偿金额超出客服权限")
    approval = Approval.objects.get()
    assert (approval.required_role, approval.amount, approval.state) == ("gm", Decimal("6000.00"), "pending")

    # Approver 2, the GM: the bell and "Approvals waiting for me" show customer, summary and disposition.
    _as(page, live_server, "gm1")
    notice = _notice(page, number)
    expect(notice).to_contain_text(f"待您审批：{number}")
    expect(notice).to_contain_text("周部长")
    expect(notice).to_contain_text("上海精密机械有限公司")
    expect(notice).to_contain_text("赔偿/折让")
    page.goto(f"{live_server.url}/")
    queue = page.locator('[data-queue="approvals"]')
    expect(queue.locator(".queue-count")).to_have_text("1")
    gm = Budget()
    gm.tap(queue)
    row = page.locator(f'#approval-queue tr[data-approval="{approval.pk}"]')
    expect(row.locator(".approval-customer")).to_have_text("上海精密机械有限公司")
    expect(row.locator(".approval-summary")).to_contain_text("运输途中包装破损")
    expect(row.locator(".approval-disposition")).to_have_text("赔偿/折让")  # what was decided, not 退货
    expect(row).to_contain_text("6000")
    screenshot(page, "journey-complaint-6000-2-gm-queue")
    gm.tap(row.locator(".approval-approve"))
    expect(page.locator(".alert-success")).to_contain_text("已批准")
    expect(page.locator(f'#approval-queue tr[data-approval="{approval.pk}"]')).to_have_count(0)
    assert gm.used <= GM_BUDGET, f"GM: {gm.used} taps, budget {GM_BUDGET}"

    # The handler is told of the decision and opens the case to reply.
    _as(page, live_server, "agent1")
    handler = Budget()
    expect(page.locator("#notification-unread")).to_have_text("1")
    handler.tap(page.locator("#notification-bell"))
    notice = page.locator("#notifications li", has_text=number)
    expect(notice).to_contain_text(f"投诉 {number} 已决定：赔偿/折让")
    expect(notice).to_contain_text("郑总")
    expect(notice).to_contain_text("6000")
    handler.tap(notice.get_by_role("link"))
    expect(page.locator("#complaint-state")).to_contain_text("已决定")
    assert handler.used <= HANDLER_BUDGET, f"handler: {handler.used} taps, budget {HANDLER_BUDGET}"
    screenshot(page, "journey-complaint-6000-3-handler")

    # Each approver was told once, in order; the VP and the sales manager (below the amount) never.
    told = {
        u: list(Notification.objects.filter(user__username=u).order_by("id"))
        for u in ("boss1", "gm1", "agent1", "vp1", "sm1")
    }
    assert [len(told[u]) for u in ("boss1", "gm1", "agent1")] == [2, 1, 1]  # the head: escalated, then approved
    assert told["boss1"][0].created_at <= told["gm1"][0].created_at <= told["agent1"][0].created_at
    assert (told["vp1"], told["sm1"]) == ([], [])
    assert Complaint.objects.get(pk=escalated.pk).state == "decided"
