"""Warranty and coverage (A3, A4, S4).

Pure: installed_base.warranty.warranty_for + coverage_on over every unit's facts, loaded into
memory first. With the database: installed_base.selectors.unit_coverage for a sample of units
(fetch + compute, as a unit page does) and unit_list_with_coverage for a sample of customers,
when those selectors exist.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from bench.context import Context
from bench.report import Figure, Samples

AREA = "coverage"
DB_SAMPLE_UNITS = 500
DB_SAMPLE_CUSTOMERS = 100


def run(ctx: Context) -> list[Figure]:
    from django.utils import translation

    from aftersales.installed_base.models import ServiceContract, Unit
    from aftersales.installed_base.warranty import ContractTerm, WarrantyTerms, coverage_on, warranty_for

    translation.activate("zh-hans")
    selectors = _selectors()
    terms = selectors["warranty_terms"]() if "warranty_terms" in selectors else WarrantyTerms()
    on = dt.date.today()

    start = time.perf_counter()
    facts = list(
        Unit.objects.order_by().values_list(
            "id", "production_date", "acceptance_date", "warranty_months", "product__warranty_months"
        )
    )
    contracts: dict[int, list[ContractTerm]] = {}
    links = ServiceContract.units.through.objects.values_list(
        "unit_id",
        "servicecontract__number",
        "servicecontract__start_date",
        "servicecontract__end_date",
        "servicecontract__cover",
    )
    for unit_id, number, start_date, end_date, cover in links:
        contracts.setdefault(unit_id, []).append(ContractTerm(number, start_date, end_date, cover))
    load_seconds = time.perf_counter() - start

    start = time.perf_counter()
    warranties = [
        warranty_for(production_date=p, acceptance_date=a, unit_months=um, product_months=pm, terms=terms)
        for _id, p, a, um, pm in facts
    ]
    warranty_seconds = time.perf_counter() - start
    del warranties

    start = time.perf_counter()
    charging: dict[str, int] = {}
    for unit_id, p, a, um, pm in facts:
        warranty = warranty_for(production_date=p, acceptance_date=a, unit_months=um, product_months=pm, terms=terms)
        coverage = coverage_on(warranty=warranty, contracts=contracts.get(unit_id, ()), on=on)
        charging[coverage.charging_type] = charging.get(coverage.charging_type, 0) + 1
    coverage_seconds = time.perf_counter() - start

    n = len(facts)
    mix = ", ".join(f"{k}: {v * 100 / n:.0f}%" for k, v in sorted(charging.items()))
    figures = [
        Figure(AREA, f"load facts of {n:,} units", load_seconds, "s"),
        Figure(AREA, "warranty_for (pure)", n / warranty_seconds, "/s"),
        Figure(AREA, "warranty_for + coverage_on (pure)", n / coverage_seconds, "/s", note=f"charging types {mix}"),
    ]
    figures += _with_database(ctx, selectors, on)
    return figures


def _selectors() -> dict[str, Any]:
    try:
        from aftersales.installed_base import selectors
    except ImportError:
        return {}
    names = ["warranty_terms", "unit_coverage", "unit_list_with_coverage"]
    return {name: getattr(selectors, name) for name in names if hasattr(selectors, name)}


def _with_database(ctx: Context, selectors: dict[str, Any], on: dt.date) -> list[Figure]:
    from aftersales.installed_base.models import Unit

    figures = []
    if "unit_coverage" in selectors:
        unit_coverage = selectors["unit_coverage"]
        last = Unit.objects.order_by("-id").values_list("id", flat=True).first() or 0
        ids = ctx.rng.sample(range(1, last + 1), min(DB_SAMPLE_UNITS, last))
        samples = Samples()
        for unit_id in ids:
            start = time.perf_counter()
            unit = Unit.objects.select_related("product").prefetch_related("contracts").get(pk=unit_id)
            unit_coverage(unit, on)
            samples.add(time.perf_counter() - start)
        note = f"{len(ids)} units: fetch by id (+ product, contracts) and unit_coverage(unit, day)"
        figures += [
            Figure(AREA, "unit_coverage (DB), per unit p95", samples.p95(), "ms", note=note),
            Figure(AREA, "unit_coverage (DB)", 1000 * len(ids) / sum(samples.values), "/s"),
        ]
    else:
        figures.append(
            Figure(AREA, "unit_coverage (DB)", None, "", note="installed_base.selectors.unit_coverage not found")
        )
    if "unit_list_with_coverage" in selectors:
        from django.db.models import Count

        busy = list(
            Unit.objects.values_list("customer_id")
            .annotate(n=Count("id"))
            .filter(n__gte=3)
            .order_by("customer_id")
            .values_list("customer_id", flat=True)[:5000]
        )
        customers = ctx.rng.sample(busy, min(DB_SAMPLE_CUSTOMERS, len(busy)))
        samples = Samples()
        units = 0
        for customer_id in customers:
            start = time.perf_counter()
            units += len(selectors["unit_list_with_coverage"](ctx.actor, customer_id, on))
            samples.add(time.perf_counter() - start)
        figures.append(
            Figure(
                AREA,
                "unit_list_with_coverage (DB), p95",
                samples.p95(),
                "ms",
                note=f"{len(customers)} customers with ≥ 3 units, {units / max(len(customers), 1):.1f} units each",
            )
        )
    return figures
