"""Complaint pages (K1–K16): registration, list, the complaint page and its moves, the K7 queue,
the two PDFs and the portal's view (K11).

Through the Django test client in Chinese: who may open each page, what it shows, and on every
refused action that nothing changed. The PDFs are checked with poppler (pdftotext, pdffonts).
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.approvals.models import Approval
from aftersales.approvals.services import approval_decide
from aftersales.complaints import services
from aftersales.complaints.models import Complaint

pytestmark = pytest.mark.django_db

CREATE = reverse("complaints:complaint_create")
LIST = reverse("complaints:complaint_list")
QUEUE = reverse("approvals:approval_queue")
INTERNAL_TEXT = "内部：责任在包装班组，扣罚三分"
REPLY_TEXT = "经核实，我司将为贵司补发合格品 20 件。"


def _client(actor: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(actor.user)
    return client


def _detail(number: str) -> str:
    return reverse("complaints:complaint_detail", args=[number])


def _field_errors(html: str, field: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'data-field-error="{re.escape(field)}">([^<]*)<', html)]


def _register_data(customer: Any, **kwargs: Any) -> dict[str, Any]:
    data = {
        "customer": customer.pk,
        "complaint_class": "quality",
        "channel": "phone",
        "description": "外壳开裂 20 件",
        "order_number": "SO-2025-0917",
        "batch_number": "B250901",
        "ship_date": "2025-09-01",
        "quantity": "100",
        "defective_quantity": "20",
        "customer_request": "补发合格品",
        "amount_claimed": "800.00",
        "loss_amount": "",
        "samples": "寄回样品 2 件",
        "service_request": "",
        "received_at": "",
    }
    data.update(kwargs)
    return data


def _replied(staff: dict[str, Any], new_complaint: Any) -> Complaint:
    """Registered, contacted, decided within authority (no amount), replied."""
    c = new_complaint(amount_claimed=Decimal("0"))
    services.complaint_contact(actor=staff["agent"], number=c.number)
    services.complaint_decide(
        actor=staff["agent"],
        number=c.number,
        disposition="exchange",
        decision="补发合格品 20 件",
        internal_handling=INTERNAL_TEXT,
    )
    return services.complaint_reply(actor=staff["agent"], number=c.number, public_reply=REPLY_TEXT)


def _poppler(tmp_path: Path, pdf: bytes, tool: str, *args: str) -> str:
    path = tmp_path / "form.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, check=True
    ).stdout


def _assert_chinese_pdf(tmp_path: Path, pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    fonts = [line.split() for line in _poppler(tmp_path, pdf, "pdffonts").splitlines()[2:]]
    assert fonts
    assert all(cols[-5] == "yes" for cols in fonts), fonts
    assert any("CJK" in cols[0] or "WenQuanYi" in cols[0] for cols in fonts), fonts
    return _poppler(tmp_path, pdf, "pdftotext", "-layout")


# --- access ----------------------------------------------------------------------------------


def test_pages_for_the_right_roles(staff, new_complaint, make_user, actor_of, customer):
    c = new_complaint()
    assert Client().get(LIST).status_code == 302  # anonymous → login
    for role in ("agent", "team_lead", "cs_manager", "gm", "admin"):
        assert _client(staff[role]).get(LIST).status_code == 200, role
        assert _client(staff[role]).get(_detail(c.number)).status_code == 200, role
    engineer = _client(staff["engineer"])
    assert engineer.get(CREATE).status_code == 200  # K2: every member of staff registers
    assert engineer.get(LIST).status_code == 403
    assert engineer.get(_detail(c.number)).status_code == 403
    assert _client(staff["agent"]).get(_detail("TS2099019999")).status_code == 404
    for role, status in (("sales_manager", 200), ("vp", 200), ("gm", 200), ("agent", 403), ("engineer", 403)):
        assert _client(staff[role]).get(QUEUE).status_code == status, role
    # the queue's old address leads to the one approvals queue
    old = _client(staff["vp"]).get(reverse("complaints:approval_queue"))
    assert (old.status_code, old["Location"]) == (301, QUEUE)
    portal = _client(actor_of(make_user("customer", username="kehu", customer_id=customer.pk)))
    assert portal.get(LIST).status_code == 403
    assert portal.get(_detail(c.number)).status_code == 403


def test_menu_entries(staff):
    html = _client(staff["vp"]).get(LIST).content.decode()
    assert "客户投诉" in html
    assert QUEUE in html
    html = _client(staff["agent"]).get(LIST).content.decode()
    assert QUEUE not in html


# --- registration ----------------------------------------------------------------------------


def test_register_through_the_page(staff, customer):
    client = _client(staff["agent"])
    page = client.get(CREATE, {"q": customer.code}).content.decode()
    assert f"?customer={customer.pk}" in page
    response = client.post(CREATE, _register_data(customer, loss_amount="6000.00"))
    assert response.status_code == 302
    c = Complaint.objects.get()
    assert response["Location"] == _detail(c.number)
    assert (c.major, c.defective_quantity, c.order_number, c.registered_by_id) == (
        True,
        20,
        "SO-2025-0917",
        staff["agent"].pk,
    )
    html = client.get(_detail(c.number)).content.decode()
    assert 'id="complaint-major"' in html
    assert "重大投诉" in html
    assert 'id="claimed-level"' in html
    assert "K7" in html
    assert 'id="action-report"' in html
    assert 'id="action-contact"' in html


def test_register_error_shown_in_chinese_changes_nothing(staff, customer):
    response = _client(staff["agent"]).post(CREATE, _register_data(customer, quantity="5", defective_quantity="9"))
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "defective_quantity") == ["不良数量不能大于数量。"]
    assert Complaint.objects.count() == 0


# --- list ------------------------------------------------------------------------------------


def test_list_filters(staff, new_complaint):
    ordinary = new_complaint()
    major = new_complaint(loss_amount=Decimal("6000"))
    client = _client(staff["agent"])
    html = client.get(LIST).content.decode()
    assert ordinary.number in html
    assert major.number in html
    html = client.get(LIST, {"major": "on"}).content.decode()
    assert major.number in html
    assert ordinary.number not in html
    services.complaint_contact(actor=staff["agent"], number=ordinary.number)
    html = client.get(LIST, {"state": "contacted"}).content.decode()
    assert ordinary.number in html
    assert major.number not in html
    html = client.get(LIST, {"overdue": "on"}).content.decode()
    assert ordinary.number not in html


# --- the complaint page ----------------------------------------------------------------------


def test_moves_through_the_page_with_versions(staff, new_complaint):
    c = new_complaint()
    client = _client(staff["agent"])
    response = client.post(_detail(c.number), {"action": "contact", "contact-version": c.version, "contact-note": ""})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "contacted"
    # a stale version is refused in Chinese and changes nothing
    response = client.post(
        _detail(c.number),
        {
            "action": "decide",
            "decide-version": c.version - 1,
            "decide-disposition": "explanation",
            "decide-decision": "解释说明",
            "decide-amount": "0",
        },
    )
    assert response.status_code == 409
    assert "其他人" in response.content.decode() or "已被" in response.content.decode()
    c.refresh_from_db()
    assert (c.state, c.decision) == ("contacted", "")
    # an empty solution is a field error in Chinese
    response = client.post(
        _detail(c.number),
        {"action": "decide", "decide-version": c.version, "decide-disposition": "explanation", "decide-decision": ""},
    )
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "decide-decision") == ["这个字段是必填项。"]
    # a move the user may not make: 403
    response = _client(staff["gm"]).post(_detail(c.number), {"action": "contact", "contact-version": c.version})
    assert response.status_code == 403


def test_detail_shows_internal_handling_apart_from_the_reply_and_pdf_links(staff, new_complaint):
    c = _replied(staff, new_complaint)
    html = _client(staff["agent"]).get(_detail(c.number)).content.decode()
    internal = html[html.index('id="internal-handling"') : html.index('id="public-reply"')]
    assert INTERNAL_TEXT in internal
    assert REPLY_TEXT not in internal
    assert REPLY_TEXT in html[html.index('id="public-reply"') :]
    assert reverse("complaints:reply_letter_pdf", args=[c.number]) in html
    assert reverse("complaints:handling_form_pdf", args=[c.number]) in html
    assert 'id="timeline"' in html


def test_k7_approval_on_the_page_beyond_authority_in_chinese(staff, new_complaint):
    c = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=c.number)
    services.complaint_decide(
        actor=staff["agent"], number=c.number, disposition="compensation", decision="赔偿", amount=Decimal("6000")
    )
    approval = Approval.objects.get()
    assert approval.required_role == "gm"
    url = reverse("complaints:approval_decide", args=[approval.pk])
    # the VP sees it on the complaint page, not in their queue, and cannot approve it
    assert f'data-approval="{approval.pk}"' not in _client(staff["vp"]).get(QUEUE).content.decode()
    response = _client(staff["vp"]).post(url, {"action": "approve", "back": c.number}, follow=True)
    assert "超出您的权限" in response.content.decode() or "总经理" in response.content.decode()
    approval.refresh_from_db()
    assert approval.state == "pending"
    # the same from the queue: the page re-renders with 403 and the Chinese message
    response = _client(staff["vp"]).post(
        reverse("approvals:approval_decide", args=[approval.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    assert "总经理" in response.content.decode()
    # the GM sees it in the queue and approves it
    assert f'data-approval="{approval.pk}"' in _client(staff["gm"]).get(QUEUE).content.decode()
    response = _client(staff["gm"]).post(url, {"action": "approve", "back": c.number})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.state == "decided"


# --- PDFs ------------------------------------------------------------------------------------


def test_pdfs_handling_form_and_reply_letter(tmp_path, staff, new_complaint):
    c = _replied(staff, new_complaint)
    client = _client(staff["agent"])
    response = client.get(reverse("complaints:handling_form_pdf", args=[c.number]))
    assert response["Content-Type"] == "application/pdf"
    text = _assert_chinese_pdf(tmp_path, response.content)
    for expected in ("客户投诉处理表", c.number, "外壳开裂", INTERNAL_TEXT[:8], "K7"):
        assert expected in text, expected
    response = client.get(reverse("complaints:reply_letter_pdf", args=[c.number]))
    text = _assert_chinese_pdf(tmp_path, response.content)
    assert "客户答复函" in text
    assert "补发合格品 20 件" in text
    assert INTERNAL_TEXT[:8] not in text
    assert "包装班组" not in text
    # no reply yet: no letter
    other = new_complaint()
    assert client.get(reverse("complaints:reply_letter_pdf", args=[other.number])).status_code == 404


# --- portal (K11) ----------------------------------------------------------------------------


@pytest.fixture
def portal(make_user, actor_of, customer):
    return _client(actor_of(make_user("customer", username="kehu", customer_id=customer.pk)))


def test_portal_files_and_follows_a_complaint_without_the_internal_handling(
    tmp_path, staff, new_complaint, portal, customer
):
    response = portal.post(
        reverse("portal:complaint_create"),
        {"complaint_class": "quality", "description": "门户投诉：外壳开裂", "amount_claimed": "0"},
    )
    assert response.status_code == 302
    filed = Complaint.objects.get(description="门户投诉：外壳开裂")
    assert (filed.channel, filed.customer_id) == ("web", customer.pk)
    c = _replied(staff, new_complaint)
    html = portal.get(reverse("portal:complaint_list")).content.decode()
    assert c.number in html
    assert filed.number in html
    assert "我的投诉" in html
    html = portal.get(reverse("portal:complaint_detail", args=[c.number])).content.decode()
    assert REPLY_TEXT in html
    for secret in (INTERNAL_TEXT, "包装班组", 'id="internal-handling"', "审批"):
        assert secret not in html, secret
    response = portal.get(reverse("portal:complaint_reply_pdf", args=[c.number]))
    text = _assert_chinese_pdf(tmp_path, response.content)
    assert "客户答复函" in text
    assert "包装班组" not in text
    # the staff handling form is not the portal's
    assert portal.get(reverse("complaints:handling_form_pdf", args=[c.number])).status_code == 403


def test_k11_portal_pages_show_the_public_state_and_the_reply_only(staff, new_complaint, portal):
    # a major complaint (K6 report clocks), escalated to the head (head's decision clock)
    c = new_complaint(amount_claimed=Decimal("6000"), loss_amount=Decimal("5000"))
    services.complaint_contact(actor=staff["team_lead"], number=c.number)
    services.complaint_escalate(actor=staff["team_lead"], number=c.number, reason="超出权限")
    page, listing = reverse("portal:complaint_detail", args=[c.number]), reverse("portal:complaint_list")
    hidden = [
        "已上报部长",  # the internal state
        "待审批",
        "已联系客户",
        "重大投诉",
        "服务时限",  # the clocks panel, its clocks and their explanations
        "部长决定",
        "上报客服管理员",
        "客诉结案",
        "为什么在此时到期",
        "data-clock=",
        INTERNAL_TEXT,
    ]

    def shown(url: str, public: str) -> str:
        html = portal.get(url).content.decode()
        assert public in html
        for secret in hidden:
            assert secret not in html, (secret, url)
        return html

    html = shown(page, "处理中")
    assert 'id="portal-complaint-state" data-state="in_progress">处理中<' in html
    assert "我们正在处理您的投诉" in html
    shown(listing, 'data-state="in_progress">处理中<')
    services.complaint_approve(
        actor=staff["cs_manager"],
        number=c.number,
        disposition="compensation",
        decision="赔偿 6000 元",
        amount=Decimal("6000"),
        internal_handling=INTERNAL_TEXT,
    )
    assert Complaint.objects.get(pk=c.pk).state == "awaiting_approval"
    shown(page, 'data-state="in_progress">处理中<')
    approval_decide(actor=staff["gm"], approval_id=Approval.objects.get().pk, approve=True)
    services.complaint_reply(actor=staff["team_lead"], number=c.number, public_reply=REPLY_TEXT)
    html = shown(page, 'data-state="replied">已答复<')
    assert REPLY_TEXT in html
    shown(listing, 'data-state="replied">已答复<')
    services.complaint_implement(actor=staff["team_lead"], number=c.number)
    services.complaint_close(actor=staff["team_lead"], number=c.number)
    html = shown(page, 'data-state="closed">已结案<')
    assert "结案时间" in html
    follower = services.complaint_reject_conclusion(actor=staff["team_lead"], number=c.number, reason="金额不足")
    html = shown(page, 'data-state="reopened">重新处理<')
    assert f"投诉已转为 {follower.number} 重新处理" in html
    assert reverse("portal:complaint_detail", args=[follower.number]) in html
    shown(reverse("portal:complaint_detail", args=[follower.number]), 'data-state="received">已受理<')


def test_portal_error_in_chinese_and_other_organisations_are_404(staff, portal, make_user, actor_of):
    from tests.installed_base.factories import CustomerFactory

    response = portal.post(
        reverse("portal:complaint_create"),
        {"complaint_class": "quality", "description": "", "quantity": "1", "defective_quantity": "3"},
    )
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "description") == ["这个字段是必填项。"]
    assert Complaint.objects.count() == 0
    stranger = CustomerFactory()
    theirs = services.complaint_register(
        actor=staff["agent"], customer_id=stranger.pk, complaint_class="quality", channel="phone", description="x"
    )
    assert portal.get(reverse("portal:complaint_detail", args=[theirs.number])).status_code == 404
    assert portal.get(reverse("portal:complaint_reply_pdf", args=[theirs.number])).status_code == 404
    assert _client(staff["agent"]).get(reverse("portal:complaint_list")).status_code == 403


def test_k2_first_responder_without_complaint_rights_registers_and_stays_on_the_form(staff, customer):
    response = _client(staff["engineer"]).post(CREATE, _register_data(customer))
    assert response.status_code == 302
    assert response["Location"] == CREATE
    c = Complaint.objects.get()
    # issue 13 fault 6: owned by someone who can act on it (K2.owner_role, the team lead), not the engineer
    assert (c.registered_by_id, c.owner_id, c.channel) == (staff["engineer"].pk, staff["team_lead"].pk, "phone")


def test_k10_rejected_conclusion_opens_a_linked_complaint_from_the_page(staff, new_complaint):
    c = _replied(staff, new_complaint)
    client = _client(staff["agent"])
    response = client.post(_detail(c.number), {"action": "reject", "reject-version": c.version, "reject-reason": ""})
    assert response.status_code == 422
    assert Complaint.objects.count() == 1
    response = client.post(
        _detail(c.number), {"action": "reject", "reject-version": c.version, "reject-reason": "赔偿数量不足"}
    )
    follower = Complaint.objects.get(parent=c)
    assert response["Location"] == _detail(follower.number)
    html = client.get(_detail(follower.number)).content.decode()
    assert f'id="chain-parent" href="{_detail(c.number)}"' in html
    assert follower.number in client.get(_detail(c.number)).content.decode()
