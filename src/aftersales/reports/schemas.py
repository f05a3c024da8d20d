"""API shapes of the statistics and KPIs (names fixed by issue 16)."""

from ninja import Schema


class StatisticsItemOut(Schema):
    key: str
    label: str
    count: int
    share: float


class StatisticsOut(Schema):
    by: str
    total: int
    items: list[StatisticsItemOut]


class KpiOut(Schema):
    key: str
    label: str
    requests: int
    response_minutes_median: float | None
    response_minutes_p90: float | None
    resolution_minutes_median: float | None
    resolution_minutes_p90: float | None
    first_time_fix_rate: float | None
    sla_attainment: dict[str, float | None]
    complaints_closed_on_time: float | None
    satisfaction: float | None
    repair_cost: float | None
