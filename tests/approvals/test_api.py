"""The one approvals engine through its API: kinds end to end, nobody decides their own request, nobody
beyond their limit (with the explanation), the scoped read, the policy change needing the GM, the handler
in the deciding transaction, events with old → new, notifications."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aftersales.approvals import services as approvals
from aftersales.approvals.models import Approval
from aftersales.approvals.registry import KINDS, KindRegistration
from aftersales.complaints import services
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_get
from aftersales.service.models import FeeStandard
from aftersales.service.services.quotes import fee_standard_create

pytestmark = pytest.mark.django_db


def _complaint_waiting(staff: dict[str, Any], new_complaint: Any, amount: str) -> Any:
    """A complaint the agent decided beyond his authority: its K7 approval waits."""
    complaint = new_complaint()
    services.complaint_contact(actor=staff["agent"], number=complaint.number)
    services.complaint_decide(
        actor=staff["agent"],
        number=complaint.number,
        disposition="compensation",
        decision="赔偿",
        amount=Decimal(amount),
    )
    return Approval.objects.get(subject_id=str(complaint.pk))


def _snapshot() -> tuple[Any, ...]:
    return (
        list(Approval.objects.order_by("pk").values_list("pk", "state", "decided_by_id")),
        Event.objects.count(),
        Notification.objects.count(),
    )


def test_k7_complaint_kind_end_to_end(api_as, staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "1500")
    vp = api_as(staff["vp"].user)

    waiting = vp.get("approvals?mine=waiting").json()
    assert [(a["id"], a["kind"], a["rule"], a["amount"], a["required_role"]) for a in waiting["items"]] == [
        (approval.pk, "complaint", "K7", "1500.00", "vp")
    ]
    assert waiting["count"] == 1
    assert vp.get("approvals?kind=return").json()["items"] == []

    decided = vp.post(f"approvals/{approval.pk}/decide", {"decision": "approve", "reason": "同意赔偿"})

    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert (body["state"], body["decided_by"]["username"], body["decision_note"]) == ("approved", "vp", "同意赔偿")
    assert body["link"] == f"/complaints/{approval.subject_label}/"
    complaint = approval.subject_label
    assert api_as(staff["agent"].user).get(f"complaints/{complaint}").json()["state"] == "decided"
    assert vp.get("approvals?mine=waiting").json()["items"] == []
    assert vp.get(f"approvals/{approval.pk}").json()["state"] == "approved"


def test_events_carry_old_to_new_state(staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "500")

    approvals.approval_decide(actor=staff["sales_manager"], approval_id=approval.pk, approve=False, note="过高")

    moved = Event.objects.get(subject_type="approvals.approval", subject_id=str(approval.pk))
    assert (moved.action, moved.rule, moved.data["state"], moved.data["reason"]) == (
        "approval.refused",
        "K7",
        ["pending", "refused"],
        "过高",
    )
    on_record = Event.objects.get(action="approval.decided", data__approval=approval.pk)
    assert (on_record.subject_type, on_record.data["state"]) == ("complaints.complaint", "refused")


def test_nobody_decides_their_own_request(api_as, staff, new_complaint):
    complaint = new_complaint(actor=staff["sales_manager"])
    services.complaint_contact(actor=staff["sales_manager"], number=complaint.number)
    approval = approvals.approval_request(
        actor=staff["sales_manager"],
        subject=complaint,
        kind="complaint",
        purpose="compensation",
        amount=Decimal("100"),
        policy_key="K7.limits",
    )
    manager = api_as(staff["sales_manager"].user)
    before = _snapshot()

    own = manager.post(f"approvals/{approval.pk}/decide", {"decision": "approve"})

    assert (own.status_code, own.json()["code"], own.json()["message"]) == (
        403,
        "own_approval",
        "不能审批自己提出的申请。",
    )
    assert _snapshot() == before


def test_beyond_the_limit_is_refused_with_the_rule_and_numbers(api_as, staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "6000")
    vp = api_as(staff["vp"].user)
    before = _snapshot()

    refused = vp.post(f"approvals/{approval.pk}/decide", {"decision": "approve"})

    assert (refused.status_code, refused.json()["code"]) == (403, "beyond_authority")
    message = refused.json()["message"]
    for part in ("6000", "总经理", "K7", "1000", "5000"):
        assert part in message, message
    assert _snapshot() == before


def test_the_read_is_scoped_with_the_same_404(api_as, staff, new_complaint, make_user):
    approval = _complaint_waiting(staff, new_complaint, "500")
    outsider = api_as(make_user("engineer", username="eng_x"))
    for path in (f"approvals/{approval.pk}", "approvals/999999"):
        response = outsider.get(path)
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), path
    assert outsider.get("approvals").json()["items"] == []
    assert outsider.post(f"approvals/{approval.pk}/decide", {"decision": "approve"}).status_code == 404
    # the requester reads it; a decider reads it; an auditor reads it
    assert api_as(staff["agent"].user).get(f"approvals/{approval.pk}").status_code == 200
    assert api_as(staff["sales_manager"].user).get(f"approvals/{approval.pk}").status_code == 200
    assert api_as(make_user("mgmt_rep", username="audit1")).get(f"approvals/{approval.pk}").status_code == 200
    assert Approval.objects.get().state == "pending"


def test_bad_decision_input_is_422_and_changes_nothing(api_as, staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "500")
    manager = api_as(staff["sales_manager"].user)
    before = _snapshot()
    for body in ({"decision": "maybe"}, {"approve": True}, {"decision": "approve", "reason": "x" * 201}):
        response = manager.post(f"approvals/{approval.pk}/decide", body)
        assert (response.status_code, response.json()["code"]) == (422, "validation_failed"), body
    assert _snapshot() == before


def test_the_handler_follows_in_the_same_transaction(staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "500")
    saved = KINDS["complaint"]

    def failing(_approval: Any) -> None:
        raise RuntimeError("handler failed")

    KINDS["complaint"] = KindRegistration(handler=failing, link=saved.link)
    before = _snapshot()
    try:
        with pytest.raises(RuntimeError):
            approvals.approval_decide(actor=staff["sales_manager"], approval_id=approval.pk, approve=True)
    finally:
        KINDS["complaint"] = saved
    # the decision rolled back with the handler: still pending, no event, no notification
    assert _snapshot() == before


def test_the_approver_is_notified_and_then_the_requester(staff, new_complaint):
    approval = _complaint_waiting(staff, new_complaint, "1500")
    waiting = Notification.objects.get(user=staff["vp"].user)
    assert (waiting.rule, waiting.url) == ("K7", "/approvals/")

    approvals.approval_decide(actor=staff["vp"], approval_id=approval.pk, approve=True)

    told = Notification.objects.filter(user=staff["agent"].user, rule="K7").get()
    assert told.title == f"已批准：{approval.subject_label}"


def test_b2_fee_standard_kind_end_to_end(api_as, staff, make_user, actor_of):
    manager = staff["cs_manager"]
    draft = fee_standard_create(actor=manager, labour_rate=Decimal("200"), callout_fee=Decimal("50"))
    approval = Approval.objects.get(kind="fee_standard")
    assert (approval.rule, approval.required_perm, approval.amount) == ("B2", "service.approve_feestandard", None)
    # the head does not approve the version he drafted himself
    own = api_as(manager.user).post(f"approvals/{approval.pk}/decide", {"decision": "approve"})
    assert (own.status_code, own.json()["code"]) == (403, "own_approval")
    # another service-centre manager does; the standard prices from now on
    other = api_as(make_user("cs_manager", username="boss2"))
    assert [a["id"] for a in other.get("approvals?mine=waiting&kind=fee_standard").json()["items"]] == [approval.pk]
    assert other.post(f"approvals/{approval.pk}/decide", {"decision": "approve"}).status_code == 200
    draft.refresh_from_db()
    assert (draft.approved_by.username, draft.approved_at is not None) == ("boss2", True)
    assert FeeStandard.objects.filter(approved_at__isnull=False).count() == 1


def test_k7_policy_change_waits_for_the_gm(api_as, staff, make_user):
    admin = api_as(staff["admin"].user)
    value = {**policy_get("K7.limits").value, "lower": 2000}

    proposed = admin.put("policies/K7.limits", {"value": value, "note": "调整权限"})

    assert proposed.status_code == 202, proposed.content
    approval_id = proposed.json()["approval"]
    assert (proposed.json()["kind"], proposed.json()["required_role"]) == ("policy", "gm")
    assert PolicyVersion.objects.count() == 0
    assert policy_get("K7.limits").value["lower"] == 1000  # not in force yet
    # the VP may not approve it; the proposer may not either (were he a GM)
    assert api_as(staff["vp"].user).post(f"approvals/{approval_id}/decide", {"decision": "approve"}).status_code in (
        403,
        404,
    )
    gm = api_as(staff["gm"].user)
    assert [a["id"] for a in gm.get("approvals?mine=waiting&kind=policy").json()["items"]] == [approval_id]

    decided = gm.post(f"approvals/{approval_id}/decide", {"decision": "approve", "reason": "同意"})

    assert decided.status_code == 200, decided.content
    assert policy_get("K7.limits").value["lower"] == 2000
    version = PolicyVersion.objects.get()
    assert (version.changed_key, version.created_by_id) == ("K7.limits", staff["admin"].user.pk)
    changed = Event.objects.get(action="policy.changed")
    assert (changed.actor_id, changed.data["approval"]) == (staff["gm"].user.pk, approval_id)


def test_a_gm_does_not_approve_his_own_policy_change(api_as, staff, make_user, actor_of):
    gm = make_user("gm", username="gm_proposer")
    gm.groups.add(*make_user("admin", username="adm_x").groups.all())  # may also change policies
    value = {**policy_get("K7.limits").value, "upper": 6000}
    proposed = api_as(gm).put("policies/K7.limits", {"value": value, "note": ""})
    approval_id = proposed.json()["approval"]
    own = api_as(gm).post(f"approvals/{approval_id}/decide", {"decision": "approve"})
    assert (own.status_code, own.json()["code"]) == (403, "own_approval")
    assert PolicyVersion.objects.count() == 0
    refused = api_as(staff["gm"].user).post(f"approvals/{approval_id}/decide", {"decision": "refuse"})
    assert refused.json()["state"] == "refused"
    assert PolicyVersion.objects.count() == 0
    assert policy_get("K7.limits").value["upper"] == 5000
