"""P1 stock over the API: receipts, the stock list, transfers, count adjustments; unknown part or
store 422, quantity ≤ 0 422, more than available 409 insufficient_stock with available; every
refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.parts.models import StockMove

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(keeper_api: Any, part_factory: Any, store_factory: Any) -> Any:
    central, van = store_factory(code="ZK"), store_factory(code="VAN1", kind="service_point")
    part_factory(code="PCB-1")
    part_factory(code="FLT-1")
    response = keeper_api.post(
        "stock/receipts",
        {
            "store": "ZK",
            "reference": "RK-001",
            "lines": [{"part": "PCB-1", "quantity": 5, "unit_cost": "800"}, {"part": "FLT-1", "quantity": 20}],
        },
    )
    assert response.status_code == 201, response.json()
    return central, van


def test_receipt_and_stock_list(keeper_api, stocked):
    items = keeper_api.get("stock", store="ZK").json()["items"]
    assert items == [
        {"store": "ZK", "part": "FLT-1", "on_hand": 20, "reserved": 0, "in_transit": 0, "available": 20},
        {"store": "ZK", "part": "PCB-1", "on_hand": 5, "reserved": 0, "in_transit": 0, "available": 5},
    ]
    assert keeper_api.get("stock", part="PCB-1").json()["count"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"store": "NOPE", "lines": [{"part": "PCB-1", "quantity": 1}]},
        {"store": "ZK", "lines": [{"part": "PCB-1", "quantity": 1}, {"part": "NOPE", "quantity": 1}]},
        {"store": "ZK", "lines": [{"part": "PCB-1", "quantity": 0}]},
        {"store": "ZK", "lines": [{"part": "PCB-1", "quantity": -3}]},
        {"store": "ZK", "lines": []},
    ],
)
def test_bad_receipts_are_422_and_change_nothing(keeper_api, stocked, body):
    before = StockMove.objects.count()
    assert keeper_api.post("stock/receipts", body).status_code == 422
    assert StockMove.objects.count() == before
    assert keeper_api.get("stock", store="ZK", part="PCB-1").json()["items"][0]["on_hand"] == 5


def test_transfer_more_than_available_is_409_with_available(keeper_api, stocked):
    body = {"from_store": "ZK", "to_store": "VAN1", "part": "PCB-1", "quantity": 6}
    refused = keeper_api.post("stock/transfers", body)
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert refused.json()["available"] == 5
    assert keeper_api.get("stock", store="VAN1").json()["count"] == 0 or all(
        i["on_hand"] == 0 for i in keeper_api.get("stock", store="VAN1").json()["items"]
    )
    assert keeper_api.post("stock/transfers", {**body, "quantity": 2}).status_code == 201
    assert keeper_api.get("stock", store="VAN1", part="PCB-1").json()["items"][0]["on_hand"] == 2
    assert keeper_api.get("stock", store="ZK", part="PCB-1").json()["items"][0]["on_hand"] == 3


def test_engineer_adjustment_waits_for_the_parts_keeper(keeper_api, api_as, stocked):
    engineer = api_as("engineer")
    asked = engineer.post(
        "stock/adjustments", {"store": "ZK", "part": "PCB-1", "change": 1, "reason": "已装机, 系统缺货"}
    )
    assert asked.status_code == 201, asked.json()
    assert asked.json()["state"] == "pending"
    assert keeper_api.get("stock", store="ZK", part="PCB-1").json()["items"][0]["on_hand"] == 5
    number = asked.json()["number"]
    approved = keeper_api.post(f"stock/adjustments/{number}/approve", {})
    assert approved.status_code == 200, approved.json()
    assert approved.json()["state"] == "posted"
    assert approved.json()["move"].startswith("KC")
    assert keeper_api.get("stock", store="ZK", part="PCB-1").json()["items"][0]["on_hand"] == 6


def test_adjustment_below_zero_is_refused(keeper_api, stocked):
    refused = keeper_api.post("stock/adjustments", {"store": "ZK", "part": "PCB-1", "change": -6, "reason": "盘亏"})
    assert refused.status_code == 409
    assert refused.json()["available"] == 5
    assert keeper_api.get("stock", store="ZK", part="PCB-1").json()["items"][0]["on_hand"] == 5
