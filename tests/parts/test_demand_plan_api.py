"""P5 over the ledger: the demand plan of a store from consumption, open requisitions, levels and stock
plans; approved by the head of after-sales into a purchase request for logistics (PDF, Excel); reorder
alerts when available falls under the reorder point."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aftersales.notifications.models import Notification
from aftersales.parts.models import PurchaseRequest, ReorderAlert, StockMove
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(world: dict[str, Any]) -> dict[str, Any]:
    """12 fuses used from the central store in the last months, 5 more 8 months ago (outside the 6)."""
    from aftersales.parts.services.stock import stock_consume

    keeper, central, fuse = world["keeper"], world["central"], world["fuse"]
    for _ in range(3):
        stock_consume(actor=keeper, store=central, part=fuse, quantity=4, reference="FW1")
    old = stock_consume(actor=keeper, store=central, part=fuse, quantity=5, reference="FW0")
    # the ledger is append-only: back-date the old row the way a migration of history would
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockMove._meta.db_table} SET occurred_at = %s WHERE id = %s",  # noqa: S608 — our table
            [old.occurred_at - dt.timedelta(days=240), old.pk],
        )
    from aftersales.parts.services.stock import consumption_rebuild

    consumption_rebuild()  # … and rebuild the monthly consumption summary from the ledger, as it would
    return world


def items(api: Any, **params: Any) -> dict[str, Any]:
    response = api.get("demand-plan", **params)
    assert response.status_code == 200, response.content
    return {item["part"]: item for item in response.json()["items"]}


def test_plan_items_from_the_ledger(api_as: Any, history: dict[str, Any]) -> None:
    plan = items(api_as(history["keeper"].user), store="CENTRAL")
    fuse = plan["FUSE"]
    # on hand 20 − 12 − 5 = 3; 12 used in 6 months → 2 a month × 3 months = 6; 6 − 3 = 3
    assert {
        k: fuse[k]
        for k in ("store", "consumed", "waiting", "on_hand", "in_transit", "safety_stock", "reorder_point", "suggested")
    } == {
        "store": "CENTRAL",
        "consumed": 12,
        "waiting": 0,
        "on_hand": 3,
        "in_transit": 0,
        "safety_stock": 0,
        "reorder_point": 0,
        "suggested": 3,
    }
    assert plan["BOARD"]["suggested"] == 0
    longer = items(api_as(history["keeper"].user), store="CENTRAL", months=12)["FUSE"]
    assert longer["consumed"] == 17  # 17/12 × 3 = 4.25 → 5; 5 − 3 = 2
    assert longer["suggested"] == 2


def test_waiting_requisitions_and_stock_plans_count(api_as: Any, history: dict[str, Any]) -> None:
    keeper = api_as(history["keeper"].user)
    assert (
        keeper.post(
            "stock-plans", {"store": "CENTRAL", "part": "FUSE", "safety_stock": 4, "reorder_point": 5}
        ).status_code
        == 200
    )
    api_as(history["engineer"].user).post(
        "requisitions",
        {"from_store": "CENTRAL", "to_store": "VAN-ENG1", "reason": "备件", "lines": [{"part": "FUSE", "quantity": 2}]},
    )
    fuse = items(keeper, store="CENTRAL")["FUSE"]
    assert (fuse["waiting"], fuse["safety_stock"], fuse["reorder_point"]) == (2, 4, 5)
    assert fuse["suggested"] == 6 + 2 + 4 - 3


def test_unknown_store_and_bad_months_are_422(api_as: Any, world: dict[str, Any]) -> None:
    keeper = api_as(world["keeper"].user)
    assert keeper.get("demand-plan", store="NOPE").status_code == 422
    assert keeper.get("demand-plan", store="CENTRAL", months=0).status_code == 422
    assert api_as(world["engineer"].user).get("demand-plan", store="CENTRAL").status_code == 403


def test_approved_by_the_head_into_a_purchase_request_for_logistics(
    api_as: Any, history: dict[str, Any], make_user: Any
) -> None:
    warehouse = make_user("warehouse", username="wh1")
    keeper, head = api_as(history["keeper"].user), api_as(history["head"].user)
    created = keeper.post("purchase-requests", {"store": "CENTRAL", "note": "月度计划"})
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["number"].startswith("CG")
    assert data["state"] == "pending"
    assert [(line["part"]["code"], line["quantity"], line["suggested"]) for line in data["lines"]] == [("FUSE", 3, 3)]
    assert keeper.post(f"purchase-requests/{data['number']}/approve", {}).status_code == 403  # the head decides
    approved = head.post(f"purchase-requests/{data['number']}/approve", {"note": "同意采购"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved"
    assert Notification.objects.filter(user=warehouse, title__contains=data["number"]).exists()
    buyer = api_as(warehouse)
    assert buyer.get(f"purchase-requests/{data['number']}").status_code == 200


def test_nothing_to_buy_is_refused(api_as: Any, world: dict[str, Any]) -> None:
    response = api_as(world["keeper"].user).post("purchase-requests", {"store": "CENTRAL"})
    assert response.status_code == 422
    assert not PurchaseRequest.objects.exists()


def test_reorder_alert_once_when_available_falls_under_the_point(api_as: Any, world: dict[str, Any]) -> None:
    keeper = api_as(world["keeper"].user)
    keeper.post("stock-plans", {"store": "CENTRAL", "part": "FUSE", "safety_stock": 0, "reorder_point": 18})
    assert not ReorderAlert.objects.exists()
    engineer = api_as(world["engineer"].user)
    for _ in range(2):
        number = engineer.post(
            "requisitions",
            {
                "from_store": "CENTRAL",
                "to_store": "VAN-ENG1",
                "reason": "备件",
                "lines": [{"part": "FUSE", "quantity": 2}],
            },
        ).json()["number"]
        api_as(world["keeper2"].user).post(f"requisitions/{number}/approve", {})
    alerts = list(ReorderAlert.objects.filter(open=True))
    assert len(alerts) == 1
    assert (alerts[0].available, alerts[0].reorder_point) == (16, 18)
    told = Notification.objects.filter(
        user=world["keeper"].user, title__contains="CENTRAL"
    ) | Notification.objects.filter(user=world["keeper"].user, title__contains="总库")
    assert told.count() == 1  # notified once, not on every move
    keeper.post("stock-plans", {"store": "CENTRAL", "part": "FUSE", "safety_stock": 0, "reorder_point": 10})
    assert not ReorderAlert.objects.filter(open=True).exists()


def test_purchase_request_pdf_and_excel(client: Any, history: dict[str, Any]) -> None:
    from aftersales.parts.flow.services.demand import purchase_request_create

    found = purchase_request_create(actor=history["keeper"], store="CENTRAL")
    client.force_login(history["head"].user)
    pdf = client.get(f"/parts/purchase-requests/{found.number}/request.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    xlsx = client.get(f"/parts/purchase-requests/{found.number}/?export=xlsx")
    assert xlsx.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "FUSE"
    assert rows[1][4] == 3


def test_the_answer_is_what_the_schema_gives(api_as: Any, history: dict[str, Any]) -> None:
    """The plan is written as plain JSON (20,000 items through the schema took seconds): it must be exactly
    DemandPlanOut validated from the same plan items."""
    from aftersales.parts.flow.planning_selectors import demand_plan, plan_terms
    from aftersales.parts.flow.schemas import DemandPlanOut

    response = api_as(history["keeper"].user).get("demand-plan", store="CENTRAL", months=12)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    terms = plan_terms(12)[0]
    plan = demand_plan(history["central"], months=12)
    expected = DemandPlanOut.model_validate(
        {
            "store": "CENTRAL",
            "months": 12,
            "lead_time_months": terms.lead_time_months,
            "cover_months": terms.cover_months,
            "count": len(plan),
            "items": plan,
        }
    ).model_dump(mode="json")
    assert len(expected["items"]) == 2
    assert response.json() == expected
