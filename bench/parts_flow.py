"""Parts flows (issue 14, P5): the demand plan of all parts of one store over the parts bench's ledger.

The data are bench.parts' (1,000,000 ledger rows by default, 20,000 parts, 500 stores; loaded once and kept).
The store measured is the central store BS000, which holds every one of the 20,000 parts, so its plan has
20,000 items: consumption over the history (one grouped query on the ledger, index store × part), levels,
open requisitions, stock plans, the catalogue — then the formula per part. Goal: < 1 s. Median and worst
of 5 runs after one warm-up.

Alone, on its own databases (no base dataset needed):
    python -m bench.parts_flow sqlite:///var/bench-partsflow/bench.sqlite3
    python -m bench.parts_flow postgres://…/aftersales_NAME_bench
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import Any

from bench.report import Figure

AREA = "parts_flow"
RUNS = 5
GOAL_SECONDS = 1.0


def _plan() -> list[Figure]:
    from django.db import connection

    from aftersales.parts.flow.planning_selectors import demand_plan
    from aftersales.parts.models import StockMove, Store

    store = Store.objects.get(code="BS000")
    rows = StockMove.objects.count()
    demand_plan(store)  # warm-up
    times = []
    items: list[Any] = []
    for _ in range(RUNS):
        start = time.perf_counter()
        items = demand_plan(store)
        times.append(time.perf_counter() - start)
    worst, median = max(times), statistics.median(times)
    suggested = sum(1 for item in items if item.suggested > 0)
    return [
        Figure(
            AREA,
            f"demand plan of one store: {len(items):,} parts over {rows:,} ledger rows ({connection.vendor})",
            worst * 1000,
            "ms",
            goal="< 1000 ms",
            ok=worst < GOAL_SECONDS,
            note=f"worst of {RUNS}; median {median * 1000:.0f} ms; {suggested:,} parts with a suggestion",
        )
    ]


def run(ctx: Any) -> list[Figure]:
    from bench.parts import _load

    load = _load(ctx)
    figures = _plan()
    if load:
        figures.append(Figure(AREA, "bulk load of the parts ledger (bench.parts)", load, "s"))
    return figures


def main(url: str) -> None:
    from bench.database import setup_django

    setup_django(url)
    from bench.parts import _load

    load = _load(None)  # type: ignore[arg-type]  # the load reads no context
    for figure in [*_plan(), *([Figure(AREA, "bulk load", load, "s")] if load else [])]:
        print(
            f"{figure.name}: {figure.value:.1f} {figure.unit} {figure.goal} {'OK' if figure.ok else ''} {figure.note}"
        )


if __name__ == "__main__":
    main(sys.argv[1])
