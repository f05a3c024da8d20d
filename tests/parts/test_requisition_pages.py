"""P2 pages: the form (parts from the catalogue), the list (filters, Excel), the page's actions through the
services (approve, issue, receive with a shortfall), the PDF of the form; P4/P5 pages and the home queues."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.test import Client

from aftersales.parts.models import PartReturn, Requisition
from tests.parts.flow_fixtures import *  # noqa: F403 — fixtures

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_form_list_actions_and_pdf(world: dict[str, Any]) -> None:
    engineer = login(world["engineer"].user)
    form = engineer.get("/parts/requisitions/new/")
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="FUSE"' in html  # the issuing store's available parts are offered
    bad = engineer.post(
        "/parts/requisitions/new/",
        {"from_store": "CENTRAL", "to_store": "VAN-ENG1", "reason": "备件", "part_1": "FUSE", "quantity_1": ""},
    )
    assert bad.status_code == 422
    assert not Requisition.objects.exists()
    created = engineer.post(
        "/parts/requisitions/new/",
        {"from_store": "CENTRAL", "to_store": "VAN-ENG1", "reason": "备件", "part_1": "FUSE", "quantity_1": "3"},
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    found = Requisition.objects.get()
    keeper = login(world["keeper"].user)
    listed = keeper.get("/parts/requisitions/", {"state": "requested"})
    assert found.number in listed.content.decode()
    export = keeper.get("/parts/requisitions/", {"export": "xlsx"})
    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(b"".join(export.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][0] == found.number
    url = f"/parts/requisitions/{found.number}/"
    assert keeper.post(url, {"action": "approve", "approve-version": "1"}).status_code == 302
    assert keeper.post(url, {"action": "issue", "issue-version": "2"}).status_code == 302
    fuse = world["fuse"]
    received = engineer.post(url, {"action": "receive", "receive-version": "3", f"receive-received_{fuse.pk}": "2"})
    assert received.status_code == 302
    page = keeper.get(url).content.decode()
    assert 'data-discrepancy="1"' in page
    pdf = keeper.get(f"/parts/requisitions/{found.number}/form.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert login(world["engineer2"].user).get(url).status_code == 404


def test_a_stale_page_gets_the_conflict(world: dict[str, Any]) -> None:
    from aftersales.parts.flow.services.requisitions import requisition_create

    found = requisition_create(
        actor=world["engineer"],
        from_store="CENTRAL",
        to_store="VAN-ENG1",
        reason="备件",
        lines=[{"part": "FUSE", "quantity": 1}],
    )
    keeper = login(world["keeper"].user)
    url = f"/parts/requisitions/{found.number}/"
    keeper.post(url, {"action": "approve", "approve-version": "1"})
    stale = keeper.post(url, {"action": "issue", "issue-version": "1"})
    assert stale.status_code == 409
    assert Requisition.objects.get().state == "approved"


def test_old_parts_page_and_the_keeper_queue(world: dict[str, Any], new_request: Any, staff: Any) -> None:
    from aftersales.parts.flow.services.part_returns import part_consumed
    from aftersales.web.queues import home_queues

    request = new_request()
    part_consumed(
        actor=world["engineer"],
        part=world["board"],
        quantity=1,
        engineer=world["engineer"].user,
        service_request=request,
    )
    found = PartReturn.objects.get()
    keeper = login(world["keeper"].user)
    page = keeper.get("/parts/old-parts/")
    assert f'data-return="{found.pk}"' in page.content.decode()
    queues = {q.key: q.count for q in home_queues(world["keeper"])}
    assert queues["old_parts_to_receive"] == 1
    assert {q.key: q.count for q in home_queues(world["engineer"])}["old_parts_to_return"] == 1
    done = keeper.post(
        "/parts/old-parts/",
        {"part_return": found.pk, "version": found.version, "disposition": "repair", "store": "DEFECT"},
    )
    assert done.status_code == 302
    assert PartReturn.objects.get().state == "received"


def test_demand_plan_page_to_purchase_request(world: dict[str, Any]) -> None:
    from aftersales.parts.flow.services.demand import stock_plan_set

    stock_plan_set(actor=world["keeper"], store="CENTRAL", part="FUSE", safety_stock=30, reorder_point=0)
    keeper = login(world["keeper"].user)
    page = keeper.get("/parts/demand-plan/", {"store": "CENTRAL"})
    assert 'data-suggested="10"' in page.content.decode()
    created = keeper.post("/parts/demand-plan/", {"store": "CENTRAL", "note": "安全库存"})
    assert created.status_code == 302
    head = login(world["head"].user)
    detail = head.get(created["Location"])
    assert 'id="action-approve"' in detail.content.decode()
