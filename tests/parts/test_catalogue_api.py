"""P1 catalogue over the API: create, search by number / name fragment / product, list prices
approved by the head of after-sales through the approvals engine (never by the drafter)."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.approvals.models import Approval
from aftersales.parts.models import Part, PriceList

pytestmark = pytest.mark.django_db


def _part(api: Any, **kwargs: Any) -> Any:
    body = {"code": "PCB-100", "name": "主轴驱动板", "spec": "24V", "uom": "块", "cost": "800.00", "major": True}
    body.update(kwargs)
    return api.post("parts", body)


def test_create_and_search_by_number_name_and_product(keeper_api, product):
    created = _part(keeper_api, products=[product.model])
    assert created.status_code == 201, created.json()
    assert created.json()["products"] == ["XK-714"]
    assert created.json()["price"] is None
    _part(keeper_api, code="FLT-2", name="空气滤芯", major=False)
    assert [p["code"] for p in keeper_api.get("parts", q="pcb").json()["items"]] == ["PCB-100"]
    assert [p["code"] for p in keeper_api.get("parts", q="滤芯").json()["items"]] == ["FLT-2"]
    assert [p["code"] for p in keeper_api.get("parts", product="XK-714").json()["items"]] == ["PCB-100"]


def test_bad_part_input_is_422_and_creates_nothing(keeper_api, product):
    assert _part(keeper_api, products=["NO-SUCH"]).status_code == 422
    assert _part(keeper_api, cost="-1").status_code == 422
    assert _part(keeper_api).status_code == 201
    duplicate = _part(keeper_api, name="别的")
    assert duplicate.status_code == 422
    assert "code" in duplicate.json()["fields"]
    assert Part.objects.count() == 1


def test_engineer_cannot_add_parts(api_as):
    assert api_as("engineer").post("parts", {"code": "X1", "name": "x"}).status_code == 403


def test_list_price_is_approved_by_the_head_of_after_sales_not_the_drafter(keeper_api, api_as, make_user):
    # given a part created with a price by the parts keeper
    assert _part(keeper_api, price="1200.00").status_code == 201
    price_list = PriceList.objects.get()
    assert price_list.state == "pending"
    approval = Approval.objects.get(kind="part_price_list")
    assert approval.state == "pending"
    # when the keeper tries to approve it: not theirs to decide
    assert keeper_api.post(f"price-lists/{price_list.version}/approve", {}).status_code == 403
    assert Part.objects.get().list_price is None
    # then the head of after-sales approves it and the part has its list price
    head = api_as(make_user("cs_manager", username="head1"))
    decided = head.post(f"price-lists/{price_list.version}/approve", {})
    assert decided.status_code == 200, decided.json()
    assert decided.json()["state"] == "approved"
    assert keeper_api.get("parts/PCB-100").json()["price"] == "1200.00"
    # a new version changes the price once approved
    new = keeper_api.post("price-lists", {"lines": [{"part": "PCB-100", "price": "1300"}], "note": "调价"})
    assert new.status_code == 201
    assert head.post(f"price-lists/{new.json()['version']}/approve", {}).status_code == 200
    assert keeper_api.get("parts/PCB-100").json()["price"] == "1300.00"
