"""Returns API end to end: bodies, typed errors, the three copies, portal visibility (R1–R4, K7)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from aftersales.core.models import Event
from aftersales.returns.models import ReturnRequest
from tests.returns.conftest import days_ago

pytestmark = pytest.mark.django_db


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def body(customer: Any, **kwargs: Any) -> dict[str, Any]:
    values = {
        "customer": customer.pk,
        "kind": "exchange",
        "condition": "wrong_model_unopened",
        "model": "XK-100",
        "wanted_model": "XK-200",
        "order_number": "SO-1",
        "ship_date": days_ago(2).isoformat(),
        "quantity": 4,
        "unit_price": "250.00",
        "reason": "规格不符",
        "unopened": True,
        "internal_note": "客户是重点客户",
    }
    values.update(kwargs)
    return values


def test_create_answers_the_whole_return(api_as: Any, customer: Any) -> None:
    response = api_as("sales").post("returns", body(customer))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["state"] == "requested"
    assert data["value"] == "1000.00"
    assert data["number"].startswith("TH")
    assert data["internal_note"] == "客户是重点客户"
    assert [(c["holder"], c["role"], c["acted"]) for c in data["copies"]] == [
        ("warehouse", "warehouse", False),
        ("finance", "finance", False),
        ("sales", "sales", True),
    ]


def test_r1_refusal_is_a_typed_422(api_as: Any, customer: Any) -> None:
    response = api_as("sales").post("returns", body(customer, unopened=False, ship_date=days_ago(60).isoformat()))
    assert response.status_code == 422
    data = response.json()
    assert data["code"] == "return_not_allowed"
    assert set(data["fields"]) == {"unopened", "ship_date"}
    assert data["fields"]["unopened"] == [zh("R1: only unopened goods are taken back for another model.")]
    assert ReturnRequest.objects.count() == 0


def test_strict_input(api_as: Any, customer: Any) -> None:
    client = api_as("sales")
    assert client.post("returns", body(customer, unit_price=250)).status_code == 422
    assert client.post("returns", body(customer, kind="swap")).status_code == 422
    assert client.post("returns", body(customer, extra="x")).status_code == 422


def test_full_flow_with_roles_and_versions(api_as: Any, customer: Any, make_user: Any) -> None:
    number = api_as("sales").post("returns", body(customer, unit_price="200.00")).json()["number"]  # 800
    assert api_as("warehouse").post(f"returns/{number}/approve", {"disposition": "restock"}).status_code == 403
    assert api_as("vp").post(f"returns/{number}/receive", {"quantity": 4}).status_code == 403
    manager = api_as("sales_manager")
    stale = manager.post(f"returns/{number}/approve", {"disposition": "restock", "version": 7})
    assert (stale.status_code, stale.json()["code"]) == (409, "version_conflict")
    approved = manager.post(
        f"returns/{number}/approve", {"disposition": "restock", "approved_quantity": 3, "version": 1}
    )
    assert approved.status_code == 200, approved.content
    assert (approved.json()["state"], approved.json()["approved_quantity"], approved.json()["version"]) == (
        "approved",
        3,
        2,
    )
    again = manager.post(f"returns/{number}/approve", {"disposition": "restock"})
    assert (again.status_code, again.json()["code"]) == (409, "invalid_transition")
    warehouse, finance = api_as("warehouse"), api_as("finance")
    assert warehouse.post(f"returns/{number}/receive", {"quantity": 4}).status_code == 200
    mismatch = finance.post(f"returns/{number}/book", {})
    assert (mismatch.status_code, mismatch.json()["code"]) == (409, "quantity_mismatch")
    assert "4" in mismatch.json()["message"]
    assert "3" in mismatch.json()["message"]
    assert warehouse.post(f"returns/{number}/receive", {"quantity": 3}).status_code == 200
    booked = finance.post(f"returns/{number}/book", {"version": 4})
    assert booked.status_code == 200, booked.content
    copies = {c["holder"]: c for c in booked.json()["copies"]}
    assert copies["warehouse"]["acted"]
    assert copies["finance"]["acted"]
    assert copies["finance"]["by"]["username"].startswith("finance")
    assert warehouse.post(f"returns/{number}/reissue", {}).json()["state"] == "reissued"


def test_k7_limit_through_the_api(api_as: Any, customer: Any) -> None:
    number = api_as("sales").post("returns", body(customer, quantity=1, unit_price="5000.01")).json()["number"]
    refused = api_as("vp").post(f"returns/{number}/approve", {"disposition": "restock"})
    assert (refused.status_code, refused.json()["code"]) == (403, "beyond_authority")
    assert "总经理" in refused.json()["message"]
    assert api_as("gm").post(f"returns/{number}/refuse", {"note": "不符合退货条件"}).json()["state"] == "refused"


def test_portal_user_sees_own_returns_without_internal_notes(
    api_as: Any, customer: Any, other_customer: Any, make_user: Any
) -> None:
    sales = api_as("sales")
    own = sales.post("returns", body(customer, unit_price="200.00")).json()["number"]
    other = sales.post("returns", body(other_customer)).json()["number"]
    decided = api_as("sales_manager").post(
        f"returns/{own}/approve", {"disposition": "restock", "note": "内部：优先处理"}
    )
    assert decided.status_code == 200, decided.content
    portal = api_as(make_user("customer", customer_id=customer.pk))
    items = portal.get("returns").json()["items"]
    assert [item["number"] for item in items] == [own]
    detail = portal.get(f"returns/{own}").json()
    assert detail["state"] == "approved"
    assert (detail["internal_note"], detail["decision_note"], detail["copies"]) == ("", "", [])
    assert detail["requested_by"] is None
    assert detail["decided_by"] is None
    assert "客户是重点客户" not in portal.get(f"returns/{own}").content.decode()
    assert portal.get(f"returns/{other}").status_code == 404
    assert portal.post("returns", body(customer)).status_code == 403
    assert portal.post(f"returns/{own}/book", {}).status_code == 403


def test_discount_certificate_endpoints(api_as: Any, customer: Any, complaint: Any, other_customer: Any) -> None:
    # R4, K9: the complaint it settles must be one of the customer's
    unknown = {"customer": customer.pk, "amount": "300.00", "reason": "运输破损补偿", "complaint_number": "TS1"}
    refused = api_as("vp").post("discount-certificates", unknown)
    assert (refused.status_code, list(refused.json()["fields"])) == (422, ["complaint_number"])
    foreign = {**unknown, "customer": other_customer.pk, "complaint_number": complaint.number}
    assert api_as("vp").post("discount-certificates", foreign).status_code == 422
    payload = {**unknown, "complaint_number": complaint.number}
    assert api_as("sales_manager").post("discount-certificates", payload).status_code == 403
    created = api_as("vp").post("discount-certificates", payload)
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["signed_by_vp"]["username"].startswith("vp")
    assert (created.json()["state"], created.json()["requested_by"]["username"]) == (
        "issued",
        created.json()["signed_by_vp"]["username"],
    )
    assert api_as("finance").get(f"discount-certificates/{number}").json()["amount"] == "300.00"
    assert api_as("engineer").get(f"discount-certificates/{number}").status_code == 404
    assert Event.objects.filter(action="discountcertificate.issued").count() == 1


def test_a_unit_of_the_customer_names_the_model(api_as: Any, customer: Any, unit: Any) -> None:
    response = api_as("agent").post("returns", body(customer, model="", serial=unit.serial))
    assert response.status_code == 201, response.content
    assert (response.json()["serial"], response.json()["model"]) == (unit.serial, unit.product.model)


def test_a_unit_of_another_customer_is_refused(api_as: Any, other_customer: Any, unit: Any) -> None:
    response = api_as("agent").post("returns", body(other_customer, model="", serial=unit.serial))
    assert (response.status_code, list(response.json()["fields"])) == (422, ["serial"])


def test_an_unknown_verifier_is_refused(api_as: Any, customer: Any) -> None:
    response = api_as("sales").post(
        "returns",
        body(
            customer,
            condition="verified_quality_defect",
            verified_by="nobody",
            verified_at=f"{days_ago(1).isoformat()}T10:00:00+08:00",
        ),
    )
    assert (response.status_code, response.json()["code"]) == (422, "return_not_allowed")
    assert list(response.json()["fields"]) == ["verified_by"]


def test_the_openapi_document_lists_the_endpoints(api_as: Any) -> None:
    paths = api_as("sales").get("/api/v1/openapi.json").json()["paths"]
    for path in [
        "/api/v1/returns",
        "/api/v1/returns/{number}",
        "/api/v1/returns/{number}/approve",
        "/api/v1/returns/{number}/refuse",
        "/api/v1/returns/{number}/receive",
        "/api/v1/returns/{number}/book",
        "/api/v1/returns/{number}/reissue",
        "/api/v1/discount-certificates",
        "/api/v1/discount-certificates/{number}",
        "/api/v1/discount-certificates/{number}/approve",
        "/api/v1/discount-certificates/{number}/refuse",
    ]:
        assert path in paths, path
