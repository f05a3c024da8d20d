"""The dashboards' shortcuts (docs/decisions/0040) give the same figures as the plain selectors: the
quality dashboard's one query for its three figures, and the monthly trends summed per month in the
database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aftersales.accounts.selectors import actor_for
from aftersales.reports import selectors
from tests.reports.conftest import add_part, at, make_request, stopped_clock


def _data(world: dict[str, Any]) -> None:
    s1, s2 = world["symptoms"]
    for day, symptom, unit in [
        ("2026-09-03", s1, 0), ("2026-10-02", s1, 0), ("2026-10-31", s2, 1), ("2026-11-01", s1, 1),
        ("2026-11-02", s1, 0), ("2026-11-03", s2, 0), ("2026-11-30", s2, 1),
    ]:  # fmt: skip
        request = make_request(world, at(day), symptom_code=symptom, unit=world["units"][unit])
        add_part(world, request, "P-1" if unit else "P-2", "主轴轴承" if unit else "液压泵")
        due = at(day, 12)
        stopped_clock(request, "respond", due_at=due, stopped_at=due if unit else due + dt.timedelta(hours=1))


def test_top_statistics_are_the_first_items_of_each_dimension(world: dict[str, Any], make_user: Any) -> None:
    _data(world)
    actor = actor_for(make_user("quality"))
    start, end = dt.date(2026, 10, 1), dt.date(2026, 11, 30)
    for limit in (1, 15):
        tops = selectors.top_statistics(
            actor, date_from=start, date_to=end, bys=("symptom", "product", "part"), limit=limit
        )
        assert list(tops) == ["symptom", "product", "part"]
        for by, items in tops.items():
            plain = selectors.request_statistics(actor, date_from=start, date_to=end, by=by).items[:limit]
            assert items == plain, by
            assert items  # the data has every dimension
    assert (
        selectors.top_statistics(actor, date_from=start, date_to=end, bys=("symptom",), limit=15)["symptom"][0].count
        == 3
    )


def test_monthly_trends_summed_in_the_database_equal_the_day_by_day_sums(world: dict[str, Any], make_user: Any) -> None:
    _data(world)
    actor = actor_for(make_user("cs_manager"))
    months = [selectors.month_bounds(dt.date(2026, m, 1)) for m in (9, 10, 11)]
    fast = selectors.monthly_rates(actor, months=months)
    # A leading slot that is not a calendar month sends the whole call through the day-by-day path.
    plain = selectors.monthly_rates(actor, months=[(dt.date(2026, 8, 30), dt.date(2026, 8, 31)), *months])[1:]
    assert fast == plain
    assert [m["requests"] for m in fast] == [1, 2, 4]
    assert fast[2]["sla_attainment"]["respond"] == 0.5
