"""Issue 14 P2 in real Chromium: the engineer asks the central store for parts (picked from the catalogue),
the parts keeper approves and issues them, and the engineer records what arrived: a shortfall shows as a
discrepancy on the requisition, the stock moved by what arrived only, and each hand-off told the person who
acts next."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page: Page, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username)


def test_requisition_asked_approved_issued_and_received_short(
    live_server: Any, page: Page, make_user: Any, actor_of: Any
) -> None:
    from aftersales.core.models import Event
    from aftersales.notifications.models import Notification
    from aftersales.parts.models import Part, Requisition, StockLevel, Store
    from aftersales.parts.services.stock import stock_receive

    engineer = make_user("engineer", username="eng1", display_name="张工")
    keeper_user = make_user("parts_keeper", username="keeper1", display_name="李库管")
    keeper = actor_of(keeper_user)
    central = Store.objects.create(code="CENTRAL", name="总库", kind="central", owner=keeper_user)
    van = Store.objects.create(code="VAN-ENG1", name="张工随车库", kind="engineer", engineer=engineer, owner=engineer)
    fuse = Part.objects.create(code="FUSE-10A", name="保险丝 10A", standard_cost=5)
    stock_receive(actor=keeper, store=central, part=fuse, quantity=20, reference="RK1")

    # the engineer asks for 4 fuses from the central store for the van, picking the part from the list
    _as(page, live_server, "eng1")
    page.goto(f"{live_server.url}/parts/requisitions/new/")
    page.locator("#id_from_store").select_option("CENTRAL")
    page.locator("#id_to_store").select_option("VAN-ENG1")
    page.locator("#id_reason").fill("补充随车库")
    page.locator("#id_part_1").select_option("FUSE-10A")
    page.locator("#id_quantity_1").fill("4")
    page.locator("#requisition-submit").click()
    page.wait_for_url(lambda url: "/parts/requisitions/LY" in url)
    number = Requisition.objects.get().number
    assert Notification.objects.filter(user=keeper_user, title__contains=number).exists()  # the keeper must decide

    # the keeper approves (within the keeper's limit) and issues: the parts are in transit to the van
    _as(page, live_server, "keeper1")
    page.goto(f"{live_server.url}/parts/requisitions/{number}/")
    page.locator("#submit-approve").click()
    expect(page.locator("#submit-issue")).to_be_visible()
    page.locator("#submit-issue").click()
    expect(page.locator("#submit-issue")).to_have_count(0)
    assert Requisition.objects.get().state == "issued"
    assert Notification.objects.filter(user=engineer, url__contains=number).exists()  # the engineer receives

    # the engineer records 3 arrived: the shortfall of 1 is the discrepancy, shown on the line
    _as(page, live_server, "eng1")
    page.goto(f"{live_server.url}/parts/requisitions/{number}/")
    page.locator(f'#action-receive [name="receive-received_{fuse.pk}"]').fill("3")
    page.locator('#action-receive [name="receive-note"]').fill("少到一个")
    page.locator("#submit-receive").click()
    expect(page.locator('#requisition-lines tr[data-part="FUSE-10A"] td[data-discrepancy="1"]')).to_be_visible()
    screenshot(page, "parts-requisition-received-short")

    requisition = Requisition.objects.get()
    assert requisition.state == "received"
    levels = {lv.store_id: (lv.on_hand, lv.in_transit) for lv in StockLevel.objects.filter(part=fuse)}
    assert levels == {central.pk: (16, 0), van.pk: (3, 0)}
    assert Event.objects.filter(action="requisition.discrepancy", subject_id=requisition.pk).exists()
    assert Notification.objects.filter(user=keeper_user, title__contains=number).count() >= 2  # decide + shortfall
