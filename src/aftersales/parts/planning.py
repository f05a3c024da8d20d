"""The demand plan's arithmetic (P5), pure: no database, no policy reads — the selectors pass the numbers.

suggested = max(0, monthly consumption × (lead time + cover) + waiting + safety stock − available − in transit),
where monthly consumption = consumed over the history ÷ its months. Quantities are whole units: the
monthly need is rounded up (a part used once in six months still asks for one when nothing is in stock).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


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


def suggested_quantity(inputs: PlanInputs, terms: PlanTerms) -> int:
    """P5: how many to buy for this part and store (0 when the stock covers the need). Exact arithmetic
    (fractions) so that 7 used in 6 months over 3 months is 3.5 → 4, never 3.4999…"""
    if terms.history_months <= 0:
        raise ValueError("history_months must be positive")
    monthly = Fraction(max(inputs.consumed, 0), terms.history_months)
    need = monthly * (terms.lead_time_months + terms.cover_months)
    total = need + inputs.waiting + inputs.safety_stock - inputs.available - inputs.in_transit
    return max(0, math.ceil(total))


def below_reorder_point(inputs: PlanInputs) -> bool:
    """A reorder alert: the available quantity fell under the reorder point (none without a point)."""
    return inputs.reorder_point > 0 and inputs.available < inputs.reorder_point
