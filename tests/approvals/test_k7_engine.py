"""K7 approval engine: levels at the boundaries, refusal above one's limit, decided once, handlers;
K11: a complaint decided beyond the decider's authority waits for the approval."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.approvals import services as approvals
from aftersales.approvals.errors import BeyondAuthority
from aftersales.approvals.models import Approval
from aftersales.approvals.registry import KINDS
from aftersales.approvals.selectors import approval_for
from aftersales.complaints import services
from aftersales.core.errors import Conflict
from aftersales.core.models import Event
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "role", "band"),
    [
        ("0", "sales_manager", "below"),
        ("999.99", "sales_manager", "below"),
        ("1000", "vp", "between"),
        ("5000", "vp", "between"),
        ("5000.01", "gm", "above"),
    ],
)
def test_k7_approval_level_boundaries(amount, role, band):
    got, explanation = approvals.approval_level(Decimal(amount))
    assert got == role
    assert explanation["rule"] == "K7"
    assert explanation["policy_version"] == 0  # the SPEC default, no version stored yet
    assert explanation["amount"] == str(Decimal(amount).quantize(Decimal("0.01")))
    assert explanation["thresholds"] == ["1000", "5000"]
    assert explanation["band"] == band
    assert explanation["role"] == role
    # plain words; the rule and version are kept apart for the small reference (0022)
    assert "K7" not in explanation["text"]
    assert "version" not in explanation["text"]
    assert explanation["text"].startswith(explanation["amount"])


def test_k7_level_reads_the_policy_version_in_force(staff):
    from aftersales.policies.services import policy_set

    pending = policy_set(actor=staff["admin"], key="K7.limits", value={"lower": 2000, "upper": 8000}, note="调整权限")
    approvals.approval_decide(actor=staff["gm"], approval_id=pending.pk, approve=True)  # the GM's approval
    role, explanation = approvals.approval_level(Decimal("1500"))
    assert (role, explanation["thresholds"], explanation["policy_version"]) == ("sales_manager", ["2000", "8000"], 1)


def _approval(staff, customer, amount):
    complaint = services.complaint_register(
        actor=staff["agent"],
        customer_id=customer.pk,
        complaint_class="quality",
        channel="phone",
        description="质量问题",
        received_at=at("2025-09-23 10:00"),
    )
    return approvals.approval_request(
        actor=staff["agent"],
        subject=complaint,
        kind="complaint",
        purpose="compensation",
        amount=Decimal(amount),
        policy_key="K7.limits",
    )


@pytest.mark.parametrize(
    ("amount", "decider", "allowed"),
    [
        ("999.99", "sales_manager", True),
        ("1000", "sales_manager", False),
        ("1000", "vp", True),
        ("5000", "vp", True),
        ("5000.01", "vp", False),
        ("5000.01", "gm", True),
        ("10", "gm", True),  # a higher level decides what a lower one may
        ("10", "admin", False),  # no authority: nobody approves on another's behalf
        ("10", "cs_manager", False),
    ],
)
def test_k7_approval_decide_refuses_beyond_authority(staff, customer, amount, decider, allowed):
    approval = _approval(staff, customer, amount)
    assert approvals.actor_may_decide(staff[decider], approval.required_role) is allowed
    if not allowed and not approvals.actor_authority(staff[decider]):
        return  # no authority at all: cannot even see the approval (404 through access_approval)
    events_before = Event.objects.count()
    if allowed:
        decided = approvals.approval_decide(actor=staff[decider], approval_id=approval.pk, approve=True, note="同意")
        assert (decided.state, decided.decided_by_id) == ("approved", staff[decider].pk)
    else:
        with pytest.raises(BeyondAuthority) as caught:
            approvals.approval_decide(actor=staff[decider], approval_id=approval.pk, approve=True)
        assert caught.value.code == "beyond_authority"
        assert caught.value.status == 403
        assert "副总经理" in str(caught.value.message) or "总经理" in str(caught.value.message)
        approval.refresh_from_db()
        assert approval.state == "pending"
        assert Event.objects.count() == events_before


def test_k7_an_approval_is_decided_once(staff, customer):
    approval = _approval(staff, customer, "500")
    approvals.approval_decide(actor=staff["sales_manager"], approval_id=approval.pk, approve=False, note="不同意")
    with pytest.raises(Conflict) as caught:
        approvals.approval_decide(actor=staff["gm"], approval_id=approval.pk, approve=True)
    assert caught.value.code == "approval_already_decided"
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by_id) == ("refused", staff["sales_manager"].pk)


def test_k7_handler_runs_inside_the_decision(staff, customer):
    seen = []
    saved = KINDS.get("policy")
    approvals.register_approval_kind("policy", handler=lambda approval: seen.append(approval.state))
    try:
        approval = approvals.approval_request(
            actor=staff["agent"],
            subject=customer,
            kind="policy",
            purpose="discount",
            amount=Decimal("3000"),
            policy_key="K7.limits",
        )
        assert approval.required_role == "vp"
        assert approval_for(customer) == approval
        approvals.approval_decide(actor=staff["vp"], approval_id=approval.pk, approve=True)
        assert seen == ["approved"]
    finally:
        if saved is None:
            KINDS.pop("policy", None)
        else:
            KINDS["policy"] = saved


def test_k11_sales_deciding_beyond_authority_asks_for_approval(staff, new_complaint):
    # given a contacted complaint
    complaint = new_complaint()
    services.complaint_contact(actor=staff["sales_manager"], number=complaint.number)

    # when the sales manager promises 1500 yuan (the VP's level)
    services.complaint_decide(
        actor=staff["sales_manager"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿 1500 元",
        amount=Decimal("1500"),
    )

    # then it is not decided: an approval for the VP waits
    complaint.refresh_from_db()
    assert (complaint.state, complaint.within_authority) == ("awaiting_approval", False)
    approval = approval_for(complaint)
    assert (approval.required_role, approval.amount, approval.purpose, approval.state) == (
        "vp",
        Decimal("1500.00"),
        "compensation",
        "pending",
    )

    # when the VP approves, the complaint is decided
    approvals.approval_decide(actor=staff["vp"], approval_id=approval.pk, approve=True)
    complaint.refresh_from_db()
    assert complaint.state == "decided"


def test_k11_refused_approval_sends_the_complaint_back(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_decide(
        actor=staff["agent"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿",
        amount=Decimal("200"),
    )
    approval = Approval.objects.get()
    assert approval.required_role == "sales_manager"
    approvals.approval_decide(actor=staff["sales_manager"], approval_id=approval.pk, approve=False, note="金额过高")
    complaint.refresh_from_db()
    assert complaint.state == "contacted"


def test_k7_decide_within_authority_needs_no_approval(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["sales_manager"], number=complaint.number)
    services.complaint_decide(
        actor=staff["sales_manager"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿 999.99 元",
        amount=Decimal("999.99"),
    )
    complaint.refresh_from_db()
    assert (complaint.state, complaint.within_authority) == ("decided", True)
    assert Approval.objects.count() == 0


def test_k7_engine_serves_another_rule_with_its_own_limits_policy(staff, customer, monkeypatch):
    """A later rule that approves by amount (here a made-up gift rule "Z1") declares its limits as
    policy and passes the key: the approver and the explanation come from that policy."""
    from django.utils.translation import gettext_lazy
    from pydantic import TypeAdapter

    from aftersales.policies.defaults import POLICIES, ApprovalLimits, PolicyDef
    from aftersales.policies.services import policy_set

    monkeypatch.setitem(
        POLICIES,
        "Z1.gift_limits",
        PolicyDef(
            key="Z1.gift_limits",
            rule="Z1",
            adapter=TypeAdapter(ApprovalLimits),
            default={"lower": 200, "upper": 800, "roles": {"below": "sales_manager", "between": "vp", "above": "gm"}},
            label=gettext_lazy("Gift approval"),
            help=gettext_lazy("Gift approval"),
        ),
    )
    pending = policy_set(
        actor=staff["admin"],
        key="Z1.gift_limits",
        value={"lower": 200, "upper": 500, "roles": {"below": "sales_manager", "between": "vp", "above": "gm"}},
        note="礼品",
    )
    approvals.approval_decide(actor=staff["gm"], approval_id=pending.pk, approve=True)  # the GM's approval

    approval = approvals.approval_request(
        actor=staff["agent"],
        subject=customer,
        kind="complaint",
        purpose="other",
        amount=Decimal("600"),
        policy_key="Z1.gift_limits",
    )

    # 600 is above Z1's upper limit of 500 (K7 would send it to the sales manager)
    assert (approval.required_role, approval.rule) == ("gm", "Z1")
    assert (approval.explanation["policy_key"], approval.explanation["rule"]) == ("Z1.gift_limits", "Z1")
    assert "Z1" not in approval.explanation["text"]
    with pytest.raises(BeyondAuthority) as refused:
        approvals.approval_decide(actor=staff["vp"], approval_id=approval.pk, approve=True)
    assert "Z1" in str(refused.value.message)
    requested = Event.objects.get(action="approval.requested", data__approval=approval.pk)
    assert requested.rule == "Z1"
