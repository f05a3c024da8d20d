"""Returns and discount certificates decided through the one K7 approval engine (the approvals app):
every return asks for an Approval in the queue of the level its value needs; deciding it (on the return,
through the API or in the generic queue) runs the engine's checks — level, authority order, nobody decides
their own request — and moves the return in the same transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.approvals.models import Approval
from aftersales.approvals.selectors import approval_for
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.returns import services
from aftersales.returns.models import DiscountCertificate, ReturnRequest

pytestmark = pytest.mark.django_db


def _audited(found: Any) -> dict[str, Any]:
    """What a refused decision must leave as it was: the return, its approval, the audit trail."""
    stored = ReturnRequest.objects.get(pk=found.pk)
    return {
        "return": (stored.state, stored.version, stored.decided_by_id, stored.approved_quantity, stored.disposition),
        "approvals": list(Approval.objects.order_by("pk").values_list("pk", "state", "decided_by_id")),
        "events": list(Event.objects.order_by("pk").values_list("pk", "action")),
    }


def _queue(client: Any) -> list[dict[str, Any]]:
    response = client.get("approvals?mine=waiting")
    assert response.status_code == 200, response.content
    return response.json()["items"]


# --- asking ------------------------------------------------------------------------------------


def test_a_return_asks_the_engine_for_its_approval(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(quantity=3, unit_price="500.00")  # 1500 yuan
    approval = approval_for(found)
    assert approval is not None
    assert (approval.state, approval.purpose, approval.amount, approval.required_role) == (
        "pending",
        "return",
        Decimal("1500.00"),
        "vp",
    )
    assert (approval.subject_type, approval.subject_label, approval.requested_by) == (
        "returns.returnrequest",
        found.number,
        staff["sales"].user,
    )
    # Who must approve comes from the policy K7.limits, and the explanation says so.
    assert (approval.rule, approval.explanation["rule"], approval.explanation["thresholds"]) == (
        "K7",
        "K7",
        ["1000", "5000"],
    )
    assert "副总经理" in approval.explanation["text"]
    assert Event.objects.filter(subject_id=str(found.pk), action="approval.requested").count() == 1


@pytest.mark.parametrize(
    ("price", "role", "outside"),
    [
        ("999.99", "sales_manager", None),
        ("1000.00", "vp", "sales_manager"),
        ("5000.00", "vp", "sales_manager"),
        ("5000.01", "gm", "vp"),
    ],
)
def test_the_return_appears_in_the_queue_of_its_level_and_approving_there_moves_it(
    new_return: Any, staff: dict[str, Any], api_as: Any, price: str, role: str, outside: str | None
) -> None:
    found = new_return(quantity=1, unit_price=price, disposition="restock")
    approver = api_as(staff[role].user)
    mine = [item for item in _queue(approver) if item["subject_label"] == found.number]
    assert len(mine) == 1
    assert (mine[0]["subject_type"], mine[0]["purpose"], mine[0]["required_role"], mine[0]["amount"]) == (
        "returns.returnrequest",
        "return",
        role,
        price,
    )
    if outside:  # a lower level does not see it
        assert found.number not in {item["subject_label"] for item in _queue(api_as(staff[outside].user))}
    decided = approver.post(f"approvals/{mine[0]['id']}/decide", {"decision": "approve", "reason": "同意"})
    assert decided.status_code == 200, decided.content
    assert decided.json()["state"] == "approved"
    found.refresh_from_db()
    assert (found.state, found.approved_quantity, found.approval_role, found.decided_by, found.version) == (
        "approved",
        1,
        role,
        staff[role].user,
        2,
    )
    assert found.decision_note == "同意"
    assert found.number not in {item["subject_label"] for item in _queue(approver)}
    event = Event.objects.get(subject_id=str(found.pk), action="returnrequest.approved")
    assert (event.rule, event.data["level"], event.data["approval"]) == ("K7", role, mine[0]["id"])


def test_refusing_in_the_queue_refuses_the_return(new_return: Any, staff: dict[str, Any], api_as: Any) -> None:
    found = new_return()
    approval = approval_for(found)
    response = api_as(staff["sales_manager"].user).post(
        f"approvals/{approval.pk}/decide", {"decision": "refuse", "reason": "不符合条件"}
    )
    assert response.status_code == 200, response.content
    found.refresh_from_db()
    assert (found.state, found.decision_note, found.decided_by) == (
        "refused",
        "不符合条件",
        staff["sales_manager"].user,
    )


def test_the_queue_cannot_approve_a_return_without_disposition(
    new_return: Any, staff: dict[str, Any], api_as: Any
) -> None:
    found = new_return()  # no disposition proposed: it is chosen on the return's page (R2)
    manager = api_as(staff["sales_manager"].user)
    before = _audited(found)
    response = manager.post(f"approvals/{approval_for(found).pk}/decide", {"decision": "approve"})
    assert (response.status_code, list(response.json()["fields"])) == (422, ["disposition"])
    assert "处理方式" in response.json()["message"]
    assert _audited(found) == before


# --- nobody decides their own request; nobody beyond their authority --------------------------


def test_a_sales_manager_cannot_approve_his_own_return(new_return: Any, staff: dict[str, Any], api_as: Any) -> None:
    found = new_return(actor=staff["sales_manager"], quantity=1, unit_price="500.00")  # within his K7 limit
    manager = api_as(staff["sales_manager"].user)
    before = _audited(found)
    for path, body in [
        (f"returns/{found.number}/approve", {"disposition": "restock", "version": 1}),
        (f"returns/{found.number}/refuse", {"note": "撤回", "version": 1}),
        (f"approvals/{approval_for(found).pk}/decide", {"decision": "approve"}),
    ]:
        response = manager.post(path, body)
        assert (response.status_code, response.json()["code"]) == (403, "own_approval"), path
        assert response.json()["message"] == "不能审批自己提出的申请。"
        assert _audited(found) == before
    # His own request is not waiting for him (it waits for the VP, higher in K7); he still reads it.
    assert found.number not in {item["subject_label"] for item in _queue(manager)}
    assert found.number in {item["subject_label"] for item in manager.get("approvals?state=pending").json()["items"]}
    approved = api_as(staff["vp"].user).post(f"returns/{found.number}/approve", {"disposition": "restock"})
    assert approved.status_code == 200, approved.content
    assert (approved.json()["state"], approved.json()["approval_role"]) == ("approved", "sales_manager")


def test_a_vp_deciding_a_return_above_5000_is_beyond_his_authority(
    new_return: Any, staff: dict[str, Any], api_as: Any
) -> None:
    found = new_return(quantity=1, unit_price="5000.01")
    vp = api_as(staff["vp"].user)
    before = _audited(found)
    for path, body in [
        (f"returns/{found.number}/approve", {"disposition": "restock"}),
        (f"returns/{found.number}/refuse", {"note": "不同意"}),
        (f"approvals/{approval_for(found).pk}/decide", {"decision": "approve"}),
    ]:
        response = vp.post(path, body)
        assert (response.status_code, response.json()["code"]) == (403, "beyond_authority"), path
        assert "总经理" in response.json()["message"]
        assert _audited(found) == before


def test_staff_without_the_approve_right_cannot_decide(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return()
    with pytest.raises(PermissionDenied):  # no returns.approve_returnrequest at all
        services.return_request_approve(actor=staff["cs_manager"], number=found.number, disposition="restock")
    assert ReturnRequest.objects.get(pk=found.pk).state == "requested"


def test_a_return_without_an_approval_asks_for_it_when_decided(new_return: Any, staff: dict[str, Any]) -> None:
    """A return registered before returns used the engine has no Approval: deciding it asks on the
    requester's behalf, then decides it with the same checks."""
    found = new_return(actor=staff["sales_manager"])
    Approval.objects.filter(subject_id=str(found.pk)).delete()
    with pytest.raises(PermissionDenied) as caught:
        services.return_request_approve(actor=staff["sales_manager"], number=found.number, disposition="restock")
    assert caught.value.code == "own_approval"
    assert not Approval.objects.filter(subject_id=str(found.pk)).exists()
    approved = services.return_request_approve(actor=staff["gm"], number=found.number, disposition="restock")
    assert approved.state == "approved"
    approval = approval_for(found)
    assert (approval.state, approval.requested_by, approval.decided_by) == (
        "approved",
        staff["sales_manager"].user,
        staff["gm"].user,
    )


