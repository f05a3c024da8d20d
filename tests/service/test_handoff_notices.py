"""Issue 13, point 2: each hand-off of the service case tells the person who must act, and nobody else.

Urgent request → the team lead(s) of its service point (S1/S7); dispatch and reassignment → the
engineer (and the one relieved of it); signed by the customer → the manager who countersigns (S11).
Bell rows in the caller's transaction, e-mail on commit unless the user chose bell only.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from aftersales.notifications.models import Notification
from aftersales.notifications.services import notification_preference_set
from aftersales.service import services


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _told(username: str) -> list[Notification]:
    return list(Notification.objects.filter(user__username=username).order_by("id"))


@pytest.fixture
def other_point_lead(make_user: Any, actor_of: Any, city: Any) -> Any:
    """A team lead of another service point: never told of this point's requests."""
    from aftersales.accounts.models import ServicePoint

    other = ServicePoint.objects.create(code="SP-BJ", name="北京办事处", region=city)
    return actor_of(make_user("team_lead", username="lead_bj", display_name="北京组长", service_point_id=other.pk))


@pytest.fixture
def point_lead(make_user: Any, actor_of: Any, city: Any) -> Any:
    from aftersales.accounts.models import ServicePoint

    point = ServicePoint.objects.get(code="SP-SH")
    return actor_of(
        make_user(
            "team_lead", username="lead_sh", display_name="赵组长", service_point_id=point.pk, email="lead@example.cn"
        )
    )


@pytest.mark.django_db
def test_an_urgent_request_tells_the_team_lead_of_its_service_point_only(
    staff, new_request, point_lead, other_point_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = new_request(priority="urgent", service_point_code="SP-SH")

    told = _told("lead_sh")
    assert len(told) == 1
    assert request.number in told[0].title
    assert "紧急" in told[0].title
    assert request.customer.name in told[0].title
    assert told[0].url == "/service/board/"
    assert _told("lead_bj") == []  # another point's lead
    assert _told("lead1") == []  # a lead attached to no point: this point has its own
    assert _told("agent1") == []  # the agent who registered it
    assert [m.to for m in mail.outbox] == [["lead@example.cn"]]
    assert request.number in mail.outbox[0].subject


@pytest.mark.django_db
def test_a_general_request_tells_nobody(staff, new_request, point_lead):
    new_request(priority="general", service_point_code="SP-SH")

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_an_urgent_request_without_a_point_lead_tells_the_unattached_team_leads(staff, new_request):
    request = new_request(priority="urgent")

    assert [n.title for n in _told("lead1")] == [f"紧急服务请求 {request.number} 等待派工：{request.customer.name}"]


@pytest.mark.django_db
def test_dispatch_tells_the_engineer_and_a_reassignment_both_engineers(staff, new_request):
    request = new_request()
    lead = staff["team_lead"].user
    lead.display_name = "陈组长"
    lead.save(update_fields=["display_name"])

    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")

    told = _told("eng1")
    assert len(told) == 1
    assert request.number in told[0].title
    assert told[0].url == f"/service/engineer/{request.number}/"
    assert told[0].body.startswith("陈组长 派给您")
    assert "lead1" not in told[0].body
    assert _told("eng2") == []
    assert _told("lead1") == []
    assert _told("agent1") == []

    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng2")

    assert len(_told("eng2")) == 1
    assert "改派" in _told("eng2")[0].title
    relieved = _told("eng1")
    assert len(relieved) == 2
    assert "改派" in relieved[1].title


@pytest.mark.django_db
def test_signing_tells_the_managers_who_countersign_not_the_engineer(staff, new_request):
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_book(
        actor=staff["engineer"], number=request.number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )
    before = Notification.objects.count()

    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )

    new = list(Notification.objects.order_by("id")[before:])
    assert sorted(n.user.username for n in new) == ["boss1", "lead1"]
    assert all(n.title.startswith("待会签") and request.number in n.title for n in new)
    assert all("王工" in n.body for n in new)
    assert all(n.url == f"/service/requests/{request.number}/" for n in new)


@pytest.mark.django_db
def test_signing_tells_the_manager_at_headquarters_even_when_the_point_has_a_team_lead(staff, new_request, point_lead):
    """Regression (journey "countersign from the queue"): a team lead at the request's service point
    used to be the only one told, while the service-centre manager's queue counted the request."""
    request = new_request(service_point_code="SP-SH")
    services.service_request_dispatch(actor=point_lead, number=request.number, engineer="eng1")
    services.service_request_book(
        actor=staff["engineer"], number=request.number, visit_at=timezone.now() + dt.timedelta(hours=2)
    )
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=request.number,
        resolution="on_site",
        work_summary="更换主轴轴承，试机正常",
        self_check_passed=True,
        labour_minutes=90,
    )

    services.service_request_sign_off(
        actor=staff["engineer"], number=request.number, signature=_png(), signed_by_name="王工"
    )

    told = {u: [n.title for n in _told(u) if n.title.startswith("待会签")] for u in ("boss1", "lead_sh", "lead1")}
    assert len(told["boss1"]) == 1  # the service-centre manager (no service point)
    assert len(told["lead_sh"]) == 1  # the team lead at the point
    assert told["lead1"] == []  # a team lead at no point: the point has its own


@pytest.mark.django_db
def test_bell_only_users_get_no_e_mail(staff, new_request, point_lead, django_capture_on_commit_callbacks):
    notification_preference_set(actor=point_lead, email=False)

    with django_capture_on_commit_callbacks(execute=True):
        new_request(priority="urgent", service_point_code="SP-SH")

    assert len(_told("lead_sh")) == 1  # the bell still rings
    assert mail.outbox == []
