"""Visit plans, gift approvals and visit reports (C7): services, API, pages, transitions, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.models import Approval
from aftersales.approvals.services import approval_decide
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.customers.models import Customer, GiftRequest, VisitPlanItem, VisitReport
from aftersales.customers.services import visits as svc
from aftersales.notifications.models import Notification
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(make_user):
    return make_user("sales", username="rep_wang")


@pytest.fixture
def customer(owner):
    return CustomerFactory(owner=owner, name="华东机械有限公司")


def _today() -> dt.date:
    return timezone.localdate()


def _plan(owner, customer, *, month: bool = True):
    actor = actor_for(owner)
    today = _today()
    plan = svc.visit_plan_create(actor=actor, year=today.year, month=today.month if month else None)
    item = svc.visit_plan_item_add(
        actor=actor, plan_id=plan.pk, customer_id=customer.pk, month=today.month, purpose="routine"
    )
    return plan, item


def _gift(owner, customer, value="300"):
    return svc.gift_request_create(
        actor=actor_for(owner), customer_id=customer.pk, description="公司台历", value=value, reason="年末拜访"
    )


def test_plan_items_and_progress(owner, customer) -> None:
    plan, item = _plan(owner, customer)
    assert item.month_start == _today().replace(day=1)
    from aftersales.customers.selectors.visits import visit_plan_progress

    assert visit_plan_progress(plan).planned == 1
    assert visit_plan_progress(plan).done == 0
    svc.visit_report_file(
        actor=actor_for(owner),
        customer_id=customer.pk,
        visited_on=_today(),
        findings="设备运行正常",
        plan_item_id=item.pk,
    )
    svc.visit_report_file(actor=actor_for(owner), customer_id=customer.pk, visited_on=_today(), findings="顺路拜访")
    progress = visit_plan_progress(plan)
    assert (progress.planned, progress.done, progress.unplanned, progress.rate) == (1, 1, 1, 1.0)
    item.refresh_from_db()
    assert item.done
    customer.refresh_from_db()
    assert customer.last_visit_on == _today()


def test_second_plan_for_the_same_period_is_a_conflict(owner, customer) -> None:
    _plan(owner, customer)
    with pytest.raises(Conflict):
        svc.visit_plan_create(actor=actor_for(owner), year=_today().year, month=_today().month)
    yearly = svc.visit_plan_create(actor=actor_for(owner), year=_today().year)
    with pytest.raises(ValidationFailed):  # a yearly plan needs the month
        svc.visit_plan_item_add(actor=actor_for(owner), plan_id=yearly.pk, customer_id=customer.pk)


def test_only_a_manager_plans_for_someone_else(owner, make_user) -> None:
    other = make_user("engineer", username="eng_li")
    with pytest.raises(PermissionDenied):
        svc.visit_plan_create(actor=actor_for(other), year=2026, month=5, owner_id=owner.pk)
    lead = make_user("team_lead", username="lead_zhao")
    plan = svc.visit_plan_create(actor=actor_for(lead), year=2026, month=5, owner_id=owner.pk)
    assert plan.owner_id == owner.pk


def test_gift_approved_first_then_given_with_the_report(owner, customer, make_user) -> None:
    manager = make_user("sales_manager", username="mgr_sun")
    gift = _gift(owner, customer, "300")
    approval = Approval.objects.get(kind="gift", subject_id=str(gift.pk))
    assert approval.required_role == "sales_manager"  # 300 yuan < 1000 (C7.gift_limits)
    assert Notification.objects.filter(user=manager).exists()  # the approver is told
    approval_decide(actor=actor_for(manager), approval_id=approval.pk, approve=True)
    gift.refresh_from_db()
    assert gift.state == "approved"
    assert Notification.objects.filter(user=owner).exists()  # and the requester hears back
    report = svc.visit_report_file(
        actor=actor_for(owner), customer_id=customer.pk, visited_on=_today(), findings="赠送台历", gift_id=gift.pk
    )
    gift.refresh_from_db()
    assert gift.state == "given"
    assert report.gift_id == gift.pk
    assert Event.objects.filter(action="giftrequest.given", subject_id=str(gift.pk)).exists()


@pytest.mark.parametrize("decide", [None, False])
def test_report_with_a_gift_not_approved_is_refused_and_changes_nothing(owner, customer, make_user, decide) -> None:
    _plan_obj, item = _plan(owner, customer)
    gift = _gift(owner, customer)
    if decide is not None:
        manager = make_user("sales_manager", username="mgr_sun")
        approval = Approval.objects.get(kind="gift", subject_id=str(gift.pk))
        approval_decide(actor=actor_for(manager), approval_id=approval.pk, approve=decide)
    before = (VisitReport.objects.count(), Event.objects.count(), GiftRequest.objects.get(pk=gift.pk).state)
    with pytest.raises(Conflict) as exc:
        svc.visit_report_file(
            actor=actor_for(owner),
            customer_id=customer.pk,
            visited_on=_today(),
            findings="赠送台历",
            gift_id=gift.pk,
            plan_item_id=item.pk,
        )
    assert exc.value.code == "gift_not_approved"
    assert (VisitReport.objects.count(), Event.objects.count(), GiftRequest.objects.get(pk=gift.pk).state) == before
    assert not VisitPlanItem.objects.get(pk=item.pk).done
    assert Customer.objects.get(pk=customer.pk).last_visit_on is None


def test_gift_value_picks_the_approver(owner, customer, make_user) -> None:
    big = _gift(owner, customer, "8000")
    approval = Approval.objects.get(kind="gift", subject_id=str(big.pk))
    assert approval.required_role == "gm"
    manager = make_user("sales_manager", username="mgr_sun")
    with pytest.raises(PermissionDenied):
        approval_decide(actor=actor_for(manager), approval_id=approval.pk, approve=True)
    assert GiftRequest.objects.get(pk=big.pk).state == "pending"


def test_a_report_is_not_in_the_future_and_needs_findings(owner, customer) -> None:
    with pytest.raises(ValidationFailed):
        svc.visit_report_file(
            actor=actor_for(owner), customer_id=customer.pk, visited_on=_today() + dt.timedelta(days=1), findings="x"
        )
    with pytest.raises(ValidationFailed):
        svc.visit_report_file(actor=actor_for(owner), customer_id=customer.pk, visited_on=_today(), findings=" ")
    assert VisitReport.objects.count() == 0


def test_a_planned_visit_is_reported_once(owner, customer) -> None:
    _p, item = _plan(owner, customer)
    kwargs = {"customer_id": customer.pk, "visited_on": _today(), "findings": "ok", "plan_item_id": item.pk}
    svc.visit_report_file(actor=actor_for(owner), **kwargs)
    with pytest.raises(Conflict):
        svc.visit_report_file(actor=actor_for(owner), **kwargs)


def test_owners_see_their_own_and_managers_all(owner, customer, make_user, api_as) -> None:
    svc.visit_report_file(actor=actor_for(owner), customer_id=customer.pk, visited_on=_today(), findings="ok")
    assert api_as(owner).get("visits").json()["count"] == 1
    assert api_as(make_user("engineer", username="eng_x")).get("visits").json()["count"] == 0
    assert api_as(make_user("cs_manager", username="head_x")).get("visits").json()["count"] == 1
    assert api_as(make_user("finance", username="fin_x")).get("visits").json()["count"] == 0


def test_api_plan_gift_and_report(owner, customer, make_user, api_as) -> None:
    client = api_as(owner)
    today = _today()
    plan = client.post("visit-plans", {"year": today.year, "month": today.month})
    assert plan.status_code == 201, plan.content
    plan_id = plan.json()["id"]
    item = client.post(f"visit-plans/{plan_id}/items", {"customer": customer.pk, "purpose": "technical"})
    assert item.status_code == 201, item.content
    gift = client.post("visits/gifts", {"customer": customer.pk, "description": "样品", "value": "200.00"})
    assert gift.status_code == 201
    assert gift.json()["state"] == "pending"
    refused = client.post(
        "visits",
        {"customer": customer.pk, "visited_on": today.isoformat(), "findings": "x", "gift": gift.json()["id"]},
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "gift_not_approved"
    manager = api_as(make_user("sales_manager", username="mgr_api"))
    approval = Approval.objects.get(kind="gift")
    assert manager.post(f"approvals/{approval.pk}/decide", {"decision": "approve"}).status_code == 200
    report = client.post(
        "visits",
        {
            "customer": customer.pk,
            "visited_on": today.isoformat(),
            "purpose": "technical",
            "findings": "操作培训",
            "customer_opinion": "满意",
            "suggestions": "增加培训",
            "plan_item": item.json()["id"],
            "gift": gift.json()["id"],
        },
    )
    assert report.status_code == 201, report.content
    assert report.json()["gift"] == gift.json()["id"]
    detail = client.get(f"visit-plans/{plan_id}").json()
    assert detail["progress"] == {"planned": 1, "done": 1, "unplanned": 0, "rate": 1.0}
    assert detail["items"][0]["report"] == report.json()["id"]
    assert client.get(f"visits/{report.json()['id']}").status_code == 200
    assert (
        client.post("visits", {"customer": customer.pk, "visited_on": "2026-13-01", "findings": "x"}).status_code == 422
    )


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_pages_list_export_plan_and_phone_form(owner, customer) -> None:
    plan, item = _plan(owner, customer)
    client = _login(owner)
    page = client.get(reverse("customers:visit_plan", args=[plan.pk]))
    assert page.status_code == 200
    assert "华东机械有限公司" in page.content.decode()
    form = client.get(reverse("customers:visit_new") + f"?item={item.pk}")
    assert form.status_code == 200
    response = client.post(
        reverse("customers:visit_new"),
        {"plan_item": item.pk, "visited_on": _today().isoformat(), "purpose": "routine", "findings": "运行正常"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert VisitPlanItem.objects.get(pk=item.pk).done
    listing = client.get(reverse("customers:visit_list"))
    assert "运行正常" in listing.content.decode()
    export = client.get(reverse("customers:visit_list") + "?export=xlsx")
    assert export.status_code == 200
    sheet = load_workbook(__import__("io").BytesIO(b"".join(export.streaming_content))).active
    assert any("华东机械有限公司" in str(c.value) for row in sheet.iter_rows() for c in row)
    assert Event.objects.filter(action="list.exported").exists()
    assert client.get(reverse("customers:visit_plans")).status_code == 200
    assert client.get(reverse("customers:gift_list")).status_code == 200


def test_page_refuses_an_unapproved_gift_with_a_message(owner, customer) -> None:
    gift = _gift(owner, customer)
    client = _login(owner)
    # the gift is not offered (only approved ones are); a forged choice is refused by the form
    response = client.post(
        reverse("customers:visit_new"),
        {
            "customer": customer.code,
            "visited_on": _today().isoformat(),
            "purpose": "routine",
            "findings": "x",
            "gift": gift.pk,
        },
    )
    assert response.status_code == 200
    assert VisitReport.objects.count() == 0


def test_home_queue_shows_visits_due_this_month(owner, customer) -> None:
    from aftersales.web.queues import home_queues

    _plan(owner, customer)
    queues = {q.key: q for q in home_queues(actor_for(owner))}
    assert queues["visits_due"].count == 1


def test_the_visit_purpose_reads_bai_fang_mu_de_not_yong_tu(owner, customer) -> None:
    """The visit's purpose is 拜访目的 (pgettext context "visit"), not the 用途 of the other catalogues'
    "Purpose" (what a fee or a part is for): on the form, the list, the plan and the report."""
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(VisitReport._meta.get_field("purpose").verbose_name) == "拜访目的"
    plan, item = _plan(owner, customer)
    client = _login(owner)
    client.post(
        reverse("customers:visit_new"),
        {"plan_item": item.pk, "visited_on": _today().isoformat(), "purpose": "routine", "findings": "运行正常"},
    )
    report = VisitReport.objects.get()
    pages = [
        reverse("customers:visit_new"),
        reverse("customers:visit_list"),
        reverse("customers:visit_plan", args=[plan.pk]),
        reverse("customers:visit_detail", args=[report.pk]),
    ]
    for url in pages:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "拜访目的" in html, url
        assert "用途" not in html, url
