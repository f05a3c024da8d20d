"""A3 warranty and S4 charging type: every branch, with the boundary days."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import translation

from aftersales.installed_base import selectors
from aftersales.installed_base.warranty import (
    ContractTerm,
    WarrantyTerms,
    add_months,
    coverage_on,
    warranty_for,
)
from aftersales.policies.services import policy_set
from tests.installed_base.factories import ContractFactory, CustomerFactory, ProductFactory, UnitFactory

D = dt.date
TERMS = WarrantyTerms(default_months=24, production_offset_months=3, policy_version=0)


def warranty(production=None, acceptance=None, unit=None, product=None, terms=TERMS):
    return warranty_for(
        production_date=production, acceptance_date=acceptance, unit_months=unit, product_months=product, terms=terms
    )


def contract(number, start, end, cover="office_hours"):
    return ContractTerm(number=number, start_date=start, end_date=end, cover=cover)


# --- A3: start -------------------------------------------------------------------------------


def test_a3_warranty_starts_at_the_acceptance_date_not_the_production_date():
    # given a unit produced in November whose acceptance was delayed to March
    w = warranty(production=D(2023, 11, 2), acceptance=D(2024, 3, 10), product=24)
    # then the 24 months run from the acceptance
    assert (w.start, w.end, w.basis, w.months, w.length_source) == (
        D(2024, 3, 10),
        D(2026, 3, 9),
        "acceptance",
        24,
        "product",
    )


def test_a3_without_acceptance_the_warranty_starts_three_months_after_production():
    w = warranty(production=D(2024, 1, 15))
    assert (w.start, w.end, w.basis, w.offset_months) == (
        D(2024, 4, 15),
        D(2026, 4, 14),
        "production_plus_3_months",
        3,
    )


@pytest.mark.parametrize(
    ("production", "start"),
    [
        (D(2023, 11, 30), D(2024, 2, 29)),  # leap year: clamped to 29 Feb
        (D(2022, 11, 30), D(2023, 2, 28)),  # clamped to 28 Feb
        (D(2024, 10, 31), D(2025, 1, 31)),  # across the year end, no clamp needed
    ],
)
def test_a3_production_offset_is_added_with_the_month_end_clamp(production, start):
    assert warranty(production=production).start == start


def test_a3_neither_production_nor_acceptance_date_is_refused():
    with pytest.raises(ValueError, match="production or an acceptance date"):
        warranty()


# --- A3: length ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "product", "months", "source", "end"),
    [
        (36, 12, 36, "unit", D(2027, 3, 9)),  # the unit's own term wins
        (None, 12, 12, "product", D(2025, 3, 9)),  # else the product's
        (None, None, 24, "policy", D(2026, 3, 9)),  # else the policy default
        (0, 12, 0, "unit", D(2024, 3, 9)),  # an explicit 0 on the unit means no warranty
    ],
)
def test_a3_length_is_the_units_term_else_the_products_else_the_policy(unit, product, months, source, end):
    w = warranty(acceptance=D(2024, 3, 10), unit=unit, product=product)
    assert (w.months, w.length_source, w.end) == (months, source, end)


def test_a3_a_zero_month_warranty_never_covers_a_day():
    w = warranty(acceptance=D(2024, 3, 10), unit=0)
    assert [w.covers(D(2024, 3, d)) for d in (9, 10, 11)] == [False, False, False]


def test_a3_policy_default_length_and_offset_come_from_the_terms():
    terms = WarrantyTerms(default_months=36, production_offset_months=6, policy_version=4)
    w = warranty(production=D(2024, 1, 15), terms=terms)
    assert (w.start, w.end, w.months, w.policy_version) == (D(2024, 7, 15), D(2027, 7, 14), 36, 4)


# --- A3: start <= D < start + length, months with the month-end clamp -----------------------


def test_a3_first_and_last_day_are_in_warranty_the_day_after_is_not():
    w = warranty(acceptance=D(2024, 3, 10))
    assert w.end == D(2026, 3, 9)
    assert w.covers(D(2024, 3, 9)) is False  # the day before the start
    assert w.covers(D(2024, 3, 10)) is True  # first day
    assert w.covers(D(2026, 3, 9)) is True  # last day
    assert w.covers(D(2026, 3, 10)) is False  # the day after


def test_a3_month_end_clamp_in_a_common_year():
    # 31 Jan 2023 + 1 month = 28 Feb 2023 (excluded), so the last day in warranty is 27 Feb
    w = warranty(acceptance=D(2023, 1, 31), unit=1)
    assert w.end == D(2023, 2, 27)
    assert (w.covers(D(2023, 2, 27)), w.covers(D(2023, 2, 28))) == (True, False)


def test_a3_month_end_clamp_in_a_leap_year():
    # 31 Jan 2024 + 1 month = 29 Feb 2024 (excluded), so the last day in warranty is 28 Feb
    w = warranty(acceptance=D(2024, 1, 31), unit=1)
    assert w.end == D(2024, 2, 28)
    assert (w.covers(D(2024, 2, 28)), w.covers(D(2024, 2, 29))) == (True, False)


def test_a3_leap_day_acceptance_ends_on_the_27th_of_february_in_a_common_year():
    # 29 Feb 2024 + 12 months = 28 Feb 2025 (excluded)
    assert warranty(acceptance=D(2024, 2, 29), unit=12).end == D(2025, 2, 27)


@pytest.mark.parametrize(
    ("day", "months", "result"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 1, 15), -13, D(2022, 12, 15)),
        (D(2024, 5, 31), 0, D(2024, 5, 31)),
    ],
)
def test_a3_add_months_clamps_to_the_month_end(day, months, result):
    assert add_months(day, months) == result


def test_a3_explanation_names_the_basis_length_and_last_day():
    with translation.override("en"):
        accepted = warranty(acceptance=D(2024, 3, 10), product=12).explanation()
        produced = warranty(production=D(2024, 1, 15)).explanation()
    assert accepted == (
        "Warranty: the warranty starts on the acceptance date 2024-03-10; it lasts 12 months "
        "(the product's term), so the last day in warranty is 2025-03-09."
    )
    assert produced == (
        "Warranty: there is no acceptance record, so the warranty starts 3 months after the "
        "production date, on 2024-04-15; it lasts 24 months (the policy default), so the last day in warranty "
        "is 2026-04-14."
    )


# --- S4: charging type from warranty and contracts ------------------------------------------

W = warranty(acceptance=D(2024, 3, 10))  # in warranty 2024-03-10 … 2026-03-09


def test_s4_in_warranty_is_c_free_even_with_an_active_contract():
    cov = coverage_on(warranty=W, contracts=[contract("HT1", D(2026, 1, 1), D(2026, 12, 31))], on=D(2026, 3, 9))
    assert (cov.in_warranty, cov.charging_type, cov.contract.number) == (True, "C", "HT1")


def test_s4_in_warranty_without_contract_is_c_free():
    cov = coverage_on(warranty=W, contracts=[], on=D(2024, 3, 10))
    assert (cov.in_warranty, cov.charging_type, cov.contract) == (True, "C", None)


def test_s4_out_of_warranty_with_an_active_contract_is_b_contract():
    cov = coverage_on(warranty=W, contracts=[contract("HT1", D(2026, 1, 1), D(2026, 12, 31))], on=D(2026, 3, 10))
    assert (cov.in_warranty, cov.charging_type, cov.contract.number) == (False, "B", "HT1")


@pytest.mark.parametrize("on", [D(2026, 6, 1), D(2026, 12, 31)])
def test_s4_contract_covers_its_first_and_last_day(on):
    cov = coverage_on(warranty=W, contracts=[contract("HT1", D(2026, 6, 1), D(2026, 12, 31))], on=on)
    assert cov.charging_type == "B"


def test_s4_contract_ended_yesterday_is_a_paid():
    cov = coverage_on(warranty=W, contracts=[contract("HT1", D(2026, 1, 1), D(2026, 6, 30))], on=D(2026, 7, 1))
    assert (cov.in_warranty, cov.charging_type, cov.contract) == (False, "A", None)


def test_s4_contract_starting_tomorrow_is_a_paid():
    cov = coverage_on(warranty=W, contracts=[contract("HT1", D(2026, 7, 2), D(2027, 6, 30))], on=D(2026, 7, 1))
    assert (cov.in_warranty, cov.charging_type, cov.contract) == (False, "A", None)


def test_s4_before_the_warranty_starts_is_c_free_the_suppliers_installation_duty():
    # Issue 13, fault 7: a delivered unit not yet accepted was charged A; A3 makes it C.
    with translation.override("en"):
        cov = coverage_on(warranty=W, contracts=[], on=D(2024, 3, 9))
    assert (cov.in_warranty, cov.before_acceptance, cov.charging_type) == (False, True, "C")
    assert "On 2024-03-09 the warranty has not started yet: before acceptance" in cov.explanation
    assert "Charging type: C free" in cov.explanation
    assert (cov.rules, cov.policy_version) == ("A3 · S4", 0)  # the small reference the pages add (0022)


def test_s4_before_acceptance_without_an_acceptance_record_is_c_free_too():
    produced = warranty(production=D(2026, 11, 20))  # starts 2027-02-20
    cov = coverage_on(warranty=produced, contracts=[], on=D(2026, 12, 7))
    assert (cov.before_acceptance, cov.charging_type) == (True, "C")


def test_s4_after_the_warranty_the_before_acceptance_rule_does_not_apply():
    cov = coverage_on(warranty=W, contracts=[], on=D(2026, 3, 10))
    assert (cov.before_acceptance, cov.charging_type) == (False, "A")


def test_s4_7x24_contract_is_preferred_to_office_hours():
    office = contract("HT1", D(2026, 1, 1), D(2027, 12, 31))  # ends later
    always = contract("HT2", D(2026, 1, 1), D(2026, 12, 31), cover="24x7")
    for order in itertools.permutations([office, always]):
        assert coverage_on(warranty=W, contracts=order, on=D(2026, 6, 1)).contract.number == "HT2"


def test_s4_among_equal_cover_the_contract_ending_last_wins():
    first = contract("HT1", D(2026, 1, 1), D(2026, 12, 31))
    second = contract("HT2", D(2026, 1, 1), D(2027, 3, 31))
    assert coverage_on(warranty=W, contracts=[first, second], on=D(2026, 6, 1)).contract.number == "HT2"


def test_s4_explanation_gives_warranty_contract_and_charging_type():
    with translation.override("en"):
        cov = coverage_on(
            warranty=W, contracts=[contract("HT20260007", D(2026, 1, 1), D(2026, 12, 31), "24x7")], on=D(2026, 3, 10)
        )
    assert cov.explanation == (
        "Warranty: the warranty starts on the acceptance date 2024-03-10; it lasts 24 months "
        "(the policy default), so the last day in warranty is 2026-03-09. On 2026-03-10 the warranty has ended. "
        "Service contract HT20260007 covers it from 2026-01-01 to 2026-12-31 (7×24). Charging type: B contract."
    )


# --- A3 through the database: policy values, selectors, the in-warranty filter -------------


@pytest.mark.django_db
def test_a3_policy_change_through_policy_set_changes_the_warranty(make_user, actor_of):
    # given a unit without own or product term, and one without acceptance record
    accepted = UnitFactory(acceptance_date=D(2024, 3, 10), production_date=None)
    produced = UnitFactory(acceptance_date=None, production_date=D(2024, 1, 15))
    before = selectors.unit_warranty(accepted)
    assert (before.months, before.end, before.length_source, before.policy_version) == (24, D(2026, 3, 9), "policy", 0)
    admin = actor_of(make_user("admin"))
    # when the administrator sets 36 months and a 6-month offset
    policy_set(actor=admin, key="A3.warranty_months", value=36, note="3 年质保")
    policy_set(actor=admin, key="A3.production_offset_months", value=6)
    # then the warranties follow the new policy version
    after = selectors.unit_warranty(accepted)
    assert (after.months, after.end, after.policy_version) == (36, D(2027, 3, 9), 2)
    late = selectors.unit_warranty(produced)
    assert (late.start, late.end, late.offset_months) == (D(2024, 7, 15), D(2027, 7, 14), 6)


@pytest.mark.django_db
def test_a3_unit_and_product_terms_win_over_the_policy_in_the_selector():
    product = ProductFactory(warranty_months=12)
    own = UnitFactory(product=product, warranty_months=36, acceptance_date=D(2024, 3, 10))
    by_product = UnitFactory(product=product, acceptance_date=D(2024, 3, 10))
    assert (selectors.unit_warranty(own).months, selectors.unit_warranty(own).length_source) == (36, "unit")
    assert (selectors.unit_warranty(by_product).months, selectors.unit_warranty(by_product).length_source) == (
        12,
        "product",
    )


@pytest.mark.django_db
def test_s4_unit_coverage_reads_the_units_contracts():
    unit = UnitFactory(acceptance_date=D(2023, 1, 31), warranty_months=12)  # last day 2024-01-30
    contract = ContractFactory(
        customer=unit.customer, units=[unit], start_date=D(2024, 1, 31), end_date=D(2024, 12, 31)
    )
    in_warranty = selectors.unit_coverage(unit, D(2024, 1, 30))
    on_contract = selectors.unit_coverage(unit, D(2024, 1, 31))
    after = selectors.unit_coverage(unit, D(2025, 1, 1))
    assert (in_warranty.charging_type, in_warranty.contract) == ("C", None)
    assert (on_contract.charging_type, on_contract.contract.number) == ("B", contract.number)
    assert (after.charging_type, after.contract) == ("A", None)


@pytest.mark.django_db
def test_a3_in_warranty_filter_agrees_with_the_rule_on_boundary_days(make_user, actor_of):
    # given units around month ends, leap days, with all three length sources and both bases
    actor = actor_of(make_user("agent"))
    customer = CustomerFactory()
    twelve = ProductFactory(warranty_months=12)
    plain = ProductFactory()
    specs = [
        {"acceptance_date": D(2023, 1, 31), "warranty_months": 1, "product": plain},
        {"acceptance_date": D(2024, 1, 31), "warranty_months": 1, "product": plain},
        {"acceptance_date": D(2024, 2, 29), "product": twelve},
        {"acceptance_date": D(2023, 3, 1), "product": twelve},
        {"acceptance_date": D(2022, 2, 28), "product": plain},
        {"acceptance_date": None, "production_date": D(2021, 11, 30), "product": plain},
        {"acceptance_date": None, "production_date": D(2022, 11, 30), "product": twelve},
        {"acceptance_date": None, "production_date": D(2023, 10, 31), "warranty_months": 4, "product": plain},
        {"acceptance_date": D(2024, 2, 28), "warranty_months": 0, "product": twelve},
    ]
    units = [UnitFactory(customer=customer, **spec) for spec in specs]
    days = [
        D(2023, 2, 27),
        D(2023, 2, 28),
        D(2024, 2, 28),
        D(2024, 2, 29),
        D(2024, 2, 27),
        D(2024, 3, 1),
        D(2025, 2, 27),
        D(2025, 2, 28),
        D(2024, 1, 30),
        D(2024, 1, 31),
        D(2024, 2, 1),
        D(2024, 5, 31),
        D(2024, 6, 1),
        D(2025, 1, 31),
        *(D(2024, 1, 25) + dt.timedelta(days=n) for n in range(40)),  # every day around the leap February
    ]
    terms = selectors.warranty_terms()
    for day in days:
        expected_in = {u.serial for u in units if selectors.unit_warranty(u, terms).covers(day)}
        found_in = set(selectors.unit_list(actor, in_warranty=True, on=day).values_list("serial", flat=True))
        found_out = set(selectors.unit_list(actor, in_warranty=False, on=day).values_list("serial", flat=True))
        assert found_in == expected_in, day
        assert found_out == {u.serial for u in units} - expected_in, day


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 8])
def test_s4_unit_list_with_coverage_takes_the_same_queries_for_any_number_of_units(
    count, make_user, actor_of, django_assert_num_queries
):
    # given a customer's units, each on a contract, and another customer's unit
    actor = actor_of(make_user("agent"))
    customer = CustomerFactory()
    units = [UnitFactory(customer=customer, acceptance_date=D(2020, 1, 10)) for _ in range(count)]
    contract = ContractFactory(customer=customer, units=units, start_date=D(2025, 1, 1), end_date=D(2025, 12, 31))
    UnitFactory()
    actor.has_perm("installed_base.view_unit")  # warm the permission cache
    # then: 1 policy read, the units, their contracts
    with django_assert_num_queries(3):
        rows = selectors.unit_list_with_coverage(actor, customer.pk, D(2025, 6, 1))
    assert [u.serial for u, _cov in rows] == sorted(u.serial for u in units)
    assert {(cov.charging_type, cov.contract.number) for _u, cov in rows} == {("B", contract.number)}


@pytest.mark.django_db
def test_s4_unit_with_terms_gives_what_the_orm_gives_and_the_same_coverage(django_assert_num_queries):
    # given a unit on three contracts (two of them active on the day) and one without any
    customer = CustomerFactory()
    unit = UnitFactory(customer=customer, acceptance_date=D(2020, 1, 10))
    bare = UnitFactory(customer=customer)
    for number, start, end in [("HT-B", D(2025, 1, 1), D(2025, 12, 31)), ("HT-A", D(2025, 1, 1), D(2026, 6, 30))]:
        ContractFactory(customer=customer, units=[unit], number=number, start_date=start, end_date=end)
    ContractFactory(
        customer=customer, units=[unit], number="HT-OLD", start_date=D(2023, 1, 1), end_date=D(2023, 12, 31)
    )
    # then its product and contracts come with it, in the model's order, and nothing more is read
    loaded = selectors.unit_with_terms(unit.serial)
    orm = type(unit).objects.select_related("product").get(pk=unit.pk)
    orm_contracts = [c.number for c in orm.contracts.all()]
    terms = selectors.warranty_terms()
    with django_assert_num_queries(0):
        assert loaded.product == orm.product
        assert [c.number for c in loaded.contracts.all()] == orm_contracts
        coverage = selectors.unit_coverage(loaded, D(2025, 6, 1), terms)
    assert coverage == selectors.unit_coverage(orm, D(2025, 6, 1), terms)
    assert coverage.contract.number == "HT-A"  # the active one ending last
    assert list(selectors.unit_with_terms(bare.serial).contracts.all()) == []
    assert selectors.unit_with_terms("NO-SUCH-SERIAL") is None
