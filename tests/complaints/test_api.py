"""Complaints end to end through the API: register (K1, K2, K6), the whole handling (K5, K9, K11),
the customer rejecting the conclusion (K10), the portal's view (K11), the K7 approval queue."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from aftersales.approvals.models import Approval
from aftersales.complaints.models import Complaint
from aftersales.core.models import Event

pytestmark = pytest.mark.django_db

INTERNAL = {
    "internal_handling",
    "approvals",
    "human_factor",
    "responsible_department",
    "responsible_person",
    "penalty_points",
    "loss_amount",
    "decision",
    "decision_amount",
    "owner",
    "supervisor",
    "approval_role",
    "approval_explanation",
}


def _body(customer, **extra):
    return {
        "customer": customer.pk,
        "class": "quality",
        "channel": "phone",
        "description": "外壳开裂",
        "amount_claimed": "1000.00",
        "received_at": "2025-09-23T10:00:00+08:00",
        **extra,
    }


def test_k1_k2_register_through_the_api(api_as, staff, customer):
    # when an engineer (first responder) registers a complaint
    response = api_as(staff["engineer"].user).post("complaints", _body(customer))

    # then it is numbered TS<yyyymm><seq>, owned by someone who can act on it (K2.owner_role: the team
    # lead; the engineer cannot open complaints, issue 13 fault 6), with its K7 level and clocks
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"TS\d{6}0001", body["number"])
    assert body["class"] == "quality"
    assert (body["state"], body["major"], body["approval_role"]) == ("registered", False, "vp")
    assert body["approval_explanation"]["thresholds"] == ["1000", "5000"]
    assert body["owner"]["username"] == "team_lead"
    assert sorted(c["kind"] for c in body["clocks"]) == ["close", "contact"]


def test_register_refuses_bad_input(api_as, staff, customer):
    client = api_as(staff["agent"].user)
    for bad in [
        {"class": "nonsense"},
        {"amount_claimed": 12},  # money travels as a string
        {"received_at": "2025-09-23T10:00:00"},  # naive
        {"complaint_class": "quality"},  # the field is called "class"
    ]:
        response = client.post("complaints", _body(customer, **bad))
        assert response.status_code in (400, 422), (bad, response.content)
        assert set(response.json()) == {"code", "message", "fields"}
    response = client.post("complaints", _body(customer, service_request="FW000"))
    assert response.status_code == 422
    assert "service_request" in response.json()["fields"]
    assert Complaint.objects.count() == 0


def test_k6_major_complaint_is_owned_by_a_team_lead_and_supervised_by_the_head(api_as, staff, customer):
    response = api_as(staff["agent"].user).post("complaints", _body(customer, loss_amount="5000.00"))
    body = response.json()
    assert body["major"] is True
    assert (body["owner"]["username"], body["supervisor"]["username"]) == ("team_lead", "cs_manager")
    assert sorted(c["kind"] for c in body["clocks"]) == ["close", "contact", "report_desk"]
    event = Event.objects.get(action="complaint.major")
    assert (event.rule, event.data["reasons"]) == ("K6", ["loss_amount"])
    # just below the threshold, nothing else: not major
    response = api_as(staff["agent"].user).post("complaints", _body(customer, loss_amount="4999.99"))
    assert response.json()["major"] is False


def test_k5_whole_case_within_authority_then_k10_rejected_conclusion(api_as, staff, customer):
    agent = api_as(staff["agent"].user)
    number = agent.post("complaints", _body(customer, amount_claimed="0.00")).json()["number"]
    path = f"complaints/{number}"

    # contact, decide (no amount: within anyone's authority), reply, implement, close
    assert agent.post(f"{path}/contact", {"note": "已电话联系客户", "version": 1}).status_code == 200
    decided = agent.post(f"{path}/decide", {"disposition": "guidance", "decision": "指导客户正确安装", "version": 2})
    assert decided.json()["state"] == "decided"
    stale = agent.post(f"{path}/reply", {"public_reply": "x", "version": 2})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    assert agent.post(f"{path}/reply", {"public_reply": "已指导客户安装，问题解决"}).json()["state"] == "replied"
    implemented = agent.post(
        f"{path}/implement",
        {"human_factor": True, "responsible_department": "安装部", "responsible_person": "engineer"},
    ).json()
    assert (implemented["state"], implemented["penalty_points"]) == ("implemented", 3)  # K8
    closed = agent.post(f"{path}/close", {}).json()
    assert closed["state"] == "closed"
    assert {c["state"] for c in closed["clocks"]} == {"stopped"}
    assert Event.objects.filter(action="complaint.callback_due", rule="K15").count() == 1  # K15
    wrong = agent.post(f"{path}/contact", {})
    assert (wrong.status_code, wrong.json()["code"]) == (409, "invalid_transition")

    # when the customer rejects the conclusion, a new linked complaint is opened
    response = agent.post(f"{path}/reject-conclusion", {"reason": "客户不接受处理结果"})
    assert response.status_code == 201
    follower = response.json()
    assert follower["parent"] == number
    assert follower["state"] == "registered"
    assert follower["number"] != number
    assert agent.get(path).json()["state"] == "rejected"


def test_escalated_case_with_an_amount_goes_through_the_approval_queue(api_as, staff, customer):
    agent = api_as(staff["agent"].user)
    number = agent.post("complaints", _body(customer)).json()["number"]
    path = f"complaints/{number}"
    agent.post(f"{path}/contact", {})
    assert agent.post(f"{path}/escalate", {"reason": "超出权限"}).json()["state"] == "escalated"
    # the agent may not decide as department head
    assert agent.post(f"{path}/approve", {"disposition": "compensation", "decision": "赔偿"}).status_code == 403
    head = api_as(staff["cs_manager"].user)
    body = head.post(f"{path}/approve", {"disposition": "compensation", "decision": "赔偿 6000 元", "amount": "6000"})
    assert body.json()["state"] == "awaiting_approval"

    # the GM's queue holds it; the VP's does not, and the VP is refused
    gm, vp = api_as(staff["gm"].user), api_as(staff["vp"].user)
    queue = gm.get("approvals?mine=waiting").json()["items"]
    assert [(a["required_role"], a["amount"]) for a in queue] == [("gm", "6000.00")]
    assert vp.get("approvals?mine=waiting").json()["items"] == []
    approval_id = queue[0]["id"]
    refused = vp.post(f"approvals/{approval_id}/decide", {"decision": "approve"})
    assert (refused.status_code, refused.json()["code"]) == (403, "beyond_authority")
    assert "总经理" in refused.json()["message"]
    assert gm.post(f"approvals/{approval_id}/decide", {"decision": "approve", "reason": "同意"}).status_code == 200
    after = agent.get(path).json()
    assert after["state"] == "decided"
    assert "reply" in {c["kind"] for c in after["clocks"]}
    twice = gm.post(f"approvals/{approval_id}/decide", {"decision": "approve"})
    assert (twice.status_code, twice.json()["code"]) == (409, "approval_already_decided")
    assert Approval.objects.get().decided_by_id == staff["gm"].pk


def test_k11_portal_user_sees_own_complaints_without_the_internal_form(api_as, staff, customer, make_user):
    from tests.installed_base.factories import CustomerFactory

    agent = api_as(staff["agent"].user)
    number = agent.post("complaints", _body(customer)).json()["number"]
    agent.post(f"complaints/{number}/contact", {"note": "内部：怀疑客户操作不当"})
    other = CustomerFactory()
    other_number = agent.post("complaints", _body(other)).json()["number"]

    portal = api_as(make_user("customer", customer_id=customer.pk))
    body = portal.get(f"complaints/{number}").json()
    assert body["number"] == number
    assert not INTERNAL & set(body), INTERNAL & set(body)
    assert "怀疑" in agent.get(f"complaints/{number}").content.decode()  # staff read the internal form
    assert "怀疑" not in portal.get(f"complaints/{number}").content.decode()
    assert portal.get(f"complaints/{other_number}").status_code == 404
    assert [c["number"] for c in portal.get("complaints").json()["items"]] == [number]
    assert portal.get("approvals").json()["items"] == []
    assert portal.post(f"complaints/{number}/contact", {}).status_code == 403

    # a portal user registers for their own organisation only, channel web
    mine = portal.post("complaints", _body(customer, channel="phone"))
    assert mine.status_code == 201
    assert mine.json()["channel"] == "web"
    assert not INTERNAL & set(mine.json())
    assert portal.post("complaints", _body(other)).status_code == 404


def test_list_filters(api_as, staff, customer):
    agent = api_as(staff["agent"].user)
    agent.post("complaints", _body(customer, media_exposure=True))
    plain = agent.post("complaints", _body(customer)).json()["number"]
    assert [c["number"] for c in agent.get("complaints", major="false").json()["items"]] == [plain]
    assert len(agent.get("complaints", major="true").json()["items"]) == 1
    assert len(agent.get("complaints", state="registered").json()["items"]) == 2
    assert agent.get("complaints", state="closed").json()["items"] == []
    assert Decimal(agent.get(f"complaints/{plain}").json()["amount_claimed"]) == Decimal("1000")


# --- K11: the portal's body is the public state and the reply, nothing of the handling ------------

PUBLIC_BODY = {
    "number",
    "customer",
    "public_state",
    "public_state_label",
    "class",
    "channel",
    "received_at",
    "description",
    "order_number",
    "batch_number",
    "ship_date",
    "quantity",
    "defective_quantity",
    "customer_request",
    "amount_claimed",
    "samples",
    "service_request",
    "parent",
    "public_reply",
    "replied_at",
    "closed_at",
    "reopened_as",
}
# what the portal must never carry, as keys or values (internal states, clock kinds, escalation, K6)
NEVER_ON_THE_PORTAL = INTERNAL | {
    "state",
    "version",
    "clocks",
    "major",
    "media_exposure",
    "industry_inspection",
    "desk_reported_at",
    "head_reported_at",
    "escalated_to_head",
    "within_authority",
    "disposition",
    "registered_by",
    "escalation_level",
    "explanation",
}
INTERNAL_WORDS = [
    "contacted",
    "awaiting_approval",
    "escalated",
    "decided",
    "implemented",
    "rejected",
    "head_decision",
    "report_desk",
    "report_head",
    "escalation",
    "explanation",
    "待审批",
    "已上报部长",
    "已联系客户",
    "已决定",
    "已落实",
    "重大投诉",
    "部长决定",
    "上报客服管理员",
    "内部",
]


def _portal_body(portal, number):
    response = portal.get(f"complaints/{number}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PUBLIC_BODY, set(body) ^ PUBLIC_BODY
    assert not NEVER_ON_THE_PORTAL & set(body)
    text = response.content.decode()
    for word in INTERNAL_WORDS:
        assert word not in text, (word, text)
    # the list row is the same public body (times rendered to the millisecond there)
    (row,) = [r for r in portal.get("complaints").json()["items"] if r["number"] == number]
    times = {"received_at", "replied_at", "closed_at"}
    assert {k: v for k, v in row.items() if k not in times} == {k: v for k, v in body.items() if k not in times}
    assert all((row[k] is None) == (body[k] is None) for k in times)
    return body


def test_k11_portal_body_follows_the_public_state_only(api_as, staff, customer, make_user):
    from aftersales.complaints.choices import PublicState
    from aftersales.complaints.schemas import PublicStateCode

    assert set(PublicStateCode.__args__) == set(PublicState.values)
    lead, head, gm = api_as(staff["team_lead"].user), api_as(staff["cs_manager"].user), api_as(staff["gm"].user)
    portal = api_as(make_user("customer", customer_id=customer.pk))
    # K6 major (report clocks), a claim beyond every decider below the GM (K7)
    created = lead.post("complaints", _body(customer, loss_amount="5000.00", amount_claimed="6000.00")).json()
    number, path = created["number"], f"complaints/{created['number']}"
    assert created["major"] is True
    assert {"report_desk"} <= {c["kind"] for c in created["clocks"]}

    def stage(internal, public, label):
        assert lead.get(path).json()["state"] == internal
        body = _portal_body(portal, number)
        assert (body["public_state"], body["public_state_label"]) == (public, label), (internal, body)
        return body

    body = stage("registered", "received", "已受理")
    assert (body["public_reply"], body["replied_at"], body["reopened_as"]) == ("", None, None)
    lead.post(f"{path}/contact", {"note": "内部：客户情绪激动"})
    stage("contacted", "in_progress", "处理中")
    lead.post(f"{path}/escalate", {"reason": "超出权限"})
    assert "head_decision" in {c["kind"] for c in lead.get(path).json()["clocks"]}
    stage("escalated", "in_progress", "处理中")
    decided = {"disposition": "compensation", "decision": "赔偿 6000 元", "amount": "6000"}
    head.post(f"{path}/approve", {**decided, "internal_handling": "内部：责任在包装班组"})
    stage("awaiting_approval", "in_progress", "处理中")
    approval_id = gm.get("approvals").json()["items"][0]["id"]
    assert gm.post(f"approvals/{approval_id}/decide", {"decision": "approve"}).status_code == 200
    stage("decided", "in_progress", "处理中")
    lead.post(f"{path}/reply", {"public_reply": "我司同意赔偿 6000 元。"})
    body = stage("replied", "replied", "已答复")
    assert body["public_reply"] == "我司同意赔偿 6000 元。"
    assert body["replied_at"]
    lead.post(f"{path}/implement", {"responsible_department": "仓储部", "loss_amount": "5000.00"})
    stage("implemented", "replied", "已答复")
    lead.post(f"{path}/close", {})
    body = stage("closed", "closed", "已结案")
    assert body["closed_at"]
    follower = lead.post(f"{path}/reject-conclusion", {"reason": "客户不接受赔偿金额"}).json()["number"]
    body = stage("rejected", "reopened", "重新处理")
    assert body["reopened_as"] == follower
    new = _portal_body(portal, follower)
    assert (new["public_state"], new["parent"], new["reopened_as"]) == ("received", number, None)


def test_k6_k11_portal_user_may_not_set_what_staff_judge(api_as, customer, make_user):
    portal = api_as(make_user("customer", customer_id=customer.pk))
    for field, value in [
        ("media_exposure", True),
        ("media_exposure", False),
        ("industry_inspection", True),
        ("loss_amount", "5000.00"),
    ]:
        response = portal.post("complaints", _body(customer, **{field: value}))
        assert response.status_code == 422, (field, response.content)
        body = response.json()
        assert (set(body), body["code"], list(body["fields"])) == (
            {"code", "message", "fields"},
            "validation_failed",
            [field],
        )
        assert body["fields"][field] == ["客户门户不提供此项。"]
    assert Complaint.objects.count() == 0
    # nor filter by the internal state or the major flag
    for params in [{"state": "escalated"}, {"major": "true"}]:
        response = portal.get("complaints", **params)
        assert (response.status_code, list(response.json()["fields"])) == (422, list(params))
    created = portal.post("complaints", _body(customer))
    assert created.status_code == 201
    assert created.json()["public_state"] == "received"
    assert Complaint.objects.get().major is False
