"""V1 (A5) planning arithmetic as pure functions: which period a callback belongs to, and the
hand-over date of a warranty. No database, no clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

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


# --- the warranty window as date bounds (the planner's SQL filter) ------------------------------------

_FAR_PAST, _FAR_FUTURE = dt.date(1900, 1, 1), dt.date(2400, 12, 31)


def last_date_with(f: Callable[[dt.date], dt.date], limit: dt.date) -> dt.date | None:
    """The last day d (1900–2400) with f(d) <= limit, for a non-decreasing f (add_months and its
    compositions are: a later start never gives an earlier result); None when there is none."""
    lo, hi = _FAR_PAST.toordinal(), _FAR_FUTURE.toordinal()
    if f(dt.date.fromordinal(lo)) > limit:
        return None
    while lo < hi:  # invariant: f(lo) <= limit
        mid = (lo + hi + 1) // 2
        if f(dt.date.fromordinal(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return dt.date.fromordinal(lo)


@dataclass(frozen=True)
class StartBounds:
    """For one warranty length, bounds on a unit's date (acceptance date, or production date when the
    warranty starts `offset` months after it): in warranty on a day when after < date <= until (after
    None: no lower bound); its hand-over day has come when date <= handover_until (None: never)."""

    after: dt.date | None
    until: dt.date | None
    handover_until: dt.date | None


def warranty_bounds(on: dt.date, months: int, *, offset_months: int | None, handover_months: int) -> StartBounds:
    """A3 + A5 as bounds on a date column: a unit is in warranty on `on` when its start s satisfies
    s <= on <= end(s) (end(s) = s + months − 1 day, month-end clamp); its hand-over day has come when
    add_months(end(s), −handover_months) <= on. With `offset_months`, s = production date + offset."""

    def start(d: dt.date) -> dt.date:
        return d if offset_months is None else add_months(d, offset_months)

    def end(d: dt.date) -> dt.date:
        return add_months(start(d), months) - dt.timedelta(days=1)

    return StartBounds(
        after=last_date_with(end, on - dt.timedelta(days=1)),
        until=last_date_with(start, on),
        handover_until=last_date_with(lambda d: handover_date(end(d), handover_months), on),
    )
