"""C8: the conversion of enquiries into visits and purchases per period (pure: no queries).

An enquiry counts in the period it was received; it counts as visited when a visit was recorded
(even if the enquiry was dropped afterwards) or it was purchased (a purchase without a recorded visit
still went past the visit), and as purchased when it was purchased. Rates are fractions 0–1 of the enquiries of the period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PERIODS = ("month", "quarter")


def period_key(day: dt.date, by: str) -> str:
    """2026-03 by month, 2026-Q1 by quarter."""
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


@dataclass(frozen=True)
class PeriodConversion:
    period: str
    enquiries: int
    visited: int
    purchased: int

    @property
    def visit_rate(self) -> float:
        return round(self.visited / self.enquiries, 4) if self.enquiries else 0.0

    @property
    def purchase_rate(self) -> float:
        return round(self.purchased / self.enquiries, 4) if self.enquiries else 0.0

    @property
    def visit_to_purchase_rate(self) -> float:
        return round(self.purchased / self.visited, 4) if self.visited else 0.0


def conversion_by_period(rows: Iterable[tuple[dt.date, bool, bool]], by: str) -> list[PeriodConversion]:
    """One row per period with enquiries (oldest first) from (received day, visited, purchased). Rule: C8."""
    counts: dict[str, list[int]] = {}
    for day, visited, purchased in rows:
        row = counts.setdefault(period_key(day, by), [0, 0, 0])
        row[0] += 1
        if visited or purchased:
            row[1] += 1
        if purchased:
            row[2] += 1
    return [PeriodConversion(key, *counts[key]) for key in sorted(counts)]
