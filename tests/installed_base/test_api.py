"""The installed-base API end to end: exact bodies, typed 4xx errors, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.installed_base.models import Product, ServiceContract, SubstituteLoan, Unit
from tests.installed_base.factories import (
    CalendarFactory,
    ContractFactory,
    CustomerFactory,
    EquipmentFactory,
    LoanFactory,
    ProductFactory,
    UnitFactory,
)

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(api_as):
    return api_as("agent")


@pytest.fixture
def manager(api_as):
    return api_as("cs_manager")


def unit_body(unit):
    return {
        "serial": unit.serial,
        "model": unit.product.model,
        "product_name": unit.product.name,
        "customer": unit.customer_id,
        "customer_code": unit.customer.code,
        "customer_name": unit.customer.name,
        "site": unit.site,
        "production_date": unit.production_date.isoformat() if unit.production_date else None,
        "ship_date": None,
        "purchase_date": None,
        "purchase_place": "",
        "acceptance_date": unit.acceptance_date.isoformat() if unit.acceptance_date else None,
        "warranty_months": unit.warranty_months,
        "notes": "",
        "masked": False,
        "version": 1,
    }


def assert_error(response, status, code, fields=None):
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    if fields is not None:
        assert sorted(body["fields"]) == sorted(fields), body
    return body


# --- anonymous -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "products"),
        ("post", "products"),
        ("get", "units"),
        ("post", "units"),
        ("get", "units/SN1"),
        ("get", "units/SN1/coverage"),
        ("get", "contracts"),
        ("post", "contracts"),
        ("get", "contracts/HT20250001"),
        ("get", "loans"),
        ("post", "loans"),
        ("post", "loans/1/return"),
    ],
)
def test_every_endpoint_refuses_anonymous_callers_with_401(api_as, method, path):
    response = getattr(api_as(None), method)(path)
    assert_error(response, 401, "not_authenticated")


# --- products (A1) ---------------------------------------------------------------------------


def test_a1_get_products_lists_the_catalogue(agent):
    ProductFactory(model="XK-714", name="数控铣床", spec="主轴 8000 rpm", category="数控机床", warranty_months=24)
    ProductFactory(model="M7130", name="平面磨床", spec="", category="磨床")
    response = agent.get("products")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [{k: v for k, v in p.items() if k != "id"} for p in body["items"]] == [
        {"model": "M7130", "name": "平面磨床", "spec": "", "category": "磨床", "warranty_months": None},
        {"model": "XK-714", "name": "数控铣床", "spec": "主轴 8000 rpm", "category": "数控机床", "warranty_months": 24},
    ]


def test_a1_get_products_pages_by_50(agent):
    ProductFactory.create_batch(51)
    first, second = agent.get("products"), agent.get("products", page=2)
    assert (first.json()["count"], len(first.json()["items"]), len(second.json()["items"])) == (51, 50, 1)
    assert_error(agent.get("products", page=0), 422, "validation_failed", ["page"])
    assert_error(agent.get("products", page="x"), 422, "validation_failed", ["page"])
    assert_error(agent.get("products", page=10**30), 422, "validation_failed", ["page"])


def test_a1_post_products_creates_one(manager):
    response = manager.post(
        "products",
        {"model": "VMC850", "name": "立式加工中心", "spec": "", "category": "加工中心", "warranty_months": 36},
    )
    assert response.status_code == 201
    product = Product.objects.get()
    assert response.json() == {
        "id": product.pk,
        "model": "VMC850",
        "name": "立式加工中心",
        "spec": "",
        "category": "加工中心",
        "warranty_months": 36,
    }


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"model": "VMC850", "name": "x", "warranty_months": "36"}, ["warranty_months"]),
        ({"model": "VMC850", "name": "x", "warranty_months": 241}, ["warranty_months"]),
        ({"model": "VMC850"}, ["name"]),
        ({"model": 850, "name": "x"}, ["model"]),
        ({"model": "VMC850", "name": "x", "price": 1}, ["price"]),
    ],
)
def test_a1_post_products_with_malformed_input_is_422(manager, body, fields):
    assert_error(manager.post("products", body), 422, "validation_failed", fields)
    assert Product.objects.count() == 0


def test_a1_post_products_needs_the_permission(agent):
    assert_error(agent.post("products", {"model": "VMC850", "name": "x"}), 403, "permission_denied")
    assert Product.objects.count() == 0


def test_a1_post_products_duplicate_model_is_422_on_model(manager):
    ProductFactory(model="VMC850")
    assert_error(manager.post("products", {"model": "VMC850", "name": "x"}), 422, "validation_failed", ["model"])


# --- units (A2) ------------------------------------------------------------------------------


def test_a2_get_units_lists_with_filters(agent):
    customer = CustomerFactory()
    a = UnitFactory(serial="SN-A", customer=customer, acceptance_date=D(2020, 1, 1))
    b = UnitFactory(serial="SN-B", acceptance_date=timezone.localdate())
    body = agent.get("units").json()
    assert body == {"count": 2, "items": [unit_body(a), unit_body(b)]}
    assert [u["serial"] for u in agent.get("units", customer=customer.pk).json()["items"]] == ["SN-A"]
    assert [u["serial"] for u in agent.get("units", product=b.product_id).json()["items"]] == ["SN-B"]
    assert [u["serial"] for u in agent.get("units", in_warranty="true").json()["items"]] == ["SN-B"]
    assert [u["serial"] for u in agent.get("units", in_warranty="false").json()["items"]] == ["SN-A"]
    assert [u["serial"] for u in agent.get("units", in_warranty="true", on="2020-06-01").json()["items"]] == ["SN-A"]
    assert [u["serial"] for u in agent.get("units", q="sn-a").json()["items"]] == ["SN-A"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"customer": "abc"}, "customer"),
        ({"customer": 0}, "customer"),
        ({"customer": 10**30}, "customer"),
        ({"in_warranty": "maybe"}, "in_warranty"),
        ({"on": "2025-02-30"}, "on"),
        ({"on": "yesterday"}, "on"),
    ],
)
def test_a2_get_units_with_malformed_filters_is_422(agent, params, field):
    assert_error(agent.get("units", **params), 422, "validation_failed", [field])


def test_a2_post_units_registers_a_unit(agent):
    product, customer = ProductFactory(model="XK-714"), CustomerFactory()
    response = agent.post(
        "units",
        {
            "serial": "XK714-2401-00001",
            "model": "XK-714",
            "customer": customer.pk,
            "production_date": "2024-01-05",
            "ship_date": "2024-01-20",
            "purchase_date": "2024-01-18",
            "purchase_place": "上海经销商",
            "acceptance_date": "2024-03-10",
            "warranty_months": 36,
            "site": "苏州工业园区",
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "serial": "XK714-2401-00001",
        "model": "XK-714",
        "product_name": product.name,
        "customer": customer.pk,
        "customer_code": customer.code,
        "customer_name": customer.name,
        "site": "苏州工业园区",
        "production_date": "2024-01-05",
        "ship_date": "2024-01-20",
        "purchase_date": "2024-01-18",
        "purchase_place": "上海经销商",
        "acceptance_date": "2024-03-10",
        "warranty_months": 36,
        "notes": "",
        "masked": False,
        "version": 1,
    }
    assert Unit.objects.get().serial == "XK714-2401-00001"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"acceptance_date": "2024-02-30"}, ["acceptance_date"]),
        ({"acceptance_date": False}, ["acceptance_date"]),
        ({"acceptance_date": 123}, ["acceptance_date"]),
        ({"acceptance_date": 0}, ["acceptance_date"]),
        ({"acceptance_date": "2024-3-1"}, ["acceptance_date"]),
        ({"acceptance_date": "2024-03-01T00:00:00"}, ["acceptance_date"]),
        ({"acceptance_date": "0001-01-01"}, ["acceptance_date"]),
        ({"customer": "1"}, ["customer"]),
        ({"customer": 10**30}, ["customer"]),
        ({"customer": True}, ["customer"]),
        ({"warranty_months": -1}, ["warranty_months"]),
        ({"serial": ""}, ["serial"]),
        ({"colour": "red"}, ["colour"]),
        ({"model": "NOPE"}, ["model"]),
        ({"production_date": None, "acceptance_date": None}, ["production_date", "acceptance_date"]),
    ],
)
def test_a2_post_units_with_malformed_input_is_422_with_the_field(agent, changes, fields):
    ProductFactory(model="XK-714")
    customer = CustomerFactory()
    body = {
        "serial": "SN1",
        "model": "XK-714",
        "customer": customer.pk,
        "production_date": "2024-01-05",
        "acceptance_date": "2024-03-10",
        **changes,
    }
    code = "warranty_date_required" if "production_date" in fields else "validation_failed"
    assert_error(agent.post("units", body), 422, code, fields)
    assert Unit.objects.count() == 0


def test_a2_post_units_duplicate_serial_is_422_on_serial(agent):
    unit = UnitFactory(serial="SN1")
    body = {"serial": "SN1", "model": unit.product.model, "customer": unit.customer_id, "acceptance_date": "2024-03-10"}
    assert_error(agent.post("units", body), 422, "duplicate_serial", ["serial"])
    assert Unit.objects.count() == 1


def test_a2_post_units_is_refused_without_the_permission(api_as):
    unit = UnitFactory()
    body = {
        "serial": "SN-NEW",
        "model": unit.product.model,
        "customer": unit.customer_id,
        "acceptance_date": "2024-03-10",
    }
    assert_error(api_as("analyst").post("units", body), 403, "permission_denied")
    assert Unit.objects.count() == 1


def test_a2_get_unit_by_serial(agent):
    unit = UnitFactory(serial="XK714-2401-00001")
    response = agent.get("units/XK714-2401-00001")
    assert (response.status_code, response.json()) == (200, unit_body(unit))


def test_a2_unknown_serial_and_other_customers_unit_are_404(api_as, make_user, agent):
    other, mine = UnitFactory(), UnitFactory()
    assert_error(agent.get("units/NOPE"), 404, "not_found")
    assert_error(agent.get("units/NOPE/coverage"), 404, "not_found")
    portal = api_as(make_user("customer", customer_id=mine.customer_id))
    assert portal.get(f"units/{mine.serial}").status_code == 200
    assert_error(portal.get(f"units/{other.serial}"), 404, "not_found")
    assert_error(portal.get(f"units/{other.serial}/coverage"), 404, "not_found")
    assert [u["serial"] for u in portal.get("units").json()["items"]] == [mine.serial]


# --- coverage (A3, S4) -----------------------------------------------------------------------


def test_s4_coverage_on_the_last_day_in_and_the_day_after(agent):
    UnitFactory(serial="SN1", acceptance_date=D(2024, 1, 31), warranty_months=1, production_date=None)
    last = agent.get("units/SN1/coverage", on="2024-02-28")
    after = agent.get("units/SN1/coverage", on="2024-02-29")
    assert last.status_code == 200
    body = last.json()
    body.pop("explanation")
    assert body == {
        "serial": "SN1",
        "on": "2024-02-28",
        "in_warranty": True,
        "before_acceptance": False,
        "warranty_start": "2024-01-31",
        "warranty_end": "2024-02-28",
        "basis": "acceptance",
        "warranty_months": 1,
        "length_source": "unit",
        "policy_version": 0,
        "contract": None,
        "contract_cover": None,
        "charging_type": "C",
    }
    assert (after.json()["in_warranty"], after.json()["charging_type"]) == (False, "A")


def test_s4_coverage_out_of_warranty_under_contract_is_b(agent):
    unit = UnitFactory(serial="SN1", acceptance_date=None, production_date=D(2020, 1, 15))
    contract = ContractFactory(customer=unit.customer, units=[unit], cover="24x7", start_date=D(2025, 1, 1))
    response = agent.get("units/SN1/coverage", on="2025-01-01")
    body = response.json()
    assert (body["basis"], body["warranty_start"], body["warranty_end"]) == (
        "production_plus_3_months",
        "2020-04-15",
        "2022-04-14",
    )
    assert (body["in_warranty"], body["contract"], body["contract_cover"], body["charging_type"]) == (
        False,
        contract.number,
        "24x7",
        "B",
    )
    assert f"保养协议 {contract.number} 覆盖 2025-01-01 至 2025-12-31（7×24 小时）。" in body["explanation"]
    assert body["explanation"].endswith("收费类型：B 合同。")


def test_s4_coverage_defaults_to_today(agent):
    UnitFactory(serial="SN1", acceptance_date=timezone.localdate())
    body = agent.get("units/SN1/coverage").json()
    assert (body["on"], body["in_warranty"], body["charging_type"]) == (timezone.localdate().isoformat(), True, "C")


@pytest.mark.parametrize("on", ["2025-02-30", "tomorrow", "20250101", "9999-12-31", "0001-01-01"])
def test_s4_coverage_with_a_bad_date_is_422_on_on(agent, on):
    UnitFactory(serial="SN1")
    assert_error(agent.get("units/SN1/coverage", on=on), 422, "validation_failed", ["on"])


# --- service contracts (A4) ------------------------------------------------------------------


def test_a4_post_contracts_creates_one(manager):
    customer = CustomerFactory()
    UnitFactory(serial="SN-2", customer=customer)
    UnitFactory(serial="SN-1", customer=customer)
    response = manager.post(
        "contracts",
        {
            "customer": customer.pk,
            "units": ["SN-2", "SN-1"],
            "start": "2025-01-01",
            "end": "2025-12-31",
            "cover": "24x7",
        },
    )
    assert response.status_code == 201, response.json()
    number = f"HT{timezone.localdate().year}0001"
    assert response.json() == {
        "number": number,
        "customer": customer.pk,
        "customer_name": customer.name,
        "units": ["SN-1", "SN-2"],
        "start": "2025-01-01",
        "end": "2025-12-31",
        "cover": "24x7",
        "terms": "",
        "masked": False,
        "calendar": "",
        "effective_calendar": "24x7",
        "version": 1,
    }
    assert manager.get(f"contracts/{number}").json() == response.json()
    assert manager.get("contracts").json() == {"count": 1, "items": [response.json()]}


@pytest.mark.parametrize(
    ("changes", "code", "fields"),
    [
        ({"cover": "weekends"}, "validation_failed", ["cover"]),
        ({"units": []}, "validation_failed", ["units"]),
        ({"units": "SN-1"}, "validation_failed", ["units"]),
        ({"start": "2025-13-01"}, "validation_failed", ["start"]),
        ({"end": "2024-12-31"}, "validation_failed", ["end_date"]),
        ({"units": ["SN-FOREIGN"]}, "unit_not_of_customer", ["units"]),
        ({"units": ["SN-NOPE"]}, "validation_failed", ["units"]),
        ({"calendar": "NOPE"}, "validation_failed", ["calendar"]),
        ({"calendar": "X" * 33}, "validation_failed", ["calendar"]),
        ({"calendar": 1}, "validation_failed", ["calendar"]),
        ({"calendar": None}, "validation_failed", ["calendar"]),
    ],
)
def test_a4_post_contracts_with_bad_input_is_422_and_creates_nothing(manager, changes, code, fields):
    customer = CustomerFactory()
    UnitFactory(serial="SN-1", customer=customer)
    UnitFactory(serial="SN-FOREIGN")
    body = {"customer": customer.pk, "units": ["SN-1"], "start": "2025-01-01", "end": "2025-12-31", **changes}
    assert_error(manager.post("contracts", body), 422, code, fields)
    assert ServiceContract.objects.count() == 0


def test_x1_post_contracts_with_a_calendar_shows_it_as_the_effective_one(manager, agent):
    CalendarFactory(code="SH-7X24", name="上海 7×24")
    unit = UnitFactory(serial="SN-1")
    body = {"customer": unit.customer_id, "units": ["SN-1"], "start": "2025-01-01", "end": "2025-12-31"}
    response = manager.post("contracts", {**body, "calendar": "SH-7X24"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["cover"], created["calendar"], created["effective_calendar"]) == (
        "office_hours",
        "SH-7X24",
        "SH-7X24",
    )
    assert agent.get(f"contracts/{created['number']}").json() == created
    default = manager.post("contracts", {**body, "start": "2024-01-01"}).json()
    assert (default["calendar"], default["effective_calendar"]) == ("", "CN")
    assert [(c["calendar"], c["effective_calendar"]) for c in agent.get("contracts").json()["items"]] == [
        ("SH-7X24", "SH-7X24"),
        ("", "CN"),
    ]


def test_x1_post_contracts_with_an_unknown_calendar_is_a_typed_422(manager):
    unit = UnitFactory(serial="SN-1")
    body = {"customer": unit.customer_id, "units": ["SN-1"], "start": "2025-01-01", "end": "2025-12-31"}
    error = assert_error(manager.post("contracts", {**body, "calendar": "NOPE"}), 422, "validation_failed")
    assert error == {
        "code": "validation_failed",
        "message": "没有编码为“NOPE”的日历。",
        "fields": {"calendar": ["没有编码为“NOPE”的日历。"]},
    }
    assert ServiceContract.objects.count() == 0


def test_a4_unknown_contract_is_404(agent):
    assert_error(agent.get("contracts/HT20259999"), 404, "not_found")


def test_a4_post_contracts_needs_the_permission(agent):
    unit = UnitFactory()
    body = {"customer": unit.customer_id, "units": [unit.serial], "start": "2025-01-01", "end": "2025-12-31"}
    assert_error(agent.post("contracts", body), 403, "permission_denied")
    assert ServiceContract.objects.count() == 0


# --- substitute equipment loans (A6) ---------------------------------------------------------


def test_a6_lend_list_and_return_through_the_api(agent):
    unit = UnitFactory(serial="SN1")
    EquipmentFactory(code="DY-001", product=unit.product)
    response = agent.post(
        "loans",
        {
            "equipment": "DY-001",
            "customer": unit.customer_id,
            "for_unit": "SN1",
            "lent_on": "2025-03-01",
            "reason": "维修",
        },
    )
    assert response.status_code == 201, response.json()
    loan = SubstituteLoan.objects.get()
    expected = {
        "id": loan.pk,
        "equipment": "DY-001",
        "equipment_model": unit.product.model,
        "customer": unit.customer_id,
        "customer_name": unit.customer.name,
        "for_unit": "SN1",
        "lent_on": "2025-03-01",
        "expected_return": None,
        "returned_on": None,
        "reason": "维修",
        "open": True,
    }
    assert response.json() == expected
    assert agent.get("loans", open="true").json() == {"count": 1, "items": [expected]}
    # lending the same equipment again is a conflict
    again = agent.post("loans", {"equipment": "DY-001", "customer": unit.customer_id})
    assert_error(again, 409, "equipment_on_loan", ["equipment"])
    # the return closes the loan, once
    returned = agent.post(f"loans/{loan.pk}/return", {"returned_on": "2025-03-10"})
    assert returned.status_code == 200
    assert returned.json() == {**expected, "returned_on": "2025-03-10", "open": False}
    assert_error(agent.post(f"loans/{loan.pk}/return", {}), 409, "loan_already_returned")
    assert agent.get("loans", open="true").json() == {"count": 0, "items": []}
    assert agent.get("loans").json()["count"] == 1


@pytest.mark.parametrize(
    ("path", "body", "status", "fields"),
    [
        ("loans/999999/return", {}, 404, None),
        ("loans/99999999999999999999999/return", {}, 422, ["loan_id"]),
        ("loans/abc/return", {}, 422, ["loan_id"]),
        ("loans/{id}/return", {"returned_on": "2025-02-01"}, 422, ["returned_on"]),
        ("loans/{id}/return", {"returned_on": 20250301}, 422, ["returned_on"]),
        ("loans", {"equipment": "NOPE", "customer": 1}, 422, ["equipment"]),
        ("loans", {"equipment": "DY-1", "customer": "1"}, 422, ["customer"]),
    ],
)
def test_a6_loan_endpoints_with_bad_input(agent, path, body, status, fields):
    loan = LoanFactory(lent_on=D(2025, 3, 1))
    response = agent.post(path.format(id=loan.pk), body)
    assert response.status_code == status, response.json()
    if fields is not None:
        assert sorted(response.json()["fields"]) == fields
    loan.refresh_from_db()
    assert (loan.returned_on, SubstituteLoan.objects.count()) == (None, 1)


def test_a6_loans_need_the_permission(api_as):
    equipment, customer = EquipmentFactory(), CustomerFactory()
    engineer = api_as("engineer")
    assert_error(
        engineer.post("loans", {"equipment": equipment.code, "customer": customer.pk}), 403, "permission_denied"
    )
    assert SubstituteLoan.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "units", "not json"),
        ("post", "units", "[1, 2]"),
        ("post", "units", "null"),
        ("post", "contracts", '{"customer": 1, "units": [1], "start": "2025-01-01", "end": "2025-01-02"}'),
        ("post", "contracts", '{"customer": 1, "units": ["x"], "start": null, "end": "2025-01-02"}'),
        ("post", "loans", '{"equipment": ["DY"], "customer": 1}'),
        ("post", "loans/1/return", "not json"),
        ("post", "products", '{"model": "A", "name": "B", "warranty_months": 1.5}'),
        ("get", "units/" + "长" * 300, None),
        ("get", "units/%00", None),
        ("get", "contracts/%00", None),
        ("post", "products", '{"model": "A\\u0000", "name": "B"}'),
        ("post", "contracts", '{"customer": 1, "units": ["S\\u0000"], "start": "2025-01-01", "end": "2025-01-02"}'),
        ("get", "contracts/" + "9" * 400, None),
        ("get", "units?page_size=0", None),
        ("get", "units?page_size=1000", None),
        ("get", "contracts?active_on=2025-02-29", None),
        ("get", "loans?open=perhaps", None),
    ],
)
def test_malformed_requests_are_4xx_with_an_error_body_never_500(agent, method, path, body):
    UnitFactory(serial="SN1")
    response = agent.get(path) if method == "get" else agent.post(path, body)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert set(response.json()) == {"code", "message", "fields"}


def test_odd_but_wellformed_queries_are_answered(agent):
    UnitFactory(serial="SN1")
    assert agent.get("units?q=" + "x" * 5000).json() == {"count": 0, "items": []}
    # A NUL character is refused before the lookup runs, the same on SQLite and PostgreSQL (core.inputs).
    assert agent.get("units?q=SN%001").status_code == 422
    assert agent.get("contracts?q=%00").json()["fields"] == {"q": ["文本中含有无法保存的空字符（\\0）。"]}
    assert agent.get("units/SN1/coverage?on=2025-01-01&on=2025-01-02").json()["on"] == "2025-01-02"
