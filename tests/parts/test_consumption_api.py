"""P3 with the catalogue: POST /service-requests/{number}/parts takes a catalogue part from the
engineer's van stock (or the named store), priced from the list price for paid work and free in
warranty; more than available is 409 insufficient_stock and changes nothing; the old body records
a part outside the catalogue with no stock move; major parts carry serial numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from aftersales.parts.models import StockMove
from aftersales.parts.selectors import stock_level_of
from aftersales.parts.services.stock import stock_receive
from aftersales.service import services
from aftersales.service.models import PartUsed, ServiceRequest

pytestmark = pytest.mark.django_db


def _on_site(staff: dict[str, Any], request: ServiceRequest) -> ServiceRequest:
    services.service_request_dispatch(actor=staff["team_lead"], number=request.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=request.number)
    return ServiceRequest.objects.get(pk=request.pk)


@pytest.fixture
def engineer_api(api_as: Any, staff: dict[str, Any]) -> Any:
    return api_as(staff["engineer"].user)


def test_in_warranty_part_comes_from_the_van_free(staff, new_request, van, keeper, priced_part, engineer_api):
    part = priced_part(code="FLT-1", name="空气滤芯", price="60.00")
    stock_receive(actor=keeper, store=van, part=part, quantity=3)
    sr = _on_site(staff, new_request())
    response = engineer_api.post(f"service-requests/{sr.number}/parts", {"part": "FLT-1", "quantity": 2})
    assert response.status_code == 200, response.json()
    line = response.json()["parts"][-1]
    assert (line["part_code"], line["quantity"], line["unit_price"], line["store"]) == ("FLT-1", 2, "0.00", "VAN-ENG1")
    assert line["uncatalogued"] is False
    assert line["move"].startswith("KC")
    assert stock_level_of(van, part).on_hand == 1
    assert StockMove.objects.get(number=line["move"]).reference == sr.number


def test_paid_work_is_priced_from_the_list_price_into_the_quotation(
    staff, new_request, old_unit, van, keeper, priced_part, fee_drafter, engineer_api
):
    from aftersales.service.services.quotes import fee_standard_approve, fee_standard_create, quote_offer

    standard = fee_standard_create(actor=fee_drafter, labour_rate=Decimal("200"), callout_fee=Decimal("0"))
    fee_standard_approve(actor=staff["cs_manager"], version=standard.version)
    part = priced_part(code="BRG-6205", name="主轴轴承", price="85.50")
    stock_receive(actor=keeper, store=van, part=part, quantity=5)
    sr = _on_site(staff, new_request(serial=old_unit.serial))
    response = engineer_api.post(f"service-requests/{sr.number}/parts", {"part": "BRG-6205", "quantity": 2})
    assert response.status_code == 200, response.json()
    assert response.json()["parts"][-1]["unit_price"] == "85.50"
    quote = quote_offer(
        actor=staff["engineer"], number=sr.number, labour_hours=Decimal("1"), lines=[], recorded_parts=True
    )
    assert quote.parts_amount == Decimal("171.00")


def test_more_than_available_is_409_and_changes_nothing(staff, new_request, van, keeper, priced_part, engineer_api):
    part = priced_part(code="PCB-1", name="驱动板")
    stock_receive(actor=keeper, store=van, part=part, quantity=1)
    sr = _on_site(staff, new_request())
    refused = engineer_api.post(f"service-requests/{sr.number}/parts", {"part": "PCB-1", "quantity": 2})
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert refused.json()["available"] == 1
    assert not PartUsed.objects.filter(request=sr).exists()
    assert stock_level_of(van, part).on_hand == 1
    assert ServiceRequest.objects.get(pk=sr.pk).version == sr.version


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"part": "NOPE", "quantity": 1}, "part"),
        ({"part": "FLT-1", "quantity": 1, "store": "NOPE"}, "store"),
        ({"part": "FLT-1", "quantity": 0}, "quantity"),
        ({"part": "FLT-1", "quantity": -1}, "quantity"),
        ({"quantity": 1}, "body"),
    ],
)
def test_bad_consumption_is_422_and_changes_nothing(
    staff, new_request, van, keeper, priced_part, engineer_api, body, field
):
    part = priced_part(code="FLT-1", name="空气滤芯")
    stock_receive(actor=keeper, store=van, part=part, quantity=3)
    sr = _on_site(staff, new_request())
    moves = StockMove.objects.count()
    response = engineer_api.post(f"service-requests/{sr.number}/parts", body)
    assert response.status_code == 422, response.json()
    assert field in response.json()["fields"]
    assert StockMove.objects.count() == moves
    assert not PartUsed.objects.filter(request=sr).exists()


def test_named_store_and_no_van(staff, new_request, store_factory, keeper, priced_part, api_as):
    central = store_factory(code="ZK")
    part = priced_part(code="FLT-1", name="空气滤芯")
    stock_receive(actor=keeper, store=central, part=part, quantity=3)
    sr = _on_site(staff, new_request())
    client = api_as(staff["engineer"].user)
    no_van = client.post(f"service-requests/{sr.number}/parts", {"part": "FLT-1", "quantity": 1})
    assert no_van.status_code == 422
    assert "store" in no_van.json()["fields"]
    taken = client.post(f"service-requests/{sr.number}/parts", {"part": "FLT-1", "quantity": 1, "store": "ZK"})
    assert taken.status_code == 200
    assert taken.json()["parts"][-1]["store"] == "ZK"
    assert stock_level_of(central, part).on_hand == 2


def test_major_part_needs_its_serial_and_the_unit_history_shows_it(
    staff, new_request, unit, van, keeper, priced_part, engineer_api
):
    board = priced_part(code="PCB-MAIN", name="主控板", major=True)
    stock_receive(actor=keeper, store=van, part=board, quantity=2)
    sr = _on_site(staff, new_request())
    missing = engineer_api.post(f"service-requests/{sr.number}/parts", {"part": "PCB-MAIN", "quantity": 1})
    assert missing.status_code == 422
    assert "serial" in missing.json()["fields"]
    fitted = engineer_api.post(
        f"service-requests/{sr.number}/parts",
        {"part": "PCB-MAIN", "quantity": 1, "serial": "sn-new-1", "old_serial": "SN-OLD-9"},
    )
    assert fitted.status_code == 200, fitted.json()
    line = fitted.json()["parts"][-1]
    assert (line["serial"], line["old_serial"], line["return_required"]) == ("SN-NEW-1", "SN-OLD-9", True)
    history = list(services.unit_part_history(unit))
    assert [(p.part_code, p.serial, p.old_serial) for p in history] == [("PCB-MAIN", "SN-NEW-1", "SN-OLD-9")]


def test_old_body_records_an_uncatalogued_part_without_stock(staff, new_request, engineer_api):
    sr = _on_site(staff, new_request())
    moves = StockMove.objects.count()
    response = engineer_api.post(
        f"service-requests/{sr.number}/parts",
        {"part_code": "x-1", "part_name": "外购密封圈", "quantity": 1, "unit_price": "12.00"},
    )
    assert response.status_code == 200, response.json()
    line = response.json()["parts"][-1]
    assert (line["part_code"], line["uncatalogued"], line["store"], line["unit_price"]) == ("X-1", True, None, "12.00")
    assert StockMove.objects.count() == moves


def test_engineer_page_picks_from_the_van_and_consumes(staff, new_request, van, keeper, priced_part):
    from django.test import Client

    part = priced_part(code="FLT-1", name="空气滤芯")
    stock_receive(actor=keeper, store=van, part=part, quantity=3)
    sr = _on_site(staff, new_request())
    client = Client()
    client.force_login(staff["engineer"].user)
    page = client.get(f"/service/engineer/{sr.number}/")
    assert page.status_code == 200
    assert 'value="FLT-1"' in page.content.decode()  # offered from the van stock, not typed
    posted = client.post(
        f"/service/engineer/{sr.number}/",
        {"action": "part", "part-version": sr.version, "part-part": "FLT-1", "part-quantity": 2},
    )
    assert posted.status_code == 302, posted.content.decode()[:2000]
    assert stock_level_of(van, part).on_hand == 1
    options = client.get("/parts/options/", {"part-part_search": "滤芯"})
    assert 'value="FLT-1"' in options.content.decode()
