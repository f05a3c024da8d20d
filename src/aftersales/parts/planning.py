"""The demand plan's arithmetic (P5), pure: no database, no policy reads — the selectors pass the numbers.

suggested = max(0, monthly consumption × (lead time + cover) + waiting + safety stock − available − in transit),
where monthly consumption = consumed over the history ÷ its months. Quantities are whole units: the
total is rounded up (a part used once in six months still asks for one when nothing is in stock).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanTerms:
    """The policy numbers in force (P5.history_months, P5.lead_time_months, P5.cover_months)."""

    history_months: int
    lead_time_months: int
    cover_months: int


@dataclass(frozen=True)
class PlanInputs:
    """One part in one store: what the ledger and the open requests say."""

    consumed: int  # consumed over the history months
    waiting: int  # open requests waiting for the part (not yet reserved)
    on_hand: int
    reserved: int
    in_transit: int
    safety_stock: int = 0
    reorder_point: int = 0

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


def suggested(
    *, consumed: int, waiting: int, available: int, in_transit: int, safety_stock: int, terms: PlanTerms
) -> int:
    """P5 in whole units (0 when the stock covers the need). Exact integer arithmetic over the history's
    months: 7 used in 6 months over 3 months is 21/6 = 3.5 → 4, never 3.4999…"""
    months = terms.history_months
    if months <= 0:
        raise ValueError("history_months must be positive")
    rest = waiting + safety_stock - available - in_transit
    numerator = max(consumed, 0) * (terms.lead_time_months + terms.cover_months) + rest * months
    return max(0, -(-numerator // months))


def suggested_quantity(inputs: PlanInputs, terms: PlanTerms) -> int:
    """suggested() of one part's figures."""
    return suggested(
        consumed=inputs.consumed,
        waiting=inputs.waiting,
        available=inputs.available,
        in_transit=inputs.in_transit,
        safety_stock=inputs.safety_stock,
        terms=terms,
    )


def below_reorder_point(inputs: PlanInputs) -> bool:
    """A reorder alert: the available quantity fell under the reorder point (none without a point)."""
    return inputs.reorder_point > 0 and inputs.available < inputs.reorder_point
