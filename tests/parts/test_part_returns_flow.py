"""P4: a major part consumed on a job opens an outstanding return with a deadline of 10 working days on the
CN calendar and a clock; the keeper receives it into the defective store and decides; overdue escalates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from aftersales.clocks.models import Clock
from aftersales.core.models import Event
from aftersales.parts.models import PartReturn
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures
from tests.parts.flow_fixtures import level

pytestmark = pytest.mark.django_db


def consume(world: dict[str, Any], request: Any, part_key: str, *, quantity: int = 1, serial: str = "") -> Any:
    """What the core's consumption on a job does: the stock move, the PartUsed line, then the hook."""
    from aftersales.parts.services.hooks import part_consumed
    from aftersales.parts.services.stock import stock_consume, stock_transfer
    from aftersales.service.models import PartUsed

    part = world[part_key]
    engineer = world["engineer"]
    stock_transfer(
        actor=world["keeper"], from_store=world["central"], to_store=world["van"], part=part, quantity=quantity
    )
    move = stock_consume(
        actor=engineer, store=world["van"], part=part, quantity=quantity, reference=request.number, serial=serial
    )
    used = PartUsed.objects.create(
        request=request,
        part=part,
        store=world["van"],
        move=move,
        part_code=part.code,
        part_name=part.name,
        quantity=quantity,
        unit_price=0,
        return_required=part.major,
        serial=serial,
        old_serial="OLD-" + serial,
        recorded_by=engineer.user,
    )
    part_consumed(used)
    return used


@pytest.fixture
def job(world: dict[str, Any], new_request: Any, staff: Any) -> Any:
    from aftersales.service import services

    request = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    return request


def test_a_major_part_opens_a_return_due_in_10_working_days(world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-NEW-1")
    found = PartReturn.objects.get()
    assert (found.part.code, found.quantity, found.engineer.username, found.state) == (
        "BOARD",
        1,
        "eng1",
        "outstanding",
    )
    assert found.serial == "SN-NEW-1"
    assert found.old_serial == "OLD-SN-NEW-1"
    assert found.service_request_id == job.pk
    clock = Clock.objects.get(subject_type="parts.partreturn", subject_id=str(found.pk))
    assert (clock.kind, clock.rule, clock.target_amount, clock.target_unit, clock.calendar_code) == (
        "part_return",
        "P4",
        10,
        "working_days",
        "CN",
    )
    assert found.due_at == clock.due_at
    # 10 working days are at least two calendar weeks on the CN calendar
    assert found.due_at - found.created_at >= dt.timedelta(days=13)
    assert Event.objects.filter(action="partreturn.opened", subject_id=str(found.pk)).exists()


def test_an_ordinary_part_opens_nothing(world: dict[str, Any], job: Any) -> None:
    consume(world, job, "fuse", quantity=2)
    assert not PartReturn.objects.exists()


def test_listed_per_engineer(api_as: Any, world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-1")
    keeper = api_as(world["keeper"].user)
    mine = keeper.get("part-returns", engineer=world["engineer"].user.pk, state="outstanding").json()
    assert mine["count"] == 1
    assert mine["items"][0]["part"]["code"] == "BOARD"
    assert mine["items"][0]["service_request"] == job.number
    assert keeper.get("part-returns", engineer=world["engineer2"].user.pk, state="outstanding").json()["count"] == 0
    assert api_as(world["engineer"].user).get("part-returns").json()["count"] == 1
    assert api_as(world["engineer2"].user).get("part-returns").json()["count"] == 0


def test_received_into_the_defective_store_and_scrapped(api_as: Any, world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    response = api_as(world["keeper"].user).post(f"part-returns/{found.pk}/receive", {"disposition": "scrap"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["state"], data["disposition"], data["defective_store"]["code"]) == ("received", "scrap", "DEFECT")
    assert level(world["defective"], world["board"]) == (0, 0, 0, 0)  # returned, then scrapped
    from aftersales.parts.models import StockMove

    assert list(StockMove.objects.filter(store=world["defective"]).values_list("kind", flat=True)) == [
        "return_old",
        "scrap",
    ]
    assert Clock.objects.get(subject_type="parts.partreturn").state == "stopped"
    again = api_as(world["keeper"].user).post(f"part-returns/{found.pk}/receive", {"disposition": "repair"})
    assert again.status_code == 409


def test_repair_keeps_it_in_the_defective_store(api_as: Any, world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    api_as(world["keeper"].user).post(
        f"part-returns/{found.pk}/receive", {"disposition": "repair", "old_serial": "SN-OLD"}
    )
    found.refresh_from_db()
    assert found.old_serial == "SN-OLD"
    assert level(world["defective"], world["board"]) == (1, 0, 0, 1)


def test_supplier_claim_names_the_supplier_for_a_part_in_warranty(api_as: Any, world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    keeper = api_as(world["keeper"].user)
    nameless = keeper.post(f"part-returns/{found.pk}/receive", {"disposition": "supplier_claim"})
    assert nameless.status_code == 422
    assert "supplier_name" in nameless.json()["fields"]
    unknown = keeper.post(
        f"part-returns/{found.pk}/receive",
        {"disposition": "supplier_claim", "supplier_name": "华强电子", "complaint_number": "KS-NOPE"},
    )
    assert unknown.status_code == 422
    assert "complaint_number" in unknown.json()["fields"]
    assert PartReturn.objects.get().state == "outstanding"
    assert level(world["defective"], world["board"]) == (0, 0, 0, 0)
    ok = keeper.post(f"part-returns/{found.pk}/receive", {"disposition": "supplier_claim", "supplier_name": "华强电子"})
    assert ok.status_code == 200
    assert ok.json()["supplier_name"] == "华强电子"


def test_no_supplier_claim_outside_warranty(api_as: Any, world: dict[str, Any], job: Any) -> None:
    job.in_warranty = False
    job.save(update_fields=["in_warranty"])
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    response = api_as(world["keeper"].user).post(
        f"part-returns/{found.pk}/receive", {"disposition": "supplier_claim", "supplier_name": "华强电子"}
    )
    assert response.status_code == 422


def test_only_the_keeper_receives(api_as: Any, world: dict[str, Any], job: Any) -> None:
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    assert (
        api_as(world["engineer"].user).post(f"part-returns/{found.pk}/receive", {"disposition": "scrap"}).status_code
        == 403
    )
    assert (
        api_as(world["keeper"].user).post(f"part-returns/{found.pk}/receive", {"disposition": "burn"}).status_code
        == 422
    )


def test_overdue_returns_escalate_to_the_engineer_and_the_keepers(world: dict[str, Any], job: Any) -> None:
    from aftersales.clocks.sweep import clock_sweep
    from aftersales.notifications.models import Notification

    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    before = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    clock_sweep(now=found.due_at + dt.timedelta(minutes=5))
    told = set(Notification.objects.filter(id__gt=before).values_list("user__username", flat=True))
    assert {"eng1", "keeper1", "keeper2"} <= told
    assert Clock.objects.get(subject_type="parts.partreturn").escalation_level >= 1
    assert timezone.now() < found.due_at  # the sweep ran in the future; nothing else moved the return
    assert PartReturn.objects.get().state == "outstanding"
