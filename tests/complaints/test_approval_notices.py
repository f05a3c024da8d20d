"""Issue 13, point 2: a 6,000-yuan complaint approval rings the GM's bell (nobody else's), and the
decision rings the bell of the one who asked for it; the GM's home page counts it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from aftersales.approvals.services import approval_decide
from aftersales.complaints import services
from aftersales.notifications.models import Notification


def _told(username: str) -> list[Notification]:
    return list(Notification.objects.filter(user__username=username).order_by("id"))


@pytest.mark.django_db
def test_a_6000_yuan_compensation_waits_in_the_gms_bell_and_the_decision_in_the_heads(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="超出权限")
    head = staff["cs_manager"].user
    head.display_name = "李部长"
    head.save(update_fields=["display_name"])
    before = {u: len(_told(u)) for u in ("gm", "vp", "sales_manager", "agent", "cs_manager")}

    services.complaint_approve(
        actor=staff["cs_manager"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿 6000 元",
        amount=Decimal("6000"),
    )

    waiting = _told("gm")[before["gm"] :]
    assert len(waiting) == 1
    assert complaint.number in waiting[0].title
    assert waiting[0].title.startswith("待您审批")
    assert waiting[0].body.startswith("李部长 请您审批")
    assert waiting[0].url == "/approvals/"
    for other in ("vp", "sales_manager", "agent", "cs_manager"):
        assert len(_told(other)) == before[other], other

    # the GM's home page counts it and links to the queue that lists it
    client = Client()
    client.force_login(staff["gm"].user)
    page = client.get("/").content.decode()
    assert 'data-queue="approvals"' in page
    assert 'data-count="1"' in page

    from aftersales.approvals.models import Approval

    approval = Approval.objects.get(subject_id=str(complaint.pk))
    gm = staff["gm"].user
    gm.display_name = "王总"
    gm.save(update_fields=["display_name"])
    approval_decide(actor=staff["gm"], approval_id=approval.pk, approve=True, note="同意")

    decided = _told("cs_manager")[before["cs_manager"] :]
    assert [n.title for n in decided] == [f"已批准：{approval.subject_label}"]
    assert decided[0].body == "王总 已批准。同意"
    assert len(_told("gm")) == before["gm"] + 1  # the decider is not told of their own decision


@pytest.mark.django_db
def test_escalation_tells_the_head_and_the_decision_tells_the_handler(staff, new_complaint):
    """Regression (journey "a 6,000-yuan complaint"): the head was not told of an escalated case, and the
    handler who owns the complaint (and must reply) was not told the GM's decision — only the head was."""
    complaint = new_complaint(description="运输途中包装破损，外壳开裂")
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="超出权限")

    escalated = _told("cs_manager")
    assert [n.title for n in escalated] == [f"投诉 {complaint.number} 已上报给您：{complaint.customer.name}"]
    assert "超出权限" in escalated[0].body
    assert "运输途中包装破损" in escalated[0].body
    assert escalated[0].url == f"/complaints/{complaint.number}/"

    services.complaint_approve(
        actor=staff["cs_manager"],
        number=complaint.number,
        disposition="exchange",
        decision="换货 6000 元",
        amount=Decimal("6000"),
    )
    waiting = _told("gm")
    assert len(waiting) == 1
    assert complaint.customer.name in waiting[0].body  # the customer and the disposition decided
    assert "换货" in waiting[0].body
    assert _told("agent") == []

    from aftersales.approvals.models import Approval

    approval = Approval.objects.get(subject_id=str(complaint.pk))
    approval_decide(actor=staff["gm"], approval_id=approval.pk, approve=True, note="同意")

    handler = _told("agent")
    assert [n.title for n in handler] == [f"投诉 {complaint.number} 已决定：换货（{complaint.customer.name}）"]
    assert "6000" in handler[0].body
    assert handler[0].url == f"/complaints/{complaint.number}/"


@pytest.mark.django_db
def test_a_head_decision_within_authority_tells_the_handler(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="超出权限")

    services.complaint_approve(
        actor=staff["cs_manager"], number=complaint.number, disposition="guidance", decision="现场指导操作"
    )

    assert [n.title for n in _told("agent")] == [f"投诉 {complaint.number} 已决定：指导（{complaint.customer.name}）"]
