"""K7, K8, K16 and the K6 ladder: rules that a careless path could slip past.

- a compensation is approved by its amount, so it must have one (K7/K11);
- a decision within authority records who was entitled to take it (K7);
- a refused approval of an escalated case goes back to the department head, with a new clock (K5);
- a human-factor case names its department and person (K8);
- a major complaint reaches the vice-president (K16), and so does a missed report to the head (K6).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aftersales.approvals.models import Approval
from aftersales.approvals.services import approval_decide
from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.core.errors import ValidationFailed
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db


def _clocks(complaint, kind):
    return list(
        Clock.objects.filter(subject_type="complaints.complaint", subject_id=str(complaint.pk), kind=kind).order_by(
            "id"
        )
    )


def test_k7_a_compensation_without_an_amount_is_refused(staff, new_complaint):
    # given a contacted complaint
    complaint = new_complaint()
    services.complaint_contact(actor=staff["sales"], number=complaint.number)
    events = Event.objects.count()

    # when sales settles it as a compensation of 0 yuan
    with pytest.raises(ValidationFailed) as caught:
        services.complaint_decide(
            actor=staff["sales"], number=complaint.number, disposition="compensation", decision="赔偿 8000 元"
        )

    # then it is refused, naming the amount, and nothing changes
    assert "amount" in caught.value.fields
    complaint.refresh_from_db()
    assert (complaint.state, complaint.decision) == ("contacted", "")
    assert Event.objects.count() == events
    assert Approval.objects.count() == 0


def test_k7_a_decision_within_authority_records_who_was_entitled(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["sales_manager"], number=complaint.number)

    services.complaint_decide(
        actor=staff["sales_manager"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿 800 元",
        amount=Decimal("800"),
    )

    decided = Event.objects.get(action="complaint.decided", subject_id=str(complaint.pk))
    assert decided.data["approval_role"] == "sales_manager"
    assert (decided.data["k7"]["rule"], decided.data["k7"]["band"], decided.data["k7"]["amount"]) == (
        "K7",
        "below",
        "800.00",
    )
    assert decided.policy_version == decided.data["k7"]["policy_version"]


def test_k5_a_refused_approval_of_an_escalated_case_goes_back_to_the_head(staff, new_complaint):
    # given an escalated complaint the department head settles with 8000 yuan (beyond the head's authority)
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_escalate(actor=staff["agent"], number=complaint.number, reason="金额较大")
    services.complaint_approve(
        actor=staff["cs_manager"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿 8000 元",
        amount=Decimal("8000"),
    )
    approval = Approval.objects.get()
    assert approval.required_role == "gm"

    # when the general manager refuses it
    approval_decide(actor=staff["gm"], approval_id=approval.pk, approve=False, note="金额过高")

    # then the case is with the department head again, on a new decision clock
    complaint.refresh_from_db()
    assert complaint.state == "escalated"
    first, second = _clocks(complaint, "head_decision")
    assert (first.state, second.state, second.owner) == ("stopped", "running", complaint.supervisor)

    # and when the head decides again, the reply clock starts
    services.complaint_approve(
        actor=staff["cs_manager"], number=complaint.number, disposition="explanation", decision="向客户解释"
    )
    complaint.refresh_from_db()
    assert complaint.state == "decided"
    assert [c.state for c in _clocks(complaint, "reply")] == ["running"]


def test_k8_a_human_factor_case_needs_its_department_and_person(staff, new_complaint):
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_decide(actor=staff["agent"], number=complaint.number, disposition="guidance", decision="指导")
    services.complaint_reply(actor=staff["agent"], number=complaint.number, public_reply="已答复")

    with pytest.raises(ValidationFailed) as caught:
        services.complaint_implement(
            actor=staff["agent"], number=complaint.number, human_factor=True, responsible_department="装配车间"
        )

    assert "responsible_person" in caught.value.fields
    complaint.refresh_from_db()
    assert (complaint.state, complaint.human_factor, complaint.penalty_points) == ("replied", False, 0)


def test_k16_a_major_complaint_reaches_the_vice_president(staff, new_complaint):
    complaint = new_complaint(media_exposure=True)

    informed = Event.objects.get(action="complaint.vp_informed", subject_id=str(complaint.pk))
    assert (informed.rule, informed.data["vp"]) == ("K16", ["vp"])
    bell = Notification.objects.get(user=staff["vp"].user, rule="K16")
    assert complaint.number in bell.title


def test_k16_an_ordinary_complaint_stays_with_the_department(staff, new_complaint):
    complaint = new_complaint()

    assert not Event.objects.filter(action="complaint.vp_informed", subject_id=str(complaint.pk)).exists()
    assert not Notification.objects.filter(user=staff["vp"].user).exists()


def test_k6_a_missed_report_to_the_head_climbs_the_ladder(staff, new_complaint):
    import time_machine

    from aftersales.clocks.sweep import clock_sweep

    # given a major complaint reported to the desk at 11:00 (the head report is due at 13:00)
    with time_machine.travel(at("2025-09-23 10:00"), tick=False):
        complaint = new_complaint(received_at=at("2025-09-23 10:00"), industry_inspection=True)
    with time_machine.travel(at("2025-09-23 11:00"), tick=False):
        services.complaint_report(actor=staff["team_lead"], number=complaint.number)

    # when the sweep runs at 13:30 and nobody has reported to the head
    clock_sweep(now=at("2025-09-23 13:30"))

    # then the breach is escalated on the complaint, and the head and the VP are told
    steps = Event.objects.filter(action="complaint.clock_escalated", subject_id=str(complaint.pk))
    assert [e.data["at"] for e in steps if e.data["clock"] == "report_head"] == ["breach"]
    told = set(Notification.objects.filter(rule="K6").values_list("user__username", flat=True))
    assert {"cs_manager", "vp"} <= told
    assert _clocks(complaint, "report_head")[0].breached_at == at("2025-09-23 13:00").astimezone(dt.UTC)


def test_x2_a_ladder_reassignment_makes_a_new_owner_and_a_new_version(staff, new_complaint):
    from aftersales.clocks.sweep import clock_sweep
    from aftersales.policies.selectors import policy_get
    from aftersales.policies.services import policy_set

    # given a ladder that hands a complaint not contacted in time to the team lead
    ladders = policy_get("X2.escalation").value
    ladders["ladders"]["contact"] = [
        {"at": "breach", "after_minutes": 0, "notify": ["owner"], "raise_level": False, "reassign_to": "role:team_lead"}
    ]
    policy_set(
        actor=staff["admin"], key="X2.escalation", value=ladders, note="转交", effective_from=at("2025-01-01 00:00")
    )
    complaint = new_complaint(received_at=at("2025-09-23 10:00"))
    assert (complaint.owner.username, complaint.version) == ("agent", 1)

    # when the sweep finds the contact deadline (14:00) missed
    clock_sweep(now=at("2025-09-23 14:30"))

    # then the team lead owns it, as a new version (a form opened before is refused), recorded once
    complaint.refresh_from_db()
    assert (complaint.owner.username, complaint.version) == ("team_lead", 2)
    step = Event.objects.get(action="complaint.clock_escalated", subject_id=str(complaint.pk), data__at="breach")
    assert step.data["reassigned_to"] == "team_lead"


def test_k6_the_service_refuses_what_only_staff_judge_from_a_portal_user(new_complaint, make_user, actor_of, customer):
    portal = actor_of(make_user("customer", customer_id=customer.pk))

    with pytest.raises(ValidationFailed) as caught:
        new_complaint(actor=portal, media_exposure=True, loss_amount=Decimal("9000"))

    assert set(caught.value.fields) == {"media_exposure", "loss_amount"}
    assert not Event.objects.filter(action="complaint.registered").exists()
