"""The demand plan's reads (P5): per part of one store, the figures of parts.planning, from a handful of
grouped queries over the ledger and the open requisitions (no query per part)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from aftersales.parts.flow import stock
from aftersales.parts.flow.choices import RequisitionState
from aftersales.parts.models import RequisitionLine, StockPlan
from aftersales.parts.planning import PlanTerms, suggested
from aftersales.policies.selectors import policy_get

HISTORY_KEY = "P5.history_months"
LEAD_TIME_KEY = "P5.lead_time_months"
COVER_KEY = "P5.cover_months"


@dataclass(slots=True)
class PlanItem:
    part_id: int
    part_code: str
    part_name: str
    store_id: int
    store_code: str
    consumed: int
    waiting: int
    on_hand: int
    reserved: int
    available: int
    in_transit: int
    safety_stock: int
    reorder_point: int
    suggested: int
    unit_cost: Any
    below_reorder_point: bool


def plan_terms(months: int | None = None) -> tuple[PlanTerms, dict[str, int]]:
    """The policy numbers in force (and their versions); `months` overrides the history length."""
    history = policy_get(HISTORY_KEY)
    lead = policy_get(LEAD_TIME_KEY)
    cover = policy_get(COVER_KEY)
    terms = PlanTerms(
        history_months=months or int(history.value),
        lead_time_months=int(lead.value),
        cover_months=int(cover.value),
    )
    return terms, {HISTORY_KEY: history.version, LEAD_TIME_KEY: lead.version, COVER_KEY: cover.version}


def history_start(months: int, *, now: dt.datetime | None = None) -> dt.datetime:
    """The first moment of the history: the same local day `months` months back (clamped to the month's end)."""
    now = timezone.localtime(now or timezone.now())
    year, month = divmod(now.month - 1 - months, 12)
    year += now.year
    month += 1
    day = now.day
    while True:
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


def waiting_by_part(store_id: int) -> dict[int, int]:
    """Quantities asked of this store on requisitions not yet approved (approved ones are already reserved,
    so counted in `available`)."""
    rows = (
        RequisitionLine.objects.filter(
            requisition__from_store_id=store_id, requisition__state=RequisitionState.REQUESTED
        )
        .values("part_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {row["part_id"]: int(row["total"] or 0) for row in rows}


def demand_plan(store: Any, *, months: int | None = None, now: dt.datetime | None = None) -> list[PlanItem]:
    """P5: one item per part the store stocks, used, plans or is asked for, ordered by part code.

    Rule: P5. Reads: the ledger's consumption since history_start, the derived levels, open requisitions,
    the stock plans (safety stock, reorder point) and the catalogue's standard cost.
    """
    terms, _versions = plan_terms(months)
    since = history_start(terms.history_months, now=now)
    consumed = stock.consumed_by_part(store.pk, since=since)
    levels, parts = stock.levels_with_parts(store.pk)
    waiting = waiting_by_part(store.pk)
    plans = {
        row["part_id"]: (row["safety_stock"], row["reorder_point"])
        for row in StockPlan.objects.filter(store_id=store.pk).values("part_id", "safety_stock", "reorder_point")
    }
    part_ids = set(levels)
    part_ids.update(consumed, waiting, plans)
    parts.update(stock.parts_brief(part_ids - parts.keys()))  # parts used or planned but with no level row
    # 20,000 parts: plain loops over prefetched dicts, positional PlanItems (a keyword call per field cost
    # as much as the reads); the arithmetic stays in parts.planning.suggested.
    items: list[PlanItem] = []
    append = items.append
    store_id, store_code = store.pk, store.code
    no_level, no_plan, no_part = (0, 0, 0), (0, 0), ("", "", 0)
    for part_id in part_ids:
        code, name, cost = parts.get(part_id, no_part)
        on_hand, reserved, in_transit = levels.get(part_id, no_level)
        safety, reorder = plans.get(part_id, no_plan) if plans else no_plan
        used = consumed.get(part_id, 0)
        asked = waiting.get(part_id, 0) if waiting else 0
        available = on_hand - reserved
        append(
            PlanItem(
                part_id,
                code,
                name,
                store_id,
                store_code,
                used,
                asked,
                on_hand,
                reserved,
                available,
                in_transit,
                safety,
                reorder,
                suggested(
                    consumed=used,
                    waiting=asked,
                    available=available,
                    in_transit=in_transit,
                    safety_stock=safety,
                    terms=terms,
                ),
                cost,
                reorder > 0 and available < reorder,
            )
        )
    items.sort(key=lambda item: item.part_code)
    return items
