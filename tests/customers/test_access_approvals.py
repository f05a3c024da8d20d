"""C3 access requests decided through the one approvals engine: asking creates an approval of kind
`access` (rule C3, no amount) that the file's owner or a manager decides in /approvals, nobody their own
request; the customers handler grants (C3.grant_days) or refuses in the same transaction, moving the
request through transition() with old → new."""

from __future__ import annotations

import datetime as dt

import pytest

from aftersales.approvals.models import Approval
from aftersales.core.models import Event
from aftersales.customers import services
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.models import CustomerAccessRequest
from aftersales.customers.selectors import customer_can_read
from aftersales.notifications.models import Notification
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential(make_user):
    return CustomerFactory(name="保密客户", confidential=True, owner=make_user("sales", username="owner"))


def _record_events() -> int:
    return Event.objects.filter(subject_type__in=["customers.customeraccessrequest", "approvals.approval"]).count()


def _ask(make_user, actor_of, confidential):
    requester = make_user("agent", username="requester")
    request = services.access_request_create(actor=actor_of(requester), customer_id=confidential.pk, reason="回访")
    return requester, request, Approval.objects.get(subject_id=str(request.pk), kind="access")


def test_c3_asking_creates_an_access_approval_waiting_for_the_owner_and_managers(
    make_user, actor_of, confidential, api_as
):
    requester, request, approval = _ask(make_user, actor_of, confidential)
    assert (
        approval.subject_type,
        approval.rule,
        approval.amount,
        approval.state,
        approval.required_role,
        approval.required_perm,
        approval.decider_id,
        approval.requested_by_id,
        approval.subject_label,
    ) == (
        "customers.customeraccessrequest",
        "C3",
        None,
        "pending",
        "",
        "customers.approve_customer_access",
        confidential.owner.pk,
        requester.pk,
        f"{confidential.code} 保密客户",
    )
    # The owner and a manager find it waiting for them; the requester sees it but not as waiting.
    for who in (confidential.owner, make_user("team_lead", username="lead")):
        waiting = api_as(who).get("approvals?mine=waiting").json()["items"]
        assert [(a["id"], a["kind"], a["rule"], a["amount"]) for a in waiting] == [(approval.pk, "access", "C3", None)]
    mine = api_as(requester)
    assert mine.get("approvals?mine=waiting").json()["items"] == []
    assert [a["id"] for a in mine.get("approvals").json()["items"]] == [approval.pk]
    # The owner is told (bell).
    assert Notification.objects.filter(user=confidential.owner, rule="C3").count() >= 1


def test_c3_owner_approves_in_approvals_and_the_grant_follows(make_user, actor_of, confidential, api_as):
    requester, request, approval = _ask(make_user, actor_of, confidential)
    response = api_as(confidential.owner).post(
        f"approvals/{approval.pk}/decide", {"decision": "approve", "reason": "同意查阅"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved"
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == (AccessRequestStatus.APPROVED, confidential.owner.pk)
    assert request.expires_at - request.decided_at == dt.timedelta(days=7)
    assert customer_can_read(actor_of(requester), confidential) is True
    (moved,) = Event.objects.filter(
        subject_type="customers.customeraccessrequest",
        subject_id=str(request.pk),
        action="customeraccessrequest.approved",
    )
    assert (moved.data["status"], moved.rule, moved.actor_id) == (["pending", "approved"], "C3", confidential.owner.pk)
    (decided,) = Event.objects.filter(subject_type="approvals.approval", subject_id=str(approval.pk))
    assert (decided.action, decided.data["state"]) == ("approval.approved", ["pending", "approved"])
    # The access-request endpoint now answers that it was decided.
    again = api_as(confidential.owner).post(f"access-requests/{request.pk}/approve")
    assert (again.status_code, again.json()["code"]) == (409, "access_not_decidable")


def test_c3_a_manager_refuses_through_the_access_request_endpoint(make_user, actor_of, confidential, api_as):
    requester, request, approval = _ask(make_user, actor_of, confidential)
    response = api_as(make_user("team_lead")).post(f"access-requests/{request.pk}/refuse")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "refused"
    approval.refresh_from_db()
    assert approval.state == "refused"
    (moved,) = Event.objects.filter(subject_id=str(request.pk), action="customeraccessrequest.refused")
    assert moved.data["status"] == ["pending", "refused"]
    assert customer_can_read(actor_of(requester), confidential) is False


def test_c3_nobody_decides_their_own_request_and_strangers_meet_404(make_user, actor_of, confidential, api_as):
    requester, request, approval = _ask(make_user, actor_of, confidential)
    before = (_record_events(), list(CustomerAccessRequest.objects.values_list("status", flat=True)))
    own = api_as(requester).post(f"approvals/{approval.pk}/decide", {"decision": "approve", "reason": "自己批"})
    assert own.status_code == 403
    stranger = api_as(make_user("engineer"))
    assert stranger.get(f"approvals/{approval.pk}").status_code == 404
    assert stranger.post(f"approvals/{approval.pk}/decide", {"decision": "approve", "reason": "x"}).status_code == 404
    assert stranger.post(f"access-requests/{request.pk}/approve").status_code == 404
    assert (_record_events(), list(CustomerAccessRequest.objects.values_list("status", flat=True))) == before
    approval.refresh_from_db()
    assert (approval.state, approval.decided_by_id) == ("pending", None)


def test_c3_revoke_moves_approved_to_revoked_with_old_and_new(make_user, actor_of, confidential):
    requester, request, approval = _ask(make_user, actor_of, confidential)
    owner = actor_of(confidential.owner)
    services.access_request_decide(actor=owner, request_id=request.pk, approve=True)
    services.access_request_revoke(actor=owner, request_id=request.pk)
    (event,) = Event.objects.filter(subject_id=str(request.pk), action="customeraccessrequest.revoked")
    assert event.data["status"] == ["approved", "revoked"]
    assert customer_can_read(actor_of(requester), confidential) is False
