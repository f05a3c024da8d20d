"""K8 monthly review through the one approvals engine (docs/decisions/0015): submitting asks for one
approval per part (VP: sanction list, GM: reward/penalty notice); the engine's decide (API or queue)
and the review's own approve endpoint both move the review; nobody approves their own submission."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.approvals.models import Approval
from aftersales.complaints import services
from aftersales.complaints.models import ResponsibilityReview
from aftersales.core.errors import PermissionDenied
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from tests.complaints.test_reviews import october  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db
PERIOD = "2025-10"


def _submitted(staff, by=None):
    head = by or staff["cs_manager"]
    services.review_prepare(actor=head, period=PERIOD)
    return services.review_submit(actor=head, period=PERIOD, note="请审批")


def _approvals(review):
    return {
        a.payload["part"]: a
        for a in Approval.objects.filter(subject_type="complaints.responsibilityreview", subject_id=str(review.pk))
    }


def test_submitting_asks_the_engine_for_the_vp_and_the_gm(october, staff):  # noqa: F811
    review = _submitted(staff)
    approvals = _approvals(review)
    assert {part: (a.kind, a.rule, a.required_role, a.state) for part, a in approvals.items()} == {
        "sanctions": ("responsibility_review", "K8", "vp", "pending"),
        "notices": ("responsibility_review", "K8", "gm", "pending"),
    }
    # the deciders are told (bell), and the queue lists each part for its decider only
    assert Notification.objects.filter(user=staff["vp"].user).exists()
    assert Notification.objects.filter(user=staff["gm"].user).exists()


def test_approval_through_the_engine_api_moves_the_review(october, staff, api_as):  # noqa: F811
    review = _submitted(staff)
    approvals = _approvals(review)
    vp, gm = api_as(staff["vp"].user), api_as(staff["gm"].user)
    waiting = gm.get("approvals?mine=waiting").json()["items"]
    assert approvals["notices"].pk in [row["id"] for row in waiting]
    answer = vp.post(f"approvals/{approvals['sanctions'].pk}/decide", {"decision": "approve"})
    assert answer.status_code == 200, answer.content
    assert ResponsibilityReview.objects.get(pk=review.pk).sanctions_approved_by == staff["vp"].user
    answer = gm.post(f"approvals/{approvals['notices'].pk}/decide", {"decision": "approve", "reason": "同意"})
    assert answer.status_code == 200, answer.content
    stored = ResponsibilityReview.objects.get(pk=review.pk)
    assert (stored.state, stored.notices_approved_by) == ("approved", staff["gm"].user)
    moved = Event.objects.filter(
        subject_type="complaints.responsibilityreview", action="responsibility_review.approved"
    ).last()
    assert moved.data["state"] == ["submitted", "approved"]
    assert moved.actor == staff["gm"].user


def test_the_review_endpoint_delegates_to_the_engine(october, staff, api_as):  # noqa: F811
    review = _submitted(staff)
    path = f"responsibility-reviews/{PERIOD}/approve"
    assert api_as(staff["vp"].user).post(path, {}).json()["state"] == "submitted"
    body = api_as(staff["gm"].user).post(path, {"note": "同意"}).json()
    assert body["state"] == "approved"
    approvals = _approvals(review)
    assert {a.state for a in approvals.values()} == {"approved"}
    assert (approvals["sanctions"].decided_by, approvals["notices"].decided_by) == (
        staff["vp"].user,
        staff["gm"].user,
    )
    assert Event.objects.filter(action="approval.approved", subject_id=str(approvals["notices"].pk)).get().data[
        "state"
    ] == ["pending", "approved"]


def test_the_reviewer_cannot_approve_a_review_they_submitted(october, staff, make_user, api_as):  # noqa: F811
    both = make_user("cs_manager", username="head_and_vp")
    both.groups.add(Group.objects.get(name="vp"))
    head_vp = actor_for(User.objects.get(pk=both.pk))
    review = _submitted(staff, by=head_vp)
    with pytest.raises(PermissionDenied) as exc:
        services.review_approve(actor=actor_for(User.objects.get(pk=both.pk)), period=PERIOD)
    assert exc.value.code == "own_approval"
    sanctions = _approvals(review)["sanctions"]
    answer = api_as(User.objects.get(pk=both.pk)).post(f"approvals/{sanctions.pk}/decide", {"decision": "approve"})
    assert (answer.status_code, answer.json()["code"]) == (403, "own_approval")
    stored = ResponsibilityReview.objects.get(pk=review.pk)
    assert (stored.state, stored.sanctions_approved_by) == ("submitted", None)
    # another VP may
    other = actor_for(make_user("vp", username="vp2"))
    assert services.review_approve(actor=other, period=PERIOD).sanctions_approved_by == other.user


def test_a_refusal_in_the_queue_sends_the_review_back_and_closes_the_other_part(october, staff, api_as):  # noqa: F811
    review = _submitted(staff)
    approvals = _approvals(review)
    gm = api_as(staff["gm"].user)
    no_reason = gm.post(f"approvals/{approvals['notices'].pk}/decide", {"decision": "refuse"})
    assert no_reason.status_code == 422  # K8: say why; nothing changed
    assert Approval.objects.get(pk=approvals["notices"].pk).state == "pending"
    answer = gm.post(f"approvals/{approvals['notices'].pk}/decide", {"decision": "refuse", "reason": "扣款需复核"})
    assert answer.status_code == 200, answer.content
    stored = ResponsibilityReview.objects.get(pk=review.pk)
    assert (stored.state, stored.note) == ("draft", "扣款需复核")
    assert Approval.objects.get(pk=approvals["sanctions"].pk).state == "refused"  # nothing waits for nothing
    refused = Event.objects.get(action="responsibility_review.refused")
    assert refused.data["state"] == ["submitted", "draft"]
    # submitted again: two fresh approvals
    services.review_submit(actor=staff["cs_manager"], period=PERIOD)
    assert Approval.objects.filter(subject_id=str(review.pk), state="pending").count() == 2
