"""K1–K15 in real Chromium (zh-CN): a major complaint walked through the pages.

An agent registers it with a loss of 6000 yuan (K6 major: the team lead owns it); the team lead
reports it to the desk and to the head, contacts the customer and decides a compensation of 6000
yuan, beyond their authority (K11) → an approval for the general manager (K7); the VP cannot
approve it and sees why in Chinese; the GM approves it from the approval queue; the reply is
written and the reply letter downloads with the Chinese text and without the internal handling;
the case is carried out and closed, and the K15 callback shows on the page.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint
from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INTERNAL = "内部：包装班组未按规范打包，责任在仓储部"
REPLY = "经核实，贵司损失属实。我司同意赔偿人民币 6000 元，并加强包装检验。"


@pytest.fixture
def case(make_user: Any) -> dict[str, Any]:
    from tests.installed_base.factories import CustomerFactory

    customer = CustomerFactory(name="上海精密机械有限公司", phone="021-64001234")
    for role, username, name in [
        ("agent", "agent1", "李客服"),
        ("team_lead", "lead1", "陈组长"),
        ("cs_manager", "boss1", "周部长"),
        ("vp", "vp1", "吴副总"),
        ("gm", "gm1", "郑总"),
    ]:
        make_user(role, username=username, display_name=name)
    return {"customer": customer}


def _as(page: Page, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def _pdf_text(page: Page, live_server: Any, link: str, tmp_path: Path) -> str:
    response = page.request.get(f"{live_server.url}{page.locator(link).get_attribute('href')}")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "document.pdf"
    path.write_bytes(response.body())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_k6_k7_major_complaint_from_registration_to_callback(
    live_server: Any, page: Page, case: dict[str, Any], tmp_path: Path
) -> None:
    customer = case["customer"]
    # 1. The agent (first responder) registers it: a loss of 6000 yuan makes it major.
    login(page, live_server, "agent1")
    expect(page.locator("nav")).to_contain_text("客户投诉")
    page.goto(f"{live_server.url}/complaints/new/")
    page.locator("#complaint-q").fill(customer.code)
    page.locator("#complaint-search-submit").click()
    page.locator(f'.complaint-customer[data-customer="{customer.pk}"]').click()
    form = page.locator("#complaint-form")
    form.locator("#id_complaint_class").select_option("quality")
    form.locator("#id_channel").select_option("phone")
    form.locator("#id_description").fill("运输途中包装破损，20 台主轴箱外壳开裂")
    form.locator("#id_order_number").fill("SO-2026-1101")
    form.locator("#id_quantity").fill("100")
    form.locator("#id_defective_quantity").fill("20")
    form.locator("#id_customer_request").fill("赔偿损失")
    form.locator("#id_amount_claimed").fill("6000")
    form.locator("#id_loss_amount").fill("6000")
    page.locator("#complaint-submit").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记")
    expect(page.locator("#complaint-major")).to_contain_text("重大投诉")
    expect(page.locator("#complaint-owner")).to_contain_text("陈组长")
    expect(page.locator("#claimed-level")).to_contain_text("总经理")
    complaint = Complaint.objects.get()
    number = complaint.number
    assert (complaint.major, complaint.owner.username) == (True, "lead1")
    detail = f"{live_server.url}/complaints/{number}/"

    # 2. The team lead reports it to the desk, then to the head, and contacts the customer.
    _as(page, live_server, "lead1")
    page.goto(detail)
    page.locator("#submit-report").click()
    expect(page.locator(".alert-success")).to_contain_text("已记录报告")
    expect(page.locator("#desk-reported")).not_to_have_text("—")
    page.locator("#submit-report").click()
    expect(page.locator("#head-reported")).not_to_have_text("—")
    expect(page.locator("#action-report")).to_have_count(0)
    page.locator("#id_contact-note").fill("已电话联系客户王科长")
    page.locator("#submit-contact").click()
    expect(page.locator("#complaint-state")).to_contain_text("已联系客户")

    # 3. A compensation of 6000 yuan is beyond the team lead: it waits for the GM (K7, K11).
    page.locator("#id_decide-disposition").select_option("compensation")
    page.locator("#id_decide-decision").fill("赔偿客户损失 6000 元")
    page.locator("#id_decide-amount").fill("6000")
    page.locator("#id_decide-internal_handling").fill(INTERNAL)
    page.locator("#submit-decide").click()
    expect(page.locator("#complaint-state")).to_contain_text("待审批")
    expect(page.locator("#complaint-approvals")).to_contain_text("总经理")
    approval = Approval.objects.get()
    assert (approval.required_role, approval.state) == ("gm", "pending")
    screenshot(page, "complaints-1-awaiting-approval")

    # 4. The VP cannot approve it and is told why, in Chinese.
    _as(page, live_server, "vp1")
    page.goto(f"{live_server.url}/approvals/")
    expect(page.locator(f'#approval-queue tr[data-approval="{approval.pk}"]')).to_have_count(0)
    page.goto(detail)
    page.locator(f'#complaint-approvals tr[data-approval="{approval.pk}"] .approval-approve').click()
    expect(page.locator(".alert-danger")).to_contain_text("超出您的核决权限")
    expect(page.locator(".alert-danger")).to_contain_text("总经理")
    approval.refresh_from_db()
    assert approval.state == "pending"

    # 5. The GM approves it from the approval queue.
    _as(page, live_server, "gm1")
    expect(page.locator("nav")).to_contain_text("审批")
    page.goto(f"{live_server.url}/approvals/")
    row = page.locator(f'#approval-queue tr[data-approval="{approval.pk}"]')
    expect(row).to_contain_text(number)
    row.locator("input[name=note]").fill("同意赔偿")
    row.locator(".approval-approve").click()
    expect(page.locator(".alert-success")).to_contain_text("已批准")
    expect(page.locator(f'#approval-queue tr[data-approval="{approval.pk}"]')).to_have_count(0)
    assert Complaint.objects.get().state == "decided"

    # 6. The team lead writes the reply; the reply letter has it and nothing internal (K11).
    _as(page, live_server, "lead1")
    page.goto(detail)
    page.locator("#id_reply-public_reply").fill(REPLY)
    page.locator("#submit-reply").click()
    expect(page.locator("#public-reply-text")).to_contain_text("同意赔偿人民币 6000 元")
    letter = _pdf_text(page, live_server, "#reply-letter-pdf", tmp_path)
    assert "客户答复函" in letter
    assert "同意赔偿人民币 6000 元" in letter
    assert "包装班组" not in letter
    handling = _pdf_text(page, live_server, "#handling-form-pdf", tmp_path)
    assert "客户投诉处理表" in handling
    assert "包装班组" in handling

    # 7. Carried out and closed: the callback (K15) follows.
    page.locator("#id_implement-responsible_department").fill("仓储部")
    page.locator("#id_implement-note").fill("已汇款 6000 元")
    page.locator("#submit-implement").click()
    expect(page.locator("#complaint-state")).to_contain_text("已落实")
    page.locator("#submit-close").click()
    expect(page.locator("#complaint-state")).to_contain_text("已关闭")
    expect(page.locator("#timeline")).to_contain_text("待回访")
    expect(page.locator("#complaint-callbacks [data-callback-kind]")).to_contain_text("回访")  # in the callbacks queue
    screenshot(page, "complaints-2-closed")
    closed = Complaint.objects.get()
    assert (closed.state, closed.decision_amount, closed.responsible_department) == ("closed", 6000, "仓储部")
