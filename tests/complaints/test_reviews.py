"""K8 monthly responsibility review: last month's closed complaints become review lines; the human-factor
ones make the sanction list (points per person, VP) and the reward/penalty notice (deductions, GM);
the department head submits; both approvals make it approved; the periodic task prepares it once."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import pytest
from django.conf import settings

from aftersales.clocks.models import Clock
from aftersales.complaints import services
from aftersales.complaints.models import Complaint, ResponsibilityReview
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from tests.complaints.conftest import at

pytestmark = pytest.mark.django_db


def closed(new_complaint, staff, *, on, human_factor=True, person="engineer", department="安装部", loss=None):
    complaint = new_complaint(amount_claimed=Decimal("0.00"))
    agent = staff["agent"]
    services.complaint_contact(actor=agent, number=complaint.number)
    services.complaint_decide(actor=agent, number=complaint.number, disposition="guidance", decision="指导")
    services.complaint_reply(actor=agent, number=complaint.number, public_reply="已指导")
    services.complaint_implement(
        actor=agent,
        number=complaint.number,
        human_factor=human_factor,
        responsible_department=department if human_factor else "",
        responsible_person=person if human_factor else "",
        loss_amount=loss,
    )
    if on is None:
        return complaint
    services.complaint_close(actor=agent, number=complaint.number)
    Complaint.objects.filter(pk=complaint.pk).update(closed_at=at(on))
    return complaint


@pytest.fixture
def october(new_complaint, staff):
    """Four cases closed in October 2025 (Beijing time), three with a human factor, and three outside it."""
    cases = [
        closed(new_complaint, staff, on="2025-10-01 00:00", loss=Decimal("100.00")),
        closed(new_complaint, staff, on="2025-10-31 23:59", loss=Decimal("200.50")),
        closed(new_complaint, staff, on="2025-10-15 10:00", person="sales", department="营销部"),
        # listed, without points or deduction: no human factor (its loss is not the staff's)
        closed(new_complaint, staff, on="2025-10-15 10:00", human_factor=False, loss=Decimal("50.00")),
    ]
    closed(new_complaint, staff, on="2025-09-30 23:59")  # September
    closed(new_complaint, staff, on="2025-11-01 00:00")  # November
    closed(new_complaint, staff, on=None)  # not closed
    return cases


def test_k8_review_lines_points_and_deductions(october, staff):
    review = services.review_prepare(actor=staff["cs_manager"], period="2025-10")

    # every complaint closed in October, in closing order; points only where a human factor was found
    assert [(line["complaint"], line["human_factor"], line["points"]) for line in review.lines] == [
        (october[0].number, True, 3),  # K8.negligence_points per case
        (october[2].number, True, 3),
        (october[3].number, False, 0),
        (october[1].number, True, 3),
    ]
    assert [(s["responsible_person"], s["department"], s["points"], len(s["cases"])) for s in review.sanctions] == [
        ("engineer", "安装部", 6, 2),
        ("sales", "营销部", 3, 1),
    ]
    # K8.loss_standard: 10 % of the accountable loss a case (100.00 → 10.00, 200.50 → 20.05), at most 2000
    assert [(n["responsible_person"], n["loss"], n["deduction"]) for n in review.notices] == [
        ("engineer", "300.50", "30.05"),
        ("sales", "0.00", "0.00"),
    ]
    assert (review.total_points, review.total_deductions) == (9, Decimal("30.05"))
    # due by the end of K8.review_day (10) of the next month: a clock with rule K8
    assert review.due_at == at("2025-11-11 00:00")
    clock = Clock.objects.get(subject_type="complaints.responsibilityreview", subject_id=str(review.pk))
    assert (clock.kind, clock.rule, clock.policy_key) == ("responsibility_review", "K8", "K8.review_day")
    assert Event.objects.filter(action="responsibility_review.prepared", rule="K8").count() == 1


def test_k8_submit_then_vp_and_gm_approve(october, staff):
    head, vp, gm = staff["cs_manager"], staff["vp"], staff["gm"]
    services.review_prepare(actor=head, period="2025-10")
    with pytest.raises(Conflict):  # not submitted yet
        services.review_approve(actor=vp, period="2025-10")
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=staff["agent"], period="2025-10")
    review = services.review_submit(actor=head, period="2025-10", note="请审批")
    assert review.state == "submitted"
    with pytest.raises(Conflict):  # no longer a draft
        services.review_prepare(actor=head, period="2025-10")
    for role in ("cs_manager", "admin", "sales_manager"):
        with pytest.raises(PermissionDenied):
            services.review_approve(actor=staff[role], period="2025-10")

    review = services.review_approve(actor=vp, period="2025-10")  # the sanctions
    assert (review.state, review.sanctions_approved_by.username, review.notices_approved_by) == (
        "submitted",
        "vp",
        None,
    )
    with pytest.raises(Conflict):
        services.review_approve(actor=vp, period="2025-10")
    review = services.review_approve(actor=gm, period="2025-10")  # the reward/penalty notice
    assert (review.state, review.notices_approved_by.username) == ("approved", "gm")
    clock = Clock.objects.get(subject_type="complaints.responsibilityreview", subject_id=str(review.pk))
    assert clock.state == "stopped"


def test_k8_a_refusal_sends_the_review_back_to_draft(october, staff):
    head, vp, gm = staff["cs_manager"], staff["vp"], staff["gm"]
    services.review_prepare(actor=head, period="2025-10")
    services.review_submit(actor=head, period="2025-10")
    services.review_approve(actor=vp, period="2025-10")
    with pytest.raises(ValidationFailed):
        services.review_approve(actor=gm, period="2025-10", approve=False)
    review = services.review_approve(actor=gm, period="2025-10", approve=False, note="扣款金额需复核")
    assert (review.state, review.sanctions_approved_by, review.note) == ("draft", None, "扣款金额需复核")
    assert services.review_prepare(actor=head, period="2025-10").version == review.version + 1


def test_k8_review_periods(staff):
    head = staff["cs_manager"]
    for bad in ("2025-13", "2025-1", "abc"):
        with pytest.raises(ValidationFailed):
            services.review_prepare(actor=head, period=bad)
    with pytest.raises(ValidationFailed):  # this month is not over
        services.review_prepare(actor=head, period=dt.date.today().strftime("%Y-%m"))
    empty = services.review_prepare(actor=head, period="2025-01")
    assert (empty.lines, empty.total_points, empty.total_deductions) == ([], 0, Decimal(0))


def test_k8_periodic_task_prepares_last_month_once(october):
    assert settings.AFTERSALES_PERIODIC_JOBS["aftersales.complaints.tasks.responsibility_review_task"] == "20 0 1 * *"
    first = services.review_prepare_due(now=at("2025-11-01 00:20"))
    assert (first.period, first.state, first.total_points) == ("2025-10", "draft", 9)
    assert services.review_prepare_due(now=at("2025-11-01 00:20")) is None
    assert services.review_prepare_due(now=at("2025-11-15 08:00")) is None
    assert ResponsibilityReview.objects.count() == 1
    assert Clock.objects.filter(kind="responsibility_review").count() == 1
    assert Event.objects.filter(action="responsibility_review.prepared").count() == 1

    from aftersales.complaints.tasks import responsibility_review_task

    prepared = responsibility_review_task.call()["prepared"]  # last month of today
    assert prepared is not None
    assert responsibility_review_task.call() == {"prepared": None}


def test_k8_reviews_through_the_api(october, staff, api_as):
    head, vp, gm = (api_as(staff[r].user) for r in ("cs_manager", "vp", "gm"))
    path = "responsibility-reviews/2025-10"
    assert head.get(path).status_code == 404
    prepared = head.post(f"{path}/prepare")
    assert prepared.status_code == 200, prepared.content
    assert prepared.json()["total_points"] == 9
    assert api_as(staff["agent"].user).get(path).status_code == 404  # not a reader
    assert vp.post(f"{path}/prepare").status_code == 403
    assert head.post(f"{path}/submit", {}).json()["state"] == "submitted"
    assert vp.post(f"{path}/approve", {}).json()["state"] == "submitted"
    body = gm.post(f"{path}/approve", {"note": "同意"}).json()
    assert (body["state"], body["notices_approved_by"]["username"]) == ("approved", "gm")
    assert head.get("responsibility-reviews/2025-1").status_code in (400, 422)


# --- K8 moves through core.workflow.transition() (complaints.transitions.REVIEW_TRANSITIONS) ---------


def _review_events(review):
    return list(
        Event.objects.filter(subject_type="complaints.responsibilityreview", subject_id=str(review.pk))
        .filter(action__startswith="responsibility_review.")
        .exclude(action="responsibility_review.prepared")
        .values_list("action", "rule", "actor__username", "data__state")
    )


def test_k8_review_moves_record_old_to_new_rule_and_actor(october, staff):
    head, vp, gm = staff["cs_manager"], staff["vp"], staff["gm"]
    review = services.review_prepare(actor=head, period="2025-10")
    services.review_submit(actor=head, period="2025-10", note="请审批", expected_version=review.version)
    services.review_approve(actor=gm, period="2025-10")
    services.review_approve(actor=vp, period="2025-10", approve=False, note="积分需复核")
    services.review_submit(actor=head, period="2025-10")
    services.review_approve(actor=vp, period="2025-10")
    approved = services.review_approve(actor=gm, period="2025-10", note="同意")
    assert _review_events(approved) == [
        ("responsibility_review.submitted", "K8", "cs_manager", ["draft", "submitted"]),
        ("responsibility_review.approved", "K8", "gm", ["submitted", "submitted"]),  # one part: no move
        ("responsibility_review.refused", "K8", "vp", ["submitted", "draft"]),
        ("responsibility_review.submitted", "K8", "cs_manager", ["draft", "submitted"]),
        ("responsibility_review.approved", "K8", "vp", ["submitted", "submitted"]),
        ("responsibility_review.approved", "K8", "gm", ["submitted", "approved"]),
    ]
    refused = Event.objects.get(action="responsibility_review.refused")
    assert (refused.data["parts"], refused.data["note"], refused.data["period"]) == (
        ["sanctions"],
        "积分需复核",
        "2025-10",
    )
    last = Event.objects.filter(action="responsibility_review.approved").last()
    assert (last.data["parts"], last.data["note"]) == (["notices"], "同意")
    stored = ResponsibilityReview.objects.get(pk=approved.pk)
    assert (stored.state, stored.version, stored.note) == ("approved", review.version + 6, "同意")
    assert (stored.sanctions_approved_by.username, stored.notices_approved_by.username) == ("vp", "gm")


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("draft", "approve"),
        ("draft", "refuse"),
        ("submitted", "submit"),
        ("approved", "submit"),
        ("approved", "refuse"),
    ],
)
def test_k8_a_review_move_not_in_the_table_is_refused_and_changes_nothing(october, staff, state, step):
    head, vp, gm = staff["cs_manager"], staff["vp"], staff["gm"]
    services.review_prepare(actor=head, period="2025-10")
    if state in ("submitted", "approved"):
        services.review_submit(actor=head, period="2025-10")
    if state == "approved":
        services.review_approve(actor=vp, period="2025-10")
        services.review_approve(actor=gm, period="2025-10")
    before = ResponsibilityReview.objects.filter(period="2025-10").values().get()
    count = Event.objects.count()
    if step == "submit":
        move = functools.partial(services.review_submit, actor=head, period="2025-10")
    else:
        move = functools.partial(
            services.review_approve, actor=vp, period="2025-10", approve=step == "approve", note="退回"
        )
    with pytest.raises(Conflict) as exc:
        move()
    assert (exc.value.status, exc.value.code) == (409, "invalid_transition")
    assert ResponsibilityReview.objects.filter(period="2025-10").values().get() == before
    assert Event.objects.count() == count


def test_k8_a_move_not_in_the_table_through_the_api_is_409(october, staff, api_as):
    head = api_as(staff["cs_manager"].user)
    path = "responsibility-reviews/2025-10"
    head.post(f"{path}/prepare")
    response = api_as(staff["vp"].user).post(f"{path}/approve", {})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert head.get(path).json()["state"] == "draft"
