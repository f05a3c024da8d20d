"""P1 pages: stock per store (filters, export), receipts and transfers (the keeper), the ledger,
count adjustments, the engineer's van stock on the phone, the catalogue (search, add, import with
the row-by-row report, export), list prices."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from aftersales.parts.models import Part, PriceList
from aftersales.parts.selectors import stock_level_of
from aftersales.parts.services.stock import stock_receive

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_stock_page_filters_and_exports(keeper, part_factory, store_factory):
    central, other = store_factory(code="ZK", name="总库"), store_factory(code="WX", name="维修点库")
    for code, n in (("PCB-1", 3), ("FLT-1", 0)):
        part = part_factory(code=code)
        stock_receive(actor=keeper, store=central, part=part, quantity=n or 1)
    stock_receive(actor=keeper, store=other, part=Part.objects.get(code="PCB-1"), quantity=7)
    client = _client(keeper.user)
    page = client.get("/parts/stock/", {"store": "ZK"}).content.decode()
    assert 'data-part="PCB-1"' in page
    assert 'data-store="WX"' not in page
    assert 'data-part="FLT-1"' not in client.get("/parts/stock/", {"store": "ZK", "q": "pcb"}).content.decode()
    export = client.get("/parts/stock/", {"store": "ZK", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["FLT-1", "PCB-1"]


def test_keeper_receives_and_transfers_on_the_movement_page(keeper, part_factory, store_factory):
    central, van = store_factory(code="ZK"), store_factory(code="VAN", kind="service_point")
    part = part_factory(code="PCB-1")
    client = _client(keeper.user)
    received = client.post(
        "/parts/stock/move/", {"kind": "receipt", "store": "ZK", "part": "PCB-1", "quantity": 4, "reference": "RK1"}
    )
    assert received.status_code == 302
    too_many = client.post(
        "/parts/stock/move/", {"kind": "transfer", "store": "ZK", "to_store": "VAN", "part": "PCB-1", "quantity": 5}
    )
    assert too_many.status_code == 409
    assert "可用 4" in too_many.content.decode()
    moved = client.post(
        "/parts/stock/move/", {"kind": "transfer", "store": "ZK", "to_store": "VAN", "part": "PCB-1", "quantity": 3}
    )
    assert moved.status_code == 302
    assert (stock_level_of(central, part).on_hand, stock_level_of(van, part).on_hand) == (1, 3)
    ledger = client.get("/parts/moves/", {"store": "VAN"}).content.decode()
    assert "调入" in ledger


def test_engineer_sees_the_van_on_the_phone_and_asks_a_count(staff, van, keeper, part_factory):
    part = part_factory(code="FLT-1", name="空气滤芯")
    stock_receive(actor=keeper, store=van, part=part, quantity=2)
    client = _client(staff["engineer"].user)
    page = client.get("/parts/van/").content.decode()
    assert 'data-part="FLT-1"' in page
    assert "空气滤芯" in page
    asked = client.post(
        "/parts/adjustments/",
        {"adj-store": van.code, "adj-part": "FLT-1", "adj-change": 1, "adj-reason": "已装机，系统缺货"},
    )
    assert asked.status_code == 302
    assert stock_level_of(van, part).on_hand == 2  # waits for the parts keeper


def test_catalogue_import_reports_each_bad_row_and_imports_nothing(keeper, product):
    book = Workbook()
    sheet = book.active
    sheet.append(["配件编号", "名称", "规格", "单位", "标准成本", "价格", "重要件", "适用型号"])
    sheet.append(["PCB-1", "驱动板", "24V", "块", "800", "1200", "是", "XK-714"])
    sheet.append(["", "无编号", "", "", "", "", "否", ""])
    sheet.append(["FLT-1", "滤芯", "", "", "-3", "", "也许", "NO-SUCH"])
    data = io.BytesIO()
    book.save(data)
    client = _client(keeper.user)
    data.seek(0)
    data.name = "parts.xlsx"
    response = client.post("/parts/import/", {"file": data})
    body = response.content.decode()
    assert response.status_code == 422
    assert 'id="import-errors"' in body
    assert body.count("<tr><td>3</td>") == 1
    assert body.count("<tr><td>4</td>") == 3
    assert not Part.objects.exists()
    # the good rows alone import, and their prices go to the head of after-sales as one price list
    book = Workbook()
    sheet = book.active
    sheet.append(["配件编号", "名称", "价格", "重要件", "适用型号"])
    sheet.append(["PCB-1", "驱动板", "1200", "是", "XK-714"])
    sheet.append(["FLT-1", "滤芯", "60", "否", ""])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "parts.xlsx"
    assert 'id="import-done"' in client.post("/parts/import/", {"file": data}).content.decode()
    assert Part.objects.count() == 2
    assert Part.objects.get(code="PCB-1").major
    assert PriceList.objects.get().state == "pending"
    export = client.get("/parts/", {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[0][0] == "配件编号"
    assert [r[0] for r in rows[1:]] == ["FLT-1", "PCB-1"]
