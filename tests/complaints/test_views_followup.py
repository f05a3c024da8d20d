"""Follow-up pages of complaints: the K8 monthly responsibility review (list, detail, its moves and
the two PDFs), "My follow-up tasks" (K13–K15) and the K14 CAPA panel on the complaint page.

Through the Django test client in Chinese; the PDFs are checked with poppler (pdftotext).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.complaints import services
from aftersales.complaints.models import Complaint, CorrectiveAction, FollowUpTask, ResponsibilityReview
from tests.complaints.conftest import at
from tests.complaints.test_views import _assert_chinese_pdf, _client, _detail

pytestmark = pytest.mark.django_db

PERIOD = "2025-10"
REVIEWS = reverse("complaints:review_list")
TASKS = reverse("complaints:task_list")
REVIEW = reverse("complaints:review_detail", args=[PERIOD])
ENGINEER_NAME = "王建国"


def _closed(staff: dict[str, Any], new_complaint: Any, *, on: str | None, loss: Decimal | None = None) -> Complaint:
    """A complaint carried out with a human factor (engineer responsible), closed at `on` (None: now)."""
    complaint = new_complaint(amount_claimed=Decimal("0.00"))
    agent = staff["agent"]
    services.complaint_contact(actor=agent, number=complaint.number)
    services.complaint_decide(actor=agent, number=complaint.number, disposition="guidance", decision="指导")
    services.complaint_reply(actor=agent, number=complaint.number, public_reply="已指导")
    services.complaint_implement(
        actor=agent,
        number=complaint.number,
        human_factor=True,
        responsible_department="安装部",
        responsible_person="engineer",
        loss_amount=loss,
    )
    services.complaint_close(actor=agent, number=complaint.number)
    if on is not None:
        Complaint.objects.filter(pk=complaint.pk).update(closed_at=at(on))
    return Complaint.objects.get(pk=complaint.pk)


@pytest.fixture
def october(staff: dict[str, Any], new_complaint: Any) -> list[Complaint]:
    User.objects.filter(username="engineer").update(first_name=ENGINEER_NAME)
    return [
        _closed(staff, new_complaint, on="2025-10-08 10:00", loss=Decimal("150.00")),
        _closed(staff, new_complaint, on="2025-10-20 10:00"),
    ]


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data)


def _version() -> int:
    return ResponsibilityReview.objects.get(period=PERIOD).version


def _field_errors(html: str, field: str) -> list[str]:
    return [unescape(m) for m in re.findall(rf'data-field-error="{re.escape(field)}">([^<]*)<', html)]


# --- K8 responsibility review -------------------------------------------------------------------


def test_review_pages_access(staff, october):
    head = _client(staff["cs_manager"])
    assert head.get(REVIEWS).status_code == 200
    assert head.get(REVIEW).status_code == 404  # not prepared yet
    for role in ("agent", "engineer", "sales_manager"):
        assert _client(staff[role]).get(REVIEWS).status_code == 403, role
    services.review_prepare(actor=staff["cs_manager"], period=PERIOD)
    assert _client(staff["agent"]).get(REVIEW).status_code == 403
    assert head.get(reverse("complaints:review_detail", args=["2025-09"])).status_code == 404
    menu = head.get(REVIEWS).content.decode()
    assert "责任考核" in menu
    assert "责任考核" not in _client(staff["agent"]).get(TASKS).content.decode()


def test_review_prepare_submit_and_vp_gm_approve_through_the_pages(tmp_path, staff, october):
    head = _client(staff["cs_manager"])
    response = _post(head, REVIEWS, {"period": PERIOD})
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    html = head.get(REVIEW).content.decode()
    assert ENGINEER_NAME in html
    assert "安装部" in html
    assert october[0].number in html
    assert october[1].number in html
    assert 'id="action-submit"' in html

    # a month not over yet: the service's message in Chinese, nothing created
    future = timezone.localdate() + dt.timedelta(days=40)
    response = _post(head, REVIEWS, {"period": f"{future.year:04d}-{future.month:02d}"})
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "period") == ["本月尚未结束。"]
    assert ResponsibilityReview.objects.count() == 1

    # a stale version is refused
    version = _version()
    response = _post(head, REVIEW, {"action": "submit", "submit-version": version - 1, "submit-note": ""})
    assert response.status_code == 409
    assert "其他人已修改此责任考核" in response.content.decode()
    assert ResponsibilityReview.objects.get(period=PERIOD).state == "draft"

    response = _post(head, REVIEW, {"action": "submit", "submit-version": version, "submit-note": "请审批"})
    assert response.status_code == 302
    assert ResponsibilityReview.objects.get(period=PERIOD).state == "submitted"

    # the department head cannot approve; the GM cannot approve twice
    response = _post(head, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "approve"})
    assert response.status_code == 403

    vp, gm = _client(staff["vp"]), _client(staff["gm"])
    assert 'id="submit-approve"' in vp.get(REVIEW).content.decode()
    response = _post(vp, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "approve"})
    assert response.status_code == 302
    review = ResponsibilityReview.objects.get(period=PERIOD)
    assert (review.state, review.sanctions_approved_by.username) == ("submitted", "vp")
    assert 'id="submit-approve"' not in vp.get(REVIEW).content.decode()

    response = _post(gm, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "approve"})
    assert response.status_code == 302
    review = ResponsibilityReview.objects.get(period=PERIOD)
    assert (review.state, review.notices_approved_by.username) == ("approved", "gm")
    response = _post(gm, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "approve"})
    assert response.status_code == 409
    assert "无法将状态从“已批准”变更为“已批准”。" in response.content.decode()  # invalid_transition

    response = head.get(reverse("complaints:review_sanction_list_pdf", args=[PERIOD]))
    assert response["Content-Type"] == "application/pdf"
    text = _assert_chinese_pdf(tmp_path, response.content)
    for expected in ("人事公布单", ENGINEER_NAME, "安装部", PERIOD):
        assert expected in text, expected
    response = head.get(reverse("complaints:review_notice_pdf", args=[PERIOD]))
    text = _assert_chinese_pdf(tmp_path, response.content)
    for expected in ("奖罚通知单", ENGINEER_NAME, "150.00"):
        assert expected in text, expected


def test_review_refusal_needs_a_reason_in_chinese(staff, october):
    services.review_prepare(actor=staff["cs_manager"], period=PERIOD)
    services.review_submit(actor=staff["cs_manager"], period=PERIOD)
    vp = _client(staff["vp"])
    response = _post(vp, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "refuse"})
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "approve-note") == ["请说明退回考核的原因。"]
    assert ResponsibilityReview.objects.get(period=PERIOD).state == "submitted"
    response = _post(
        vp, REVIEW, {"action": "approve", "approve-version": _version(), "decision": "refuse", "approve-note": "复核"}
    )
    assert response.status_code == 302
    assert ResponsibilityReview.objects.get(period=PERIOD).state == "draft"


# --- K15 follow-up tasks ------------------------------------------------------------------------


def _legacy_callback_task(complaint: Complaint, staff: dict[str, Any]) -> FollowUpTask:
    """A K15 callback task as closing raised it before the callback moved to the callbacks queue
    (docs/decisions/0036): such tasks stay on /complaint-tasks as history and still work."""
    task = services.task_raise(complaint=complaint, kind="callback", rule="K15", assignee=staff["agent"].user)
    assert task is not None
    return task


def test_tasks_page_lists_the_callback_and_marks_it_done(staff, new_complaint, make_user, actor_of):
    complaint = _closed(staff, new_complaint, on=None)
    # closing raises no K15 task any more (it is a callback in the callbacks queue)
    assert not FollowUpTask.objects.filter(complaint=complaint).exists()
    task = _legacy_callback_task(complaint, staff)
    owner = task.assignee
    client = _client(staff[owner.username] if owner.username in staff else staff["agent"])
    html = client.get(TASKS).content.decode()
    assert complaint.number in html
    assert f'data-task="{task.pk}"' in html
    assert "跟进任务" in html  # the menu entry

    # someone else's task (finance handles no complaints): refused in Chinese, still open
    other = _client(actor_of(make_user("finance", username="finance")))
    assert f'data-task="{task.pk}"' not in other.get(TASKS).content.decode()
    response = other.post(reverse("complaints:task_done", args=[task.pk]), {"note": "x"})
    assert response.status_code == 403
    assert "此任务属于其他人。" in response.content.decode()
    assert FollowUpTask.objects.get(pk=task.pk).done_at is None

    response = client.post(reverse("complaints:task_done", args=[task.pk]), {"note": "客户满意"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.done_at is not None, task.note) == (True, "客户满意")
    assert f'data-task="{task.pk}"' not in client.get(TASKS).content.decode()
    assert _client(staff["engineer"]).get(TASKS).status_code == 403


# --- K14 CAPA panel -----------------------------------------------------------------------------


def test_capa_panel_plan_done_verify_by_quality(staff, new_complaint, make_user, actor_of):
    quality = actor_of(make_user("quality", username="quality"))
    complaint = new_complaint()
    agent = _client(staff["agent"])
    html = agent.get(_detail(complaint.number)).content.decode()
    assert 'id="capa-plan"' in html

    response = agent.post(_detail(complaint.number), {"action": "capa_plan", "capa_plan-needed": "on"})
    assert response.status_code == 422
    assert _field_errors(response.content.decode(), "capa_plan-measures") == ["请描述措施。"]
    assert not CorrectiveAction.objects.exists()

    due = (timezone.localdate() + dt.timedelta(days=14)).isoformat()
    response = agent.post(
        _detail(complaint.number),
        {"action": "capa_plan", "capa_plan-needed": "on", "capa_plan-measures": "包装加固", "capa_plan-due_date": due},
    )
    assert response.status_code == 302
    capa = CorrectiveAction.objects.get(complaint=complaint)
    assert (capa.state, capa.owner.username, capa.measures) == ("planned", "agent", "包装加固")

    html = agent.get(_detail(complaint.number)).content.decode()
    assert f'id="capa-done-{capa.pk}"' in html
    response = agent.post(
        _detail(complaint.number), {"action": "capa_done", "capa_done-capa": capa.pk, "capa_done-note": "已加固"}
    )
    assert response.status_code == 302
    capa.refresh_from_db()
    assert capa.state == "done"

    # the owner may not verify their own action (no verify permission anyway: 403)
    response = agent.post(_detail(complaint.number), {"action": "capa_verify", "capa_verify-capa": capa.pk})
    assert response.status_code == 403

    q = _client(quality)
    html = q.get(_detail(complaint.number)).content.decode()
    assert f'id="capa-verify-{capa.pk}"' in html
    response = q.post(
        _detail(complaint.number), {"action": "capa_verify", "capa_verify-capa": capa.pk, "capa_verify-note": ""}
    )
    assert response.status_code == 422  # not effective without a reason
    assert _field_errors(response.content.decode(), "capa_verify-note") == ["请说明措施为何无效。"]
    capa.refresh_from_db()
    assert capa.state == "done"
    response = q.post(
        _detail(complaint.number),
        {
            "action": "capa_verify",
            "capa_verify-capa": capa.pk,
            "capa_verify-effective": "on",
            "capa_verify-note": "有效",
        },
    )
    assert response.status_code == 302
    capa.refresh_from_db()
    assert (capa.state, capa.verified_by.username) == ("verified", "quality")
    assert FollowUpTask.objects.get(corrective_action=capa, kind="capa_verify").done_at is not None


def test_k2_a_complaint_heard_on_the_callback_is_registered_from_it(staff, new_complaint, api_as, customer):
    # given a closed complaint with a K15 callback task from before the move
    complaint = _closed(staff, new_complaint, on=None)
    task = _legacy_callback_task(complaint, staff)
    agent = _client(staff["agent"])

    # when the agent follows the task's link, the registration form carries the callback
    html = agent.get(TASKS).content.decode()
    link = unescape(re.search(r'class="small new-complaint-from-callback" href="([^"]+)"', html).group(1))
    form = agent.get(link).content.decode()
    assert f'name="callback" value="{task.pk}"' in form

    # and registering it links the new complaint to the callback, shown on its page and in the API
    response = agent.post(
        reverse("complaints:complaint_create"),
        {
            "customer": complaint.customer_id,
            "callback": task.pk,
            "complaint_class": "quality",
            "channel": "phone",
            "description": "回访时客户反映仍有异响",
            "amount_claimed": "0",
        },
    )
    assert response.status_code == 302
    new = Complaint.objects.exclude(pk=complaint.pk).get()
    assert new.callback == task
    page = agent.get(_detail(new.number)).content.decode()
    assert complaint.number in re.search(r'id="complaint-callback">(.*?)</dd>', page).group(1)
    assert api_as("agent").get(f"complaints/{new.number}").json()["callback"] == task.pk


def test_k2_a_callback_of_another_customer_is_refused(staff, new_complaint, api_as):
    from tests.installed_base.factories import CustomerFactory

    complaint = _closed(staff, new_complaint, on=None)
    task = _legacy_callback_task(complaint, staff)
    other = CustomerFactory()

    response = api_as("agent").post(
        "complaints",
        {"customer": other.pk, "class": "quality", "channel": "phone", "description": "x", "callback": task.pk},
    )

    assert response.status_code == 422
    assert "callback" in response.json()["fields"]
    assert Complaint.objects.count() == 1
