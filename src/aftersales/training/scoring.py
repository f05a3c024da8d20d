"""T2: does an assessment pass, and until when is its certificate valid (pure: no queries)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

PARTS = ("theory", "practice", "simulated")


def assessment_passed(scores: Mapping[str, Decimal], pass_marks: Mapping[str, int | float]) -> bool:
    """Passed when every part reaches its pass mark (a mark is reached at exactly the mark)."""
    return all(Decimal(str(scores[part])) >= Decimal(str(pass_marks[part])) for part in PARTS)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(issued_on: dt.date, months: int) -> dt.date:
    """The last day a certificate is valid: `months` after it was issued, less one day."""
    return add_months(issued_on, months) - dt.timedelta(days=1)
