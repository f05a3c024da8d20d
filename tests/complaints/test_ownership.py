"""Issue 13 fault 6 (K2): a complaint registered by someone who cannot act on it (an engineer, the
portal) is owned by someone who can — the role of policy K2.owner_role (SPEC default: the team lead) —
and a complaint can be reassigned (service, API, page), audited, the new owner told."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.complaints.models import Complaint
from aftersales.core.errors import PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.policies.services import policy_set
from tests.complaints.test_views import _client, _detail, _register_data

pytestmark = pytest.mark.django_db


def _opens(actor, complaint) -> int:
    return _client(actor).get(_detail(complaint.number)).status_code


def test_an_engineer_registered_complaint_is_owned_by_the_team_lead_who_opens_it(staff, customer):
    response = _client(staff["engineer"]).post(reverse("complaints:complaint_create"), _register_data(customer))
    assert response.status_code == 302
    c = Complaint.objects.get()
    assert (c.registered_by_id, c.owner_id) == (staff["engineer"].pk, staff["team_lead"].pk)
    assert _opens(staff["team_lead"], c) == 200
    # the clocks (and so their notifications) are the owner's
    assert set(Clock.objects.filter(subject_id=str(c.pk)).values_list("owner_id", flat=True)) == {staff["team_lead"].pk}
    assert Notification.objects.filter(user=staff["team_lead"].user, rule="K2").exists()


def test_a_portal_complaint_gets_an_owner_who_opens_it(staff, customer, make_user, actor_of):
    portal = actor_of(make_user("customer", username="portal_user", customer_id=customer.pk))
    c = services.complaint_register(
        actor=portal, customer_id=customer.pk, complaint_class="quality", channel="web", description="漏油"
    )
    assert c.owner_id == staff["team_lead"].pk
    assert _opens(staff["team_lead"], c) == 200


def test_a_handler_keeps_what_they_register(staff, new_complaint):
    assert new_complaint().owner_id == staff["agent"].pk


def test_the_policy_decides_the_owner_role(staff, new_complaint, customer):
    policy_set(actor=staff["admin"], key="K2.owner_role", value="cs_manager", note="部长分派")
    c = services.complaint_register(
        actor=staff["engineer"], customer_id=customer.pk, complaint_class="quality", channel="phone", description="异响"
    )
    assert c.owner_id == staff["cs_manager"].pk


def test_reassign_moves_the_owner_and_the_clocks_and_notifies(staff, new_complaint, api_as):
    c = new_complaint(amount_claimed=Decimal("0"))
    with pytest.raises(PermissionDenied):  # not the owner, not the head, not the distributing role
        services.complaint_reassign(actor=staff["sales"], number=c.number, owner="sales")
    with pytest.raises(ValidationFailed):  # an engineer does not handle complaints
        services.complaint_reassign(actor=staff["agent"], number=c.number, owner="engineer")
    c = services.complaint_reassign(
        actor=staff["agent"], number=c.number, owner="sales", reason="客户是销售的老客户", expected_version=c.version
    )
    assert c.owner == staff["sales"].user
    event = Event.objects.get(action="complaint.reassigned")
    assert (event.data["owner"], event.actor) == (["agent", "sales"], staff["agent"].user)
    running = Clock.objects.filter(subject_id=str(c.pk), state="running")
    assert {clock.owner_id for clock in running} == {staff["sales"].pk}
    assert Notification.objects.filter(user=staff["sales"].user, rule="K2").exists()
    # through the API: the department head gives it to the team lead
    answer = api_as(staff["cs_manager"].user).post(
        f"complaints/{c.number}/reassign", {"owner": "team_lead", "version": c.version}
    )
    assert answer.status_code == 200, answer.content
    assert Complaint.objects.get(pk=c.pk).owner == staff["team_lead"].user


def test_reassign_through_the_page(staff, new_complaint):
    c = new_complaint()
    client = _client(staff["agent"])
    html = client.get(_detail(c.number)).content.decode()
    assert 'name="reassign-owner"' in html
    response = client.post(
        _detail(c.number), {"action": "reassign", "reassign-version": c.version, "reassign-owner": ""}
    )
    assert response.status_code == 422
    assert "请选择" in response.content.decode()
    response = client.post(
        _detail(c.number),
        {"action": "reassign", "reassign-version": c.version, "reassign-owner": "team_lead", "reassign-reason": ""},
    )
    assert response.status_code == 302
    assert Complaint.objects.get(pk=c.pk).owner == staff["team_lead"].user
