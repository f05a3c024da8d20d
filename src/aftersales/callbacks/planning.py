"""V1 (A5) planning arithmetic as pure functions: which period a callback belongs to, and the
hand-over date of a warranty. No database, no clock."""

from __future__ import annotations

import datetime as dt

from aftersales.installed_base.warranty import add_months

SPREAD_DAYS = 28  # a month's per-customer callbacks and site checks are spread over its first 28 days


def handover_date(last_day_in_warranty: dt.date, months_before: int) -> dt.date:
    """A5: the hand-over callback's day, `months_before` months before the last day in warranty, with
    the month-end clamp (last day 30 March, one month before → 28 February; 29 February in a leap year)."""
    return add_months(last_day_in_warranty, -months_before)


def week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_key(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def spread_day(customer_id: int, month_start: dt.date) -> dt.date:
    """The day of the month a customer's monthly callback and site check are planned (spreads the load)."""
    return month_start + dt.timedelta(days=customer_id % SPREAD_DAYS)


def care_period(day: dt.date, every_months: int) -> tuple[str, dt.date]:
    """The key-account care period containing `day` (every `every_months` months from January) and its start."""
    index = (day.month - 1) // every_months
    start = dt.date(day.year, index * every_months + 1, 1)
    return f"{day.year}-C{every_months}-{index + 1}", start
