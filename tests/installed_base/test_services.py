"""Services and selectors of the installed base: events, versions, refusals that change nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from aftersales.accounts.models import ServicePoint
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from aftersales.core.models import Counter, Event
from aftersales.installed_base import selectors, services
from aftersales.installed_base.models import Product, ServiceContract, SubstituteEquipment, SubstituteLoan, Unit
from tests.accounts.factories import ServicePointFactory
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


def events_of(obj):
    return list(
        Event.objects.filter(subject_type=obj._meta.label_lower, subject_id=str(obj.pk))
        .order_by("id")
        .values_list("action", "rule", "data")
    )


def unit_args(**overrides):
    return {
        "serial": "XK714-2401-00001",
        "production_date": D(2024, 1, 5),
        "ship_date": D(2024, 1, 20),
        "purchase_date": D(2024, 1, 18),
        "purchase_place": "上海经销商",
        "acceptance_date": D(2024, 3, 10),
        "warranty_months": None,
        "site": "苏州工业园区星湖街 328 号",
        "notes": "",
        **overrides,
    }


@pytest.fixture
def agent(make_user, actor_of):
    return actor_of(make_user("agent"))


@pytest.fixture
def manager(make_user, actor_of):
    return actor_of(make_user("cs_manager"))


# --- products (A1) ---------------------------------------------------------------------------


def test_a1_product_create_writes_the_product_and_one_event(manager):
    product = services.product_create(
        actor=manager,
        model=" VMC850 ",
        name="立式加工中心",
        spec="行程 800×500×550 mm",
        category="加工中心",
        warranty_months=36,
    )
    assert Product.objects.values_list("model", "name", "warranty_months").get() == ("VMC850", "立式加工中心", 36)
    assert events_of(product) == [
        (
            "product.created",
            "A1",
            {
                "model": "VMC850",
                "name": "立式加工中心",
                "spec": "行程 800×500×550 mm",
                "category": "加工中心",
                "warranty_months": 36,
            },
        )
    ]


def test_a1_duplicate_model_is_refused_on_the_model_field(manager):
    ProductFactory(model="VMC850")
    with pytest.raises(ValidationFailed) as info:
        services.product_create(actor=manager, model="VMC850", name="立式加工中心")
    assert list(info.value.fields) == ["model"]
    assert Product.objects.count() == 1


def test_a1_product_create_needs_the_permission(agent):
    with pytest.raises(PermissionDenied):
        services.product_create(actor=agent, model="VMC850", name="立式加工中心")
    assert (Product.objects.count(), Event.objects.filter(action="product.created").count()) == (0, 0)


def test_a1_product_update_records_old_and_new(manager):
    product = ProductFactory(model="M7130", warranty_months=12)
    services.product_update(actor=manager, product_id=product.pk, warranty_months=18, name="平面磨床")
    product.refresh_from_db()
    assert (product.warranty_months, product.name) == (18, "平面磨床")
    assert events_of(product) == [
        ("product.updated", "A1", {"warranty_months": [12, 18], "name": ["数控铣床", "平面磨床"]})
    ]


# --- units (A2) ------------------------------------------------------------------------------


def test_a2_unit_create_writes_the_unit_and_one_event(agent):
    product, customer = ProductFactory(), CustomerFactory()
    unit = services.unit_create(actor=agent, product_id=product.pk, customer_id=customer.pk, **unit_args())
    unit.refresh_from_db()
    assert (unit.serial, unit.product_id, unit.customer_id, unit.acceptance_date, unit.version) == (
        "XK714-2401-00001",
        product.pk,
        customer.pk,
        D(2024, 3, 10),
        1,
    )
    [(action, rule, data)] = events_of(unit)
    assert (action, rule) == ("unit.created", "A2")
    assert data == {
        "serial": "XK714-2401-00001",
        "product_id": product.pk,
        "customer_id": customer.pk,
        "site": "苏州工业园区星湖街 328 号",
        "production_date": "2024-01-05",
        "ship_date": "2024-01-20",
        "purchase_date": "2024-01-18",
        "purchase_place": "上海经销商",
        "acceptance_date": "2024-03-10",
        "warranty_months": None,
        "notes": "",
    }


def test_a2_duplicate_serial_is_refused_on_the_serial_field(agent):
    existing = UnitFactory(serial="XK714-2401-00001")
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(
            actor=agent, product_id=existing.product_id, customer_id=existing.customer_id, **unit_args()
        )
    assert info.value.code == "duplicate_serial"
    assert list(info.value.fields) == ["serial"]
    assert (Unit.objects.count(), Event.objects.filter(action="unit.created").count()) == (1, 0)


def test_a3_unit_without_production_and_acceptance_date_is_refused_in_chinese(agent):
    product, customer = ProductFactory(), CustomerFactory()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as info:
        services.unit_create(
            actor=agent,
            product_id=product.pk,
            customer_id=customer.pk,
            **unit_args(production_date=None, acceptance_date=None),
        )
    assert info.value.code == "warranty_date_required"
    assert info.value.fields == {
        "production_date": ["请填写生产日期或验收日期：保修期据此计算。"],
        "acceptance_date": ["请填写生产日期或验收日期：保修期据此计算。"],
    }
    assert Unit.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"product_id": 999999}, "product"),
        ({"customer_id": 999999}, "customer"),
        ({"customer_id": 2**70}, "customer"),
        ({"acceptance_date": D(1899, 12, 31)}, "acceptance_date"),
        ({"serial": ""}, "serial"),
        ({"site": "长" * 201}, "site"),
    ],
)
def test_a2_unit_create_refuses_bad_references_and_values_on_their_field(agent, overrides, field):
    product, customer = ProductFactory(), CustomerFactory()
    args = {"product_id": product.pk, "customer_id": customer.pk, **unit_args()}
    args.update(overrides)
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=agent, **args)
    assert field in info.value.fields
    assert Unit.objects.count() == 0


def test_a2_unit_create_needs_the_permission(make_user, actor_of):
    analyst = actor_of(make_user("analyst"))
    product, customer = ProductFactory(), CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.unit_create(actor=analyst, product_id=product.pk, customer_id=customer.pk, **unit_args())
    assert Unit.objects.count() == 0


def test_a2_unit_update_records_old_and_new_and_bumps_the_version(agent):
    unit = UnitFactory(site="旧厂房", acceptance_date=D(2024, 1, 15))
    services.unit_update(
        actor=agent, serial=unit.serial, expected_version=1, site="新厂房 2 号车间", acceptance_date=D(2024, 2, 1)
    )
    unit.refresh_from_db()
    assert (unit.site, unit.acceptance_date, unit.version) == ("新厂房 2 号车间", D(2024, 2, 1), 2)
    assert events_of(unit) == [
        (
            "unit.updated",
            "A2",
            {"site": ["旧厂房", "新厂房 2 号车间"], "acceptance_date": ["2024-01-15", "2024-02-01"]},
        )
    ]


def test_a2_unit_update_with_a_stale_version_is_a_conflict_and_changes_nothing(agent):
    unit = UnitFactory(site="旧厂房", version=3)
    with pytest.raises(Conflict) as info:
        services.unit_update(actor=agent, serial=unit.serial, expected_version=2, site="新厂房")
    assert (info.value.code, info.value.status, info.value.fields) == ("version_conflict", 409, {"version": ["3"]})
    unit.refresh_from_db()
    assert (unit.site, unit.version, events_of(unit)) == ("旧厂房", 3, [])


def test_a2_unit_update_without_change_writes_nothing(agent):
    unit = UnitFactory(site="旧厂房")
    services.unit_update(actor=agent, serial=unit.serial, expected_version=1, site="旧厂房")
    unit.refresh_from_db()
    assert (unit.version, events_of(unit)) == (1, [])


def test_a2_unit_update_refuses_unknown_fields_and_removing_both_dates(agent):
    unit = UnitFactory(production_date=None, acceptance_date=D(2024, 1, 15))
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=agent, serial=unit.serial, serial_number="X")
    with pytest.raises(ValidationFailed) as info:
        services.unit_update(actor=agent, serial=unit.serial, acceptance_date=None)
    assert info.value.code == "warranty_date_required"
    unit.refresh_from_db()
    assert (unit.acceptance_date, unit.version) == (D(2024, 1, 15), 1)


def test_a4_unit_on_a_running_contract_cannot_move_to_another_customer(agent):
    unit = UnitFactory()
    ContractFactory(customer=unit.customer, units=[unit], start_date=D(2025, 1, 1), end_date=D(2199, 12, 31))
    other = CustomerFactory()
    with pytest.raises(ValidationFailed) as info:
        services.unit_update(actor=agent, serial=unit.serial, customer_id=other.pk)
    assert info.value.code == "unit_not_of_customer"
    unit.refresh_from_db()
    assert unit.customer_id != other.pk


def test_a2_unit_update_of_an_unknown_serial_is_not_found(agent):
    with pytest.raises(NotFound):
        services.unit_update(actor=agent, serial="NOPE", site="x")


# --- selectors: scope ------------------------------------------------------------------------


def test_a2_portal_user_sees_only_their_customers_units(make_user, actor_of):
    mine, other = UnitFactory(), UnitFactory()
    portal = actor_of(make_user("customer", customer_id=mine.customer_id))
    assert list(selectors.unit_scope(portal)) == [mine]
    assert selectors.access_unit(portal, mine.serial) == mine
    with pytest.raises(NotFound):
        selectors.access_unit(portal, other.serial)


def test_a2_unit_list_searches_serial_prefix_customer_number_and_name(agent):
    customer = CustomerFactory(code="KH900777", name="苏州精密模具有限公司")
    a = UnitFactory(serial="VMC850-2401-00001")
    b = UnitFactory(serial="VMC850-2402-00002", customer=customer)
    UnitFactory(serial="XK714-2401-00003")
    assert list(selectors.unit_list(agent, q="VMC850-24")) == [a, b]
    assert list(selectors.unit_list(agent, q="vmc850-2401")) == [a]
    assert list(selectors.unit_list(agent, q="kh900777")) == [b]
    assert list(selectors.unit_list(agent, q="精密模具")) == [b]
    assert list(selectors.unit_list(agent, customer_id=customer.pk)) == [b]
    assert list(selectors.unit_list(agent, product_id=a.product_id)) == [a]
    assert list(selectors.unit_list(agent, customer_id=2**70)) == []


# --- service contracts (A4) ------------------------------------------------------------------


def test_a4_contract_create_numbers_by_year_and_writes_one_event(manager):
    customer = CustomerFactory()
    first, second = UnitFactory(customer=customer), UnitFactory(customer=customer)
    contract = services.contract_create(
        actor=manager,
        customer_id=customer.pk,
        unit_serials=[second.serial, first.serial],
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
        cover="24x7",
        terms="每季度巡检一次",
    )
    year = timezone.localdate().year
    assert contract.number == f"HT{year}0001"
    assert sorted(contract.units.values_list("serial", flat=True)) == sorted([first.serial, second.serial])
    assert events_of(contract) == [
        (
            "servicecontract.created",
            "A4",
            {
                "number": f"HT{year}0001",
                "customer_id": customer.pk,
                "start_date": "2025-01-01",
                "end_date": "2025-12-31",
                "cover": "24x7",
                "terms": "每季度巡检一次",
                "calendar": "",
                "units": sorted([first.serial, second.serial]),
            },
        )
    ]
    again = services.contract_create(
        actor=manager,
        customer_id=customer.pk,
        unit_serials=[first.serial],
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
    )
    assert again.number == f"HT{year}0002"


def test_a4_contract_with_a_unit_of_another_customer_is_refused(manager):
    customer = CustomerFactory()
    mine, foreign = UnitFactory(customer=customer), UnitFactory()
    with pytest.raises(ValidationFailed) as info:
        services.contract_create(
            actor=manager,
            customer_id=customer.pk,
            unit_serials=[mine.serial, foreign.serial],
            start_date=D(2025, 1, 1),
            end_date=D(2025, 12, 31),
        )
    assert (info.value.code, list(info.value.fields)) == ("unit_not_of_customer", ["units"])
    assert foreign.serial in info.value.fields["units"][0]
    assert (ServiceContract.objects.count(), Counter.objects.filter(key="contract").count()) == (0, 0)


@pytest.mark.parametrize(
    ("serials", "start", "end", "field"),
    [
        (["NOPE"], D(2025, 1, 1), D(2025, 12, 31), "units"),
        ([], D(2025, 1, 1), D(2025, 12, 31), "units"),
        (None, D(2025, 1, 2), D(2025, 1, 1), "end_date"),
    ],
)
def test_a4_contract_create_refuses_bad_units_and_periods(manager, serials, start, end, field):
    unit = UnitFactory()
    with pytest.raises(ValidationFailed) as info:
        services.contract_create(
            actor=manager,
            customer_id=unit.customer_id,
            unit_serials=[unit.serial] if serials is None else serials,
            start_date=start,
            end_date=end,
        )
    assert list(info.value.fields) == [field]
    assert ServiceContract.objects.count() == 0


def test_a4_contract_on_a_single_day_is_allowed(manager):
    unit = UnitFactory()
    contract = services.contract_create(
        actor=manager,
        customer_id=unit.customer_id,
        unit_serials=[unit.serial],
        start_date=D(2025, 1, 1),
        end_date=D(2025, 1, 1),
    )
    assert (contract.start_date, contract.end_date) == (D(2025, 1, 1), D(2025, 1, 1))


def test_a4_contract_create_needs_the_permission(agent):
    unit = UnitFactory()
    with pytest.raises(PermissionDenied):
        services.contract_create(
            actor=agent,
            customer_id=unit.customer_id,
            unit_serials=[unit.serial],
            start_date=D(2025, 1, 1),
            end_date=D(2025, 2, 1),
        )
    assert ServiceContract.objects.count() == 0


def test_a4_contract_update_records_period_and_units(manager):
    customer = CustomerFactory()
    first, second = UnitFactory(customer=customer, serial="A-1"), UnitFactory(customer=customer, serial="A-2")
    contract = ContractFactory(customer=customer, units=[first], end_date=D(2025, 12, 31))
    services.contract_update(
        actor=manager, number=contract.number, expected_version=1, end_date=D(2026, 6, 30), unit_serials=["A-1", "A-2"]
    )
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (D(2026, 6, 30), 2)
    assert events_of(contract) == [
        (
            "servicecontract.updated",
            "A4",
            {"end_date": ["2025-12-31", "2026-06-30"], "units": [["A-1"], ["A-1", "A-2"]]},
        )
    ]
    with pytest.raises(Conflict):
        services.contract_update(actor=manager, number=contract.number, expected_version=1, terms="x")
    assert second.contracts.get() == contract


# --- service calendars (S6, A4, X1) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("contract_calendar", "cover", "point_calendar", "expected"),
    [
        ("HT-CAL", "24x7", "SP-CAL", "HT-CAL"),  # the contract's own calendar wins over everything
        (None, "24x7", "SP-CAL", "24x7"),  # then a 7×24 cover
        (None, "office_hours", "SP-CAL", "SP-CAL"),  # then the service point's calendar
        (None, "office_hours", None, "CN"),  # else China office hours
    ],
)
def test_s6_x1_service_calendar_code_precedence(contract_calendar, cover, point_calendar, expected):
    contract = ContractFactory(
        cover=cover, calendar=CalendarFactory(code=contract_calendar) if contract_calendar else None
    )
    point = ServicePointFactory(calendar=CalendarFactory(code=point_calendar) if point_calendar else None)
    assert selectors.service_calendar_code(contract=contract, service_point=point) == expected


@pytest.mark.parametrize(
    ("cover", "point_calendar", "expected"),
    [
        (None, "SP-CAL", "SP-CAL"),  # no contract: the service point's calendar
        (None, None, "CN"),
        ("24x7", None, "24x7"),  # no service point: by cover
        ("office_hours", None, "CN"),
    ],
)
def test_s6_x1_service_calendar_code_without_a_contract_or_a_service_point(cover, point_calendar, expected):
    contract = ContractFactory(cover=cover) if cover else None
    point = ServicePointFactory(calendar=CalendarFactory(code=point_calendar)) if point_calendar else None
    assert selectors.service_calendar_code(contract=contract, service_point=point) == expected


def test_x1_service_calendar_code_queries_only_for_a_code_not_loaded(manager, django_assert_num_queries):
    point = ServicePoint.objects.get(pk=ServicePointFactory(calendar=CalendarFactory(code="SP-CAL")).pk)
    contract = ContractFactory(calendar=CalendarFactory(code="HT-CAL"))
    loaded = selectors.access_contract(manager, contract.number)
    with django_assert_num_queries(0):
        assert selectors.service_calendar_code(contract=loaded, service_point=point) == "HT-CAL"
    always = ContractFactory(cover="24x7")
    with django_assert_num_queries(0):
        assert selectors.service_calendar_code(contract=always, service_point=point) == "24x7"
    plain = ServiceContract.objects.get(pk=ContractFactory().pk)
    with django_assert_num_queries(1):
        assert selectors.service_calendar_code(contract=plain, service_point=point) == "SP-CAL"
    with django_assert_num_queries(0):
        assert selectors.service_calendar_code(contract=plain, service_point=point) == "SP-CAL"


def test_x1_contract_create_with_a_calendar_records_its_code(manager):
    CalendarFactory(code="SH-7X24")
    unit = UnitFactory()
    contract = services.contract_create(
        actor=manager,
        customer_id=unit.customer_id,
        unit_serials=[unit.serial],
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
        calendar_code=" SH-7X24 ",
    )
    contract.refresh_from_db()
    assert contract.calendar.code == "SH-7X24"
    assert [data["calendar"] for _action, _rule, data in events_of(contract)] == ["SH-7X24"]
    assert selectors.service_calendar_code(contract=contract, service_point=None) == "SH-7X24"


def test_x1_contract_create_with_an_unknown_calendar_is_refused_and_creates_nothing(manager):
    unit = UnitFactory()
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as info:
        services.contract_create(
            actor=manager,
            customer_id=unit.customer_id,
            unit_serials=[unit.serial],
            start_date=D(2025, 1, 1),
            end_date=D(2025, 12, 31),
            calendar_code="NOPE",
        )
    assert (info.value.code, info.value.fields) == (
        "validation_failed",
        {"calendar": ["没有编码为“NOPE”的日历。"]},
    )
    assert (ServiceContract.objects.count(), Counter.objects.filter(key="contract").count()) == (0, 0)
    assert Event.objects.filter(action="servicecontract.created").count() == 0


def test_x1_contract_update_sets_and_clears_the_calendar_with_events(manager):
    CalendarFactory(code="SH-7X24")
    contract = ContractFactory(units=[])
    services.contract_update(actor=manager, number=contract.number, expected_version=1, calendar_code="SH-7X24")
    contract.refresh_from_db()
    assert (contract.calendar.code, contract.version) == ("SH-7X24", 2)
    services.contract_update(actor=manager, number=contract.number, expected_version=2, calendar_code="SH-7X24")
    services.contract_update(actor=manager, number=contract.number, expected_version=2, calendar_code="")
    contract.refresh_from_db()
    assert (contract.calendar_id, contract.version) == (None, 3)
    assert events_of(contract) == [
        ("servicecontract.updated", "A4", {"calendar": ["", "SH-7X24"]}),
        ("servicecontract.updated", "A4", {"calendar": ["SH-7X24", ""]}),
    ]


def test_x1_contract_update_with_an_unknown_calendar_changes_nothing(manager):
    calendar = CalendarFactory(code="SH-7X24")
    contract = ContractFactory(calendar=calendar)
    with pytest.raises(ValidationFailed) as info:
        services.contract_update(actor=manager, number=contract.number, calendar_code="NOPE", terms="新条款")
    assert list(info.value.fields) == ["calendar"]
    contract.refresh_from_db()
    assert (contract.calendar_id, contract.terms, contract.version) == (calendar.pk, "年度保养协议", 1)
    assert events_of(contract) == []


# --- substitute equipment and loans (A6) -----------------------------------------------------


def test_a6_loan_create_and_return_are_tracked_with_events(agent):
    unit = UnitFactory()
    equipment = EquipmentFactory(code="DY-001")
    loan = services.loan_create(
        actor=agent,
        equipment_code="dy-001",
        customer_id=unit.customer_id,
        for_unit_serial=unit.serial,
        lent_on=D(2025, 3, 1),
        expected_return=D(2025, 3, 15),
        reason="主板返厂维修",
    )
    assert (loan.equipment_id, loan.for_unit_id, loan.returned_on, loan.lent_by_id) == (
        equipment.pk,
        unit.pk,
        None,
        agent.user.pk,
    )
    assert [loan] == list(selectors.loan_list(agent, open_only=True))
    assert list(selectors.equipment_available(agent)) == []
    services.loan_return(actor=agent, loan_id=loan.pk, returned_on=D(2025, 3, 12))
    loan.refresh_from_db()
    assert loan.returned_on == D(2025, 3, 12)
    assert list(selectors.loan_list(agent, open_only=True)) == []
    assert list(selectors.equipment_available(agent)) == [equipment]
    assert events_of(loan) == [
        (
            "substituteloan.created",
            "A6",
            {
                "equipment": "DY-001",
                "customer": unit.customer_id,
                "for_unit": unit.serial,
                "lent_on": "2025-03-01",
                "expected_return": "2025-03-15",
                "reason": "主板返厂维修",
            },
        ),
        ("substituteloan.returned", "A6", {"returned_on": [None, "2025-03-12"], "equipment": "DY-001"}),
    ]


def test_a6_equipment_out_on_loan_cannot_be_lent_twice(agent):
    loan = LoanFactory(lent_on=D(2025, 3, 1))
    other = CustomerFactory()
    with pytest.raises(Conflict) as info:
        services.loan_create(actor=agent, equipment_code=loan.equipment.code, customer_id=other.pk)
    assert (info.value.code, info.value.status) == ("equipment_on_loan", 409)
    assert SubstituteLoan.objects.count() == 1


def test_a6_returned_equipment_can_be_lent_again(agent):
    old = LoanFactory(lent_on=D(2025, 1, 1), returned_on=D(2025, 1, 10))
    loan = services.loan_create(actor=agent, equipment_code=old.equipment.code, customer_id=old.customer_id)
    assert (loan.lent_on, SubstituteLoan.objects.count()) == (timezone.localdate(), 2)


def test_a6_a_loan_is_returned_once(agent):
    loan = LoanFactory(lent_on=D(2025, 1, 1), returned_on=D(2025, 1, 10))
    with pytest.raises(Conflict) as info:
        services.loan_return(actor=agent, loan_id=loan.pk)
    assert info.value.code == "loan_already_returned"
    loan.refresh_from_db()
    assert (loan.returned_on, events_of(loan)) == (D(2025, 1, 10), [])


@pytest.mark.parametrize("returned_on", [D(2025, 2, 28), D(2199, 1, 1)])
def test_a6_return_before_the_loan_or_in_the_future_is_refused(agent, returned_on):
    loan = LoanFactory(lent_on=D(2025, 3, 1))
    with pytest.raises(ValidationFailed) as info:
        services.loan_return(actor=agent, loan_id=loan.pk, returned_on=returned_on)
    assert list(info.value.fields) == ["returned_on"]
    loan.refresh_from_db()
    assert loan.returned_on is None


def test_a6_loan_for_another_customers_unit_is_refused(agent):
    unit, equipment, other = UnitFactory(), EquipmentFactory(), CustomerFactory()
    with pytest.raises(ValidationFailed) as info:
        services.loan_create(
            actor=agent, equipment_code=equipment.code, customer_id=other.pk, for_unit_serial=unit.serial
        )
    assert list(info.value.fields) == ["for_unit"]
    assert SubstituteLoan.objects.count() == 0


def test_a6_loan_needs_the_permission(make_user, actor_of):
    engineer = actor_of(make_user("engineer"))
    equipment, customer = EquipmentFactory(), CustomerFactory()
    with pytest.raises(PermissionDenied):
        services.loan_create(actor=engineer, equipment_code=equipment.code, customer_id=customer.pk)
    assert SubstituteLoan.objects.count() == 0


def test_a6_equipment_registration_writes_one_event(make_user, actor_of):
    from django.contrib.auth.models import Permission

    user = make_user("cs_manager")
    user.user_permissions.add(Permission.objects.get(codename="add_substituteequipment"))
    actor = actor_of(type(user).objects.get(pk=user.pk))
    product = ProductFactory()
    equipment = services.substitute_equipment_create(actor=actor, code="dy-009", product_id=product.pk, serial="S1")
    assert SubstituteEquipment.objects.values_list("code", "serial").get() == ("DY-009", "S1")
    assert events_of(equipment) == [
        ("substituteequipment.created", "A6", {"code": "DY-009", "product": product.pk, "serial": "S1"})
    ]


def test_a2_a_serial_number_cannot_contain_a_slash(agent):
    product, customer = ProductFactory(), CustomerFactory()
    with pytest.raises(ValidationFailed) as info:
        services.unit_create(actor=agent, product_id=product.pk, customer_id=customer.pk, **unit_args(serial="SN/1"))
    assert list(info.value.fields) == ["serial"]
    assert Unit.objects.count() == 0