def test_the_handler_checks_the_terms_after_the_authority(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(quantity=2)
    with pytest.raises(ValidationFailed) as caught:
        services.return_request_approve(
            actor=staff["sales_manager"], number=found.number, approved_quantity=3, disposition="restock"
        )
    assert list(caught.value.fields) == ["approved_quantity"]
    assert approval_for(found).state == "pending"
    with pytest.raises(ValidationFailed) as caught:
        services.return_request_refuse(actor=staff["sales_manager"], number=found.number, note=" ")
    assert list(caught.value.fields) == ["note"]
    assert approval_for(found).state == "pending"


# --- pages: the generic approvals queue links the return ---------------------------------------


def test_the_approvals_page_lists_the_return_and_approving_there_moves_it(
    new_return: Any, staff: dict[str, Any]
) -> None:
    found = new_return(disposition="scrap")
    client = Client()
    client.force_login(staff["sales_manager"].user)
    page = client.get(reverse("approvals:approval_queue")).content.decode()
    assert f'href="{reverse("returns:return_detail", args=[found.number])}"' in page
    approval = approval_for(found)
    response = client.post(reverse("approvals:approval_decide", args=[approval.pk]), {"action": "approve"})
    assert response.status_code == 302
    found.refresh_from_db()
    assert (found.state, found.disposition, found.approved_quantity) == ("approved", "scrap", 2)


def test_the_own_request_is_refused_on_the_return_page(new_return: Any, staff: dict[str, Any]) -> None:
    found = new_return(actor=staff["sales_manager"])
    client = Client()
    client.force_login(staff["sales_manager"].user)
    url = reverse("returns:return_detail", args=[found.number])
    page = client.get(url).content.decode()
    assert 'id="action-approve"' not in page
    assert 'id="approval-own"' in page
    before = _audited(found)
    response = client.post(url, {"action": "approve", "approve-disposition": "restock", "approve-version": 1})
    assert response.status_code == 403
    assert "不能审批自己提出的申请。" in response.content.decode()
    assert _audited(found) == before


# --- R4: a certificate above the VP's limit waits in the GM's queue ---------------------------


def test_a_certificate_above_the_vps_limit_is_approved_in_the_gms_queue(
    customer: Any, staff: dict[str, Any], api_as: Any
) -> None:
    vp, gm = api_as(staff["vp"].user), api_as(staff["gm"].user)
    created = vp.post("discount-certificates", {"customer": customer.pk, "amount": "7000.00", "reason": "质量索赔"})
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert (created.json()["state"], created.json()["signed_by_vp"]) == ("awaiting_approval", None)
    assert number not in {item["subject_label"] for item in _queue(vp)}
    refused = vp.post(f"discount-certificates/{number}/approve", {})
    assert (refused.status_code, refused.json()["code"]) == (403, "beyond_authority")
    mine = [item for item in _queue(gm) if item["subject_label"] == number]
    assert [(item["purpose"], item["required_role"]) for item in mine] == [("discount", "gm")]
    assert gm.post(f"approvals/{mine[0]['id']}/decide", {"decision": "approve"}).status_code == 200
    certificate = DiscountCertificate.objects.get(number=number)
    assert (certificate.state, certificate.signed_by_vp) == ("issued", staff["gm"].user)
    assert api_as("finance").get(f"discount-certificates/{number}").json()["state"] == "issued"
