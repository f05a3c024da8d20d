"""P1 stores over the API: the four kinds (and the defective store), each with an owner; links checked."""

from __future__ import annotations

import pytest

from aftersales.parts.models import Store

pytestmark = pytest.mark.django_db


def test_stores_of_each_kind_with_owners(keeper_api, make_user):
    from aftersales.accounts.models import Region, ServicePoint
    from tests.installed_base.factories import CustomerFactory

    region = Region.objects.create(code="BJ", name="北京")
    ServicePoint.objects.create(code="SP-BJ", name="北京维修点", region=region)
    engineer = make_user("engineer", username="eng9")
    customer = CustomerFactory()
    bodies = [
        {"code": "ZK", "name": "总库", "kind": "central"},
        {"code": "BJ-1", "name": "北京维修点库", "kind": "service_point", "service_point": "SP-BJ"},
        {"code": "VAN-ENG9", "name": "随车库", "kind": "engineer", "engineer": "eng9"},
        {"code": "KH-1", "name": "客户专用库", "kind": "customer", "customer": customer.code},
    ]
    for body in bodies:
        response = keeper_api.post("stores", body)
        assert response.status_code == 201, response.json()
    van = Store.objects.get(code="VAN-ENG9")
    assert van.owner == engineer
    assert van.engineer == engineer
    assert Store.objects.get(code="ZK").owner.username == "keeper1"
    listed = keeper_api.get("stores", kind="engineer").json()["items"]
    assert [s["code"] for s in listed] == ["VAN-ENG9"]
    assert listed[0]["engineer"] == "eng9"


def test_bad_store_input_is_422_and_creates_nothing(keeper_api, make_user):
    make_user("engineer", username="eng9")
    assert keeper_api.post("stores", {"code": "A", "name": "a", "kind": "warehouse"}).status_code == 422
    assert keeper_api.post("stores", {"code": "A", "name": "a", "kind": "service_point"}).status_code == 422
    assert (
        keeper_api.post("stores", {"code": "A", "name": "a", "kind": "engineer", "engineer": "nobody"}).status_code
        == 422
    )
    assert (
        keeper_api.post("stores", {"code": "V1", "name": "a", "kind": "engineer", "engineer": "eng9"}).status_code
        == 201
    )
    second = keeper_api.post("stores", {"code": "V2", "name": "b", "kind": "engineer", "engineer": "eng9"})
    assert second.status_code == 422
    assert list(Store.objects.values_list("code", flat=True)) == ["V1"]
