"""The set-based planner (date ranges in SQL, keys taken skipped in SQL) plans exactly what the reference
planner plans (every unit read, A3 computed in Python), on a random small world over several days."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from aftersales.callbacks.models import Callback, SiteCheck
from aftersales.callbacks.planning import warranty_bounds
from aftersales.callbacks.services import callbacks_plan
from aftersales.clocks.models import Clock
from aftersales.installed_base.warranty import WarrantyTerms, add_months, warranty_for
from aftersales.policies.services import policy_set
from tests.installed_base.factories import CustomerFactory, ProductFactory, UnitFactory

DAYS = [
    dt.date(2026, 1, 31),
    dt.date(2026, 2, 1),
    dt.date(2026, 2, 27),
    dt.date(2026, 2, 28),
    dt.date(2026, 3, 2),
    dt.date(2026, 3, 30),
    dt.date(2026, 3, 31),
]


def _world(seed: int) -> None:
    rng = random.Random(seed)
    products = [ProductFactory(warranty_months=m) for m in (None, 0, 12, 18, 36)]
    customers = [CustomerFactory(key_account=rng.random() < 0.3) for _ in range(30)]
    serials = rng.sample(range(100_000, 999_999), 150)  # serial order differs from creation order
    for serial in serials:
        produced = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(4 * 365))
        accepted = None
        if rng.random() < 0.6:
            # month ends on purpose: the clamp is where a date range could go wrong
            accepted = rng.choice([add_months(dt.date(2023, 1, 31), rng.randrange(36)), produced + dt.timedelta(30)])
        UnitFactory(
            serial=f"R{serial}",
            customer=rng.choice(customers),
            product=rng.choice(products),
            production_date=produced,
            acceptance_date=accepted,
            warranty_months=rng.choice([None, None, None, 0, 6, 24, 30]),
        )


def _planned() -> tuple[set[tuple], set[tuple]]:
    callbacks = set(
        Callback.objects.values_list(
            "kind", "planning_key", "customer_id", "unit_id", "planned_on", "try_on", "due_at", "reason"
        )
    )
    checks = set(SiteCheck.objects.values_list("planning_key", "customer_id", "service_point_id", "month", "due_on"))
    return callbacks, checks


def _run(exact_scan: bool) -> tuple[set[tuple], set[tuple], list[int]]:
    totals = []
    for day in DAYS:
        totals.append(callbacks_plan(on=day, exact_scan=exact_scan).total)
        totals.append(callbacks_plan(on=day, exact_scan=exact_scan).total)  # twice: nothing new
    callbacks, checks = _planned()
    Clock.objects.filter(subject_type="callbacks.callback").delete()
    Callback.objects.all().delete()
    SiteCheck.objects.all().delete()
    return callbacks, checks, totals


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_planner_plans_what_the_reference_plans(seed):
    _world(seed)
    reference = _run(exact_scan=True)
    fast = _run(exact_scan=False)
    assert reference[0], "the world plans callbacks"
    assert {row[0] for row in reference[0]} >= {"warranty_month", "handover", "routine", "key_account_care"}
    assert fast == reference
    assert all(total == 0 for total in fast[2][1::2])  # the second run of each day planned nothing


@pytest.mark.django_db
def test_fast_planner_with_routine_callbacks_for_everyone_in_warranty(make_user, actor_of):
    _world(3)
    policy_set(actor=actor_of(make_user("admin")), key="V1.routine_customers", value="all")
    assert _run(exact_scan=False) == _run(exact_scan=True)


@pytest.mark.parametrize("months", [0, 1, 6, 12, 24, 36])
@pytest.mark.parametrize("offset", [None, 3])
@pytest.mark.parametrize("on", [dt.date(2026, 2, 28), dt.date(2026, 3, 31), dt.date(2028, 2, 29)])
def test_warranty_bounds_match_a3_day_by_day(months, offset, on):
    bounds = warranty_bounds(on, months, offset_months=offset, handover_months=1)
    terms = WarrantyTerms(production_offset_months=offset or 3)
    day = on - dt.timedelta(days=5 * 366)
    while day <= on + dt.timedelta(days=40):
        w = warranty_for(
            production_date=day if offset is not None else None,
            acceptance_date=None if offset is not None else day,
            unit_months=months,
            product_months=None,
            terms=terms,
        )
        inside = (bounds.after is None or day > bounds.after) and bounds.until is not None and day <= bounds.until
        assert inside == w.covers(on), day
        handover = bounds.handover_until is not None and day <= bounds.handover_until
        assert handover == (add_months(w.end, -1) <= on), day
        day += dt.timedelta(days=1)
