"""K14 corrective and preventive action: planned → carried out → verified by quality (never by its
own owner); not effective → planned again; not needed → closed at once; through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.complaints import services
from aftersales.complaints.models import CorrectiveAction, FollowUpTask
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality(make_user, actor_of):
    return actor_of(make_user("quality", username="quality"))


def _plan(staff, complaint, **kwargs):
    values = {"measures": "增加出厂前外壳跌落测试", "owner": "engineer", "due_date": timezone.localdate()}
    values.update(kwargs)
    return services.capa_plan(actor=staff["agent"], number=complaint.number, **values)


def test_k14_planned_done_verified(new_complaint, staff, quality):
    complaint = new_complaint()
    capa = _plan(staff, complaint)
    assert (capa.state, capa.owner.username, capa.planned_by.username) == ("planned", "engineer", "agent")

    with pytest.raises(Conflict):  # not carried out yet
        services.capa_verify(actor=quality, number=complaint.number, capa_id=capa.pk)
    capa = services.capa_done(actor=staff["agent"], number=complaint.number, capa_id=capa.pk, note="已增加测试工序")
    assert capa.state == "done"
    task = FollowUpTask.objects.get(corrective_action=capa)
    assert (task.kind, task.rule, task.assignee.username, task.assignee_role) == (
        "capa_verify",
        "K14",
        "quality",
        "quality",
    )

    capa = services.capa_verify(actor=quality, number=complaint.number, capa_id=capa.pk, note="抽检 50 台无开裂")
    assert (capa.state, capa.verified_by.username, capa.verification_note) == (
        "verified",
        "quality",
        "抽检 50 台无开裂",
    )
    assert FollowUpTask.objects.get(pk=task.pk).done_at is not None
    actions = list(
        Event.objects.filter(rule="K14", action__startswith="complaint.capa").values_list("action", flat=True)
    )
    assert actions == ["complaint.capa_planned", "complaint.capa_done", "complaint.capa_verified"]
    with pytest.raises(Conflict):
        services.capa_done(actor=staff["agent"], number=complaint.number, capa_id=capa.pk)


def test_k14_only_quality_verifies_and_never_its_own_action(new_complaint, staff, quality):
    complaint = new_complaint()
    capa = _plan(staff, complaint)
    services.capa_done(actor=staff["agent"], number=complaint.number, capa_id=capa.pk)
    for role in ("agent", "cs_manager", "vp", "gm", "admin"):
        with pytest.raises(PermissionDenied):
            services.capa_verify(actor=staff[role], number=complaint.number, capa_id=capa.pk)
    own = services.capa_plan(
        actor=quality, number=complaint.number, measures="修订检验规程", owner="quality", due_date=None
    )
    services.capa_done(actor=quality, number=complaint.number, capa_id=own.pk)
    with pytest.raises(PermissionDenied) as caught:
        services.capa_verify(actor=quality, number=complaint.number, capa_id=own.pk)
    assert caught.value.code == "own_corrective_action"


def test_k14_not_effective_goes_back_to_planned_and_asks_again(new_complaint, staff, quality):
    complaint = new_complaint()
    capa = _plan(staff, complaint)
    services.capa_done(actor=staff["agent"], number=complaint.number, capa_id=capa.pk)
    with pytest.raises(ValidationFailed):
        services.capa_verify(actor=quality, number=complaint.number, capa_id=capa.pk, effective=False)
    capa = services.capa_verify(
        actor=quality, number=complaint.number, capa_id=capa.pk, effective=False, note="仍有开裂"
    )
    assert (capa.state, capa.done_at, capa.verified_by) == ("planned", None, None)
    assert not FollowUpTask.objects.filter(corrective_action=capa).exists()
    services.capa_done(actor=staff["agent"], number=complaint.number, capa_id=capa.pk)
    assert FollowUpTask.objects.filter(corrective_action=capa, done_at__isnull=True).count() == 1


def test_k14_plan_checks_its_input(new_complaint, staff):
    complaint = new_complaint()
    with pytest.raises(ValidationFailed) as caught:
        _plan(staff, complaint, measures="")
    assert "measures" in caught.value.fields
    with pytest.raises(ValidationFailed):
        _plan(staff, complaint, owner="nobody")
    with pytest.raises(ValidationFailed):
        _plan(staff, complaint, due_date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.capa_plan(actor=staff["engineer"], number=complaint.number, measures="x")
    not_needed = services.capa_plan(actor=staff["agent"], number=complaint.number, needed=False)
    assert (not_needed.state, not_needed.owner, not_needed.verified_by.username) == ("verified", None, "agent")
    assert CorrectiveAction.objects.count() == 1


def test_k14_through_the_api(new_complaint, staff, quality, api_as):
    complaint = new_complaint()
    agent, checker = api_as(staff["agent"].user), api_as(quality.user)
    path = f"complaints/{complaint.number}/capa"

    created = agent.post(path, {"measures": "更换包装材料", "owner": "engineer", "due_date": "2099-01-31"})
    assert created.status_code == 201, created.content
    capa = created.json()
    assert (capa["state"], capa["due_date"], capa["owner"]["username"]) == ("planned", "2099-01-31", "engineer")
    assert checker.post(f"{path}/{capa['id']}/verify", {}).status_code == 409
    assert agent.post(f"{path}/{capa['id']}/done", {"note": "已更换"}).json()["state"] == "done"
    assert agent.post(f"{path}/{capa['id']}/verify", {}).status_code == 403
    verified = checker.post(f"{path}/{capa['id']}/verify", {"note": "有效"}).json()
    assert (verified["state"], verified["verified_by"]["username"]) == ("verified", "quality")
    assert [c["state"] for c in agent.get(path).json()] == ["verified"]
    assert agent.post(f"{path}/999/done", {}).status_code == 404
    other = new_complaint()
    assert agent.post(f"complaints/{other.number}/capa/{capa['id']}/done", {}).status_code == 404


# --- a corrective action standing on no complaint (Q3 recurring-problem warnings) -------------------


def test_k14_capa_without_complaint(staff):
    capa = services.capa_plan_on_topic(
        actor=staff["agent"], topic="A100 开机无显示 反复出现", measures="更换电源板供应商", owner="engineer"
    )
    capa.refresh_from_db()
    assert (capa.complaint, capa.topic, capa.state, capa.owner.username) == (
        None,
        "A100 开机无显示 反复出现",
        "planned",
        "engineer",
    )
    event = Event.objects.get(action="complaint.capa_planned", subject_id=str(capa.pk))
    assert (event.subject_type, event.rule, event.data["topic"]) == ("complaints.correctiveaction", "K14", capa.topic)


@pytest.mark.parametrize(
    ("topic", "measures", "field"),
    [("", "更换供应商", "topic"), ("反复出现", "  ", "measures")],
)
def test_k14_capa_without_complaint_needs_topic_and_measures(staff, topic, measures, field):
    with pytest.raises(ValidationFailed) as raised:
        services.capa_plan_on_topic(actor=staff["agent"], topic=topic, measures=measures)
    assert field in raised.value.fields
    assert not CorrectiveAction.objects.exists()


def test_k14_capa_without_complaint_needs_the_right(staff):
    with pytest.raises(PermissionDenied):
        services.capa_plan_on_topic(actor=staff["engineer"], topic="反复出现", measures="更换供应商")
