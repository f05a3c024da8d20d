"""P2 requisitions end to end over the API: numbering, the approval ladder through the approvals engine,
reservation, issue into transit, receipt with a shortfall recorded as a discrepancy, refusals that change
nothing, and the job waiting for the parts resuming."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.approvals.models import Approval
from aftersales.core.models import Event
from aftersales.notifications.models import Notification
from aftersales.parts.models import Requisition, StockMove
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures
from tests.parts.flow_fixtures import level

pytestmark = pytest.mark.django_db


def ask(api: Any, **kwargs: Any) -> Any:
    body = {
        "from_store": "CENTRAL",
        "to_store": "VAN-ENG1",
        "reason": "客户主板故障",
        "lines": [{"part": "FUSE", "quantity": 4}],
    }
    body.update(kwargs)
    return api.post("requisitions", body)


def test_requested_numbered_and_waiting_for_the_keeper(api_as: Any, world: dict[str, Any]) -> None:
    response = ask(api_as(world["engineer"].user))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["number"].startswith("LY")
    assert len(data["number"]) == 12
    assert data["state"] == "requested"
    assert data["value"] == "20.00"
    assert data["approval_role"] == "parts_keeper"
    assert [
        (line["part"]["code"], line["requested"], line["issued"], line["received"], line["discrepancy"])
        for line in data["lines"]
    ] == [("FUSE", 4, 0, None, 0)]
    approval = Approval.objects.get(
        subject_id=str(Requisition.objects.get(number=data["number"]).pk), kind="requisition"
    )
    assert approval.required_role == "parts_keeper"
    assert approval.rule == "P2"
    assert Notification.objects.filter(user=world["keeper"].user, url__contains="approvals").exists()


def test_above_the_keeper_limit_the_head_of_after_sales_decides(api_as: Any, world: dict[str, Any]) -> None:
    number = ask(api_as(world["engineer"].user), lines=[{"part": "BOARD", "quantity": 2}]).json()["number"]
    assert Requisition.objects.get(number=number).approval_role == "cs_manager"  # 6000 > 5000
    refused = api_as(world["keeper"].user).post(f"requisitions/{number}/approve", {})
    assert refused.status_code == 403
    assert level(world["central"], world["board"]) == (10, 0, 0, 10)
    ok = api_as(world["head"].user).post(f"requisitions/{number}/approve", {"note": "同意"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["state"] == "approved"
    assert level(world["central"], world["board"]) == (10, 2, 0, 8)


def test_the_limit_is_policy_data(api_as: Any, world: dict[str, Any], make_user: Any, actor_of: Any) -> None:
    from aftersales.policies.services import policy_set

    policy_set(actor=actor_of(make_user("admin", username="pol_admin")), key="P2.keeper_limit_yuan", value=10_000)
    number = ask(api_as(world["engineer"].user), lines=[{"part": "BOARD", "quantity": 2}]).json()["number"]
    assert Requisition.objects.get(number=number).approval_role == "parts_keeper"


def test_full_cycle_with_a_shortfall_recorded(api_as: Any, world: dict[str, Any]) -> None:
    engineer, keeper = api_as(world["engineer"].user), api_as(world["keeper"].user)
    number = ask(engineer, lines=[{"part": "FUSE", "quantity": 4}, {"part": "BOARD", "quantity": 1}]).json()["number"]
    assert keeper.post(f"requisitions/{number}/approve", {}).status_code == 200
    assert level(world["central"], world["fuse"]) == (20, 4, 0, 16)
    issued = keeper.post(f"requisitions/{number}/issue", {})
    assert issued.status_code == 200, issued.content
    assert issued.json()["state"] == "issued"
    assert level(world["central"], world["fuse"]) == (16, 0, 0, 16)
    assert level(world["van"], world["fuse"]) == (0, 0, 4, 0)
    received = engineer.post(
        f"requisitions/{number}/receive", {"lines": [{"part": "FUSE", "quantity": 3}, {"part": "BOARD", "quantity": 1}]}
    )
    assert received.status_code == 200, received.content
    data = api_as(world["keeper"].user).get(f"requisitions/{number}").json()
    assert data["state"] == "received"
    lines = {line["part"]["code"]: line for line in data["lines"]}
    assert (
        lines["FUSE"]["requested"],
        lines["FUSE"]["issued"],
        lines["FUSE"]["received"],
        lines["FUSE"]["discrepancy"],
    ) == (4, 4, 3, 1)
    assert lines["BOARD"]["discrepancy"] == 0
    assert level(world["van"], world["fuse"]) == (3, 0, 0, 3)
    found = Requisition.objects.get(number=number)
    short = Event.objects.get(
        subject_type="parts.requisition", subject_id=str(found.pk), action="requisition.discrepancy"
    )
    assert short.data["short"] == [["FUSE", 4, 3, 1]]
    assert Notification.objects.filter(user=world["keeper"].user, title__contains=number).exists()
    assert StockMove.objects.filter(reference=number).count() == 2 + 4 + 2  # reserve ×2, out+transit ×2, in ×2


def test_every_line_must_be_counted(api_as: Any, world: dict[str, Any]) -> None:
    engineer, keeper = api_as(world["engineer"].user), api_as(world["keeper"].user)
    number = ask(engineer, lines=[{"part": "FUSE", "quantity": 4}, {"part": "BOARD", "quantity": 1}]).json()["number"]
    keeper.post(f"requisitions/{number}/approve", {})
    keeper.post(f"requisitions/{number}/issue", {})
    missing = engineer.post(f"requisitions/{number}/receive", {"lines": [{"part": "FUSE", "quantity": 4}]})
    assert missing.status_code == 422
    too_many = engineer.post(
        f"requisitions/{number}/receive", {"lines": [{"part": "FUSE", "quantity": 5}, {"part": "BOARD", "quantity": 1}]}
    )
    assert too_many.status_code == 422
    assert Requisition.objects.get(number=number).state == "issued"
    assert level(world["van"], world["fuse"]) == (0, 0, 4, 0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"from_store": "NOPE"}, "from_store"),
        ({"to_store": "CENTRAL"}, "to_store"),
        ({"lines": [{"part": "NOPE", "quantity": 1}]}, "lines.0.part"),
        ({"lines": [{"part": "FUSE", "quantity": 0}]}, "lines.0.quantity"),
        ({"lines": [{"part": "FUSE", "quantity": -2}]}, "lines.0.quantity"),
        ({"lines": [{"part": "FUSE", "quantity": 1}, {"part": "FUSE", "quantity": 2}]}, "lines.1.part"),
        ({"to_store": "DEFECT"}, "to_store"),  # not the engineer's own store
    ],
)
def test_bad_input_is_a_typed_422_and_changes_nothing(
    api_as: Any, world: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    response = ask(api_as(world["engineer"].user), **change)
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert not Requisition.objects.exists()
    assert not Approval.objects.exists()


def test_approving_more_than_available_is_409_and_changes_nothing(api_as: Any, world: dict[str, Any]) -> None:
    number = ask(api_as(world["engineer"].user), lines=[{"part": "FUSE", "quantity": 25}]).json()["number"]
    response = api_as(world["keeper"].user).post(f"requisitions/{number}/approve", {})
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert response.json()["available"] == 20
    assert Requisition.objects.get(number=number).state == "requested"
    assert Approval.objects.get(kind="requisition").state == "pending"
    assert level(world["central"], world["fuse"]) == (20, 0, 0, 20)


def test_nobody_decides_their_own_requisition(api_as: Any, world: dict[str, Any]) -> None:
    keeper = api_as(world["keeper"].user)
    number = ask(keeper).json()["number"]
    assert keeper.post(f"requisitions/{number}/approve", {}).json()["code"] == "own_approval"
    assert api_as(world["keeper2"].user).post(f"requisitions/{number}/approve", {}).status_code == 200


def test_refusal_needs_a_reason_and_cancel_releases_the_reservation(api_as: Any, world: dict[str, Any]) -> None:
    engineer, keeper = api_as(world["engineer"].user), api_as(world["keeper"].user)
    first = ask(engineer).json()["number"]
    assert keeper.post(f"requisitions/{first}/refuse", {}).status_code == 422
    assert keeper.post(f"requisitions/{first}/refuse", {"note": "库存留给急单"}).json()["state"] == "refused"
    second = ask(engineer).json()["number"]
    keeper.post(f"requisitions/{second}/approve", {})
    assert level(world["central"], world["fuse"]) == (20, 4, 0, 16)
    cancelled = engineer.post(f"requisitions/{second}/cancel", {"note": "不需要了"})
    assert cancelled.json()["state"] == "cancelled"
    assert level(world["central"], world["fuse"]) == (20, 0, 0, 20)
    assert keeper.post(f"requisitions/{second}/issue", {}).json()["code"] == "invalid_transition"


def test_a_stale_version_is_a_conflict(api_as: Any, world: dict[str, Any]) -> None:
    number = ask(api_as(world["engineer"].user)).json()["number"]
    keeper = api_as(world["keeper"].user)
    keeper.post(f"requisitions/{number}/approve", {"version": 1})
    stale = keeper.post(f"requisitions/{number}/issue", {"version": 1})
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"


def test_an_engineer_sees_only_their_own(api_as: Any, world: dict[str, Any]) -> None:
    number = ask(api_as(world["engineer"].user)).json()["number"]
    other = api_as(world["engineer2"].user)
    assert other.get(f"requisitions/{number}").status_code == 404
    assert other.get("requisitions").json()["count"] == 0
    assert api_as(world["keeper"].user).get("requisitions", state="requested").json()["count"] == 1


def test_the_job_waiting_for_the_parts_resumes_on_receipt(
    api_as: Any, world: dict[str, Any], new_request: Any, staff: Any
) -> None:
    from aftersales.clocks.models import Clock
    from aftersales.policies.services import policy_set
    from aftersales.service import services

    policy_set(actor=world["admin"], key="S9.parts_wait_pauses", value=True)
    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    services.service_request_wait_parts(actor=staff["engineer"], number=request.number, reason="缺主板")
    request.refresh_from_db()
    assert request.state == "waiting_parts"
    engineer, keeper = api_as(world["engineer"].user), api_as(world["keeper"].user)
    number = ask(engineer, service_request=request.number).json()["number"]
    keeper.post(f"requisitions/{number}/approve", {})
    keeper.post(f"requisitions/{number}/issue", {})
    request.refresh_from_db()
    assert request.state == "waiting_parts"
    engineer.post(f"requisitions/{number}/receive", {"lines": [{"part": "FUSE", "quantity": 4}]})
    request.refresh_from_db()
    assert request.state == "on_site"
    assert not Clock.objects.filter(
        subject_id=str(request.pk), subject_type="service.servicerequest", state="paused"
    ).exists()
    moved = Event.objects.get(
        subject_type="service.servicerequest",
        subject_id=str(request.pk),
        action="servicerequest.on_site",
        data__requisition=number,
    )
    assert moved.data["state"] == ["waiting_parts", "on_site"]
    assert api_as(world["keeper"].user).get(f"requisitions/{number}").json()["service_request"] == request.number


def test_cancelling_tells_those_who_had_to_act(api_as: Any, world: dict[str, Any]) -> None:
    from aftersales.notifications.models import Notification

    engineer, keeper = api_as(world["engineer"].user), api_as(world["keeper"].user)
    number = ask(engineer).json()["number"]
    keeper.post(f"requisitions/{number}/approve", {})
    before = Notification.objects.filter(user=world["keeper"].user, title__contains="撤销").count()
    assert engineer.post(f"requisitions/{number}/cancel", {"note": "不需要了"}).json()["state"] == "cancelled"
    # the issuing store's keeper was asked to issue it: told it is cancelled
    told = Notification.objects.filter(user=world["keeper"].user, url__contains=number).order_by("-id").first()
    assert told is not None
    assert number in told.title
    assert told.body == "不需要了"
    assert Notification.objects.filter(user=world["keeper"].user, title__contains="撤销").count() == before + 1
    # a keeper cancelling someone's request tells the requester
    other = ask(engineer).json()["number"]
    assert keeper.post(f"requisitions/{other}/cancel", {"note": "重复申请"}).json()["state"] == "cancelled"
    assert Notification.objects.filter(user=world["engineer"].user, title__contains=other, body="重复申请").exists()
