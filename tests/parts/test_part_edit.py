"""P1/P4: a part is edited on the catalogue page and over PATCH /api/v1/parts/{code} (never its number; a
stale edit is refused and changes nothing); the part's supplier is what an old part in warranty is claimed
from (supplier_claim takes it when the keeper names none, K12)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import Workbook, load_workbook

from aftersales.core.models import Event
from aftersales.parts.models import Part, PartReturn
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures
from tests.parts.test_part_returns_flow import consume, job  # noqa: F401 — the job fixture

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_keeper_edits_a_part_on_the_catalogue_page(keeper, part_factory, product):
    part_factory(code="PCB-7", name="驱动板")
    client = _client(keeper.user)
    catalogue = client.get("/parts/").content.decode()
    assert 'href="/parts/PCB-7/edit/"' in catalogue
    page = client.get("/parts/PCB-7/edit/")
    assert page.status_code == 200
    assert 'id="part-edit-form"' in page.content.decode()
    saved = client.post(
        "/parts/PCB-7/edit/",
        {
            "name": "主轴驱动板",
            "spec": "48V",
            "uom": "块",
            "standard_cost": "820.00",
            "major": "on",
            "supplier": "华强电子",
            "products": product.model,
            "active": "on",
            "version": "1",
        },
    )
    assert saved.status_code == 302
    part = Part.objects.get(code="PCB-7")
    assert (part.name, part.spec, part.uom, str(part.standard_cost), part.major, part.supplier, part.version) == (
        "主轴驱动板",
        "48V",
        "块",
        "820.00",
        True,
        "华强电子",
        2,
    )
    assert [p.model for p in part.products.all()] == [product.model]
    assert Event.objects.filter(action="part.changed").count() == 1
    # a second form still showing version 1 is refused and changes nothing
    stale = client.post(
        "/parts/PCB-7/edit/",
        {"name": "别的名字", "uom": "块", "standard_cost": "1", "version": "1", "active": "on"},
    )
    assert stale.status_code == 409
    assert Part.objects.get(code="PCB-7").name == "主轴驱动板"


def test_engineer_cannot_edit_parts_and_unknown_part_is_404(staff, keeper, part_factory):
    part_factory(code="PCB-7", name="驱动板")
    assert _client(staff["engineer"].user).get("/parts/PCB-7/edit/").status_code == 403
    assert _client(keeper.user).get("/parts/NOPE/edit/").status_code == 404


def test_patch_changes_the_part_and_refuses_bad_input(keeper_api, api_as, part_factory):
    part_factory(code="PCB-7", name="驱动板")
    changed = keeper_api.patch("parts/PCB-7", {"supplier": "华强电子", "cost": "12.50", "version": 1})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["supplier"] == "华强电子"
    assert changed.json()["cost"] == "12.50"
    assert changed.json()["version"] == 2
    assert keeper_api.patch("parts/PCB-7", {"name": "x", "version": 1}).status_code == 409
    assert keeper_api.patch("parts/PCB-7", {"code": "NEW"}).status_code == 422
    assert keeper_api.patch("parts/PCB-7", {"cost": "-1"}).status_code == 422
    assert keeper_api.patch("parts/NOPE", {"name": "x"}).status_code == 404
    assert api_as("engineer").patch("parts/PCB-7", {"name": "x"}).status_code == 403
    part = Part.objects.get(code="PCB-7")
    assert (part.name, part.version) == ("驱动板", 2)


def test_supplier_is_created_imported_and_exported(keeper_api, keeper):
    created = keeper_api.post("parts", {"code": "PCB-9", "name": "驱动板", "supplier": "华强电子"})
    assert created.status_code == 201
    assert created.json()["supplier"] == "华强电子"
    book = Workbook()
    sheet = book.active
    sheet.append(["配件编号", "名称", "供应商"])
    sheet.append(["FLT-1", "滤芯", "曼胡默尔"])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    data.name = "parts.xlsx"
    client = _client(keeper.user)
    assert 'id="import-done"' in client.post("/parts/import/", {"file": data}).content.decode()
    assert Part.objects.get(code="FLT-1").supplier == "曼胡默尔"
    exported = load_workbook(io.BytesIO(b"".join(client.get("/parts/?export=xlsx").streaming_content))).active
    rows = [[c.value for c in row] for row in exported.iter_rows()]
    header = next(r for r in rows if "供应商" in r)
    column = header.index("供应商")
    assert {r[0]: r[column] for r in rows if r[0] in {"PCB-9", "FLT-1"}} == {"PCB-9": "华强电子", "FLT-1": "曼胡默尔"}


def test_supplier_claim_takes_the_catalogue_supplier(api_as: Any, world: dict[str, Any], job: Any) -> None:  # noqa: F811 — the fixture
    board = world["board"]
    board.supplier = "华强电子"
    board.save(update_fields=["supplier"])
    consume(world, job, "board", serial="SN-1")
    found = PartReturn.objects.get()
    ok = api_as(world["keeper"].user).post(f"part-returns/{found.pk}/receive", {"disposition": "supplier_claim"})
    assert ok.status_code == 200, ok.json()
    assert ok.json()["supplier_name"] == "华强电子"


def _sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200, response.status_code
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return [[c.value for c in row] for row in load_workbook(io.BytesIO(data)).active.iter_rows()]


def test_adjustments_price_lists_and_the_van_export_to_excel(keeper, staff, part_factory, store_factory):
    from aftersales.parts.services import catalogue, counts
    from aftersales.parts.services.stock import stock_receive

    part = part_factory(code="PCB-7", name="驱动板")
    engineer = staff["engineer"]
    van = store_factory(code="VAN-1", name="随车库", kind="engineer", owner=engineer.user, engineer=engineer.user)
    stock_receive(actor=keeper, store=van, part=part, quantity=3)
    counts.adjustment_ask(actor=keeper, store=van, part=part, change=1, reason="盘盈")
    catalogue.price_list_create(actor=keeper, lines=[(part, "99.00")], note="新价")
    keeper_client = _client(keeper.user)
    adjustments = _sheet(keeper_client.get("/parts/adjustments/?export=xlsx"))
    assert any(row[4] == "PCB-7" and row[6] == 1 and row[7] == "盘盈" for row in adjustments)
    prices = _sheet(keeper_client.get("/parts/prices/?export=xlsx"))
    assert any(row[0] == "v1" and row[2] == "PCB-7" and str(row[4]) in {"99", "99.00"} for row in prices)
    van_rows = _sheet(_client(engineer.user).get("/parts/van/?export=xlsx"))
    assert any(row[0] == "PCB-7" and row[3] == 4 for row in van_rows)
