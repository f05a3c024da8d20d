"""Q1/Q4 figures of a period, read from the maintained day counts and facts (never all history).

A period is a range of local days [date_from, date_to] (both included). Statistics sum the
DayCount rows of those days; KPIs read the RequestFact / ClockFact rows whose stored day falls
in it, through their day index.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import RegionTier
from aftersales.accounts.models import ServicePoint, User
from aftersales.clocks.choices import ClockKind, ClockState
from aftersales.clocks.models import Clock
from aftersales.core.access import Actor
from aftersales.followup.choices import RatingLevel
from aftersales.followup.models import ServiceRating
from aftersales.installed_base.models import Product
from aftersales.reports.choices import Dimension
from aftersales.reports.errors import PeriodInvalid
from aftersales.reports.facts import FTF_DIM, SLA_DIM
from aftersales.reports.models import ClockFact, DayCount, RequestFact
from aftersales.service.choices import Channel
from aftersales.service.models import FaultCode, ServiceRequest
from aftersales.service.selectors import service_request_list

VIEW_PERM = "reports.view_statistics"
MAX_DAYS = 3660  # ten years: longer periods are refused
FACT_COLUMN: dict[str, str] = {
    Dimension.PRODUCT: "product_id",
    Dimension.SYMPTOM: "symptom_id",
    Dimension.SERVICE_POINT: "service_point_id",
    Dimension.ENGINEER: "engineer_id",
    Dimension.REGION_TIER: "region_tier",
    Dimension.CHANNEL: "channel",
}
GOOD_RATINGS = (RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED)
RATING_ITEMS = ("attitude", "skill", "arrival_time", "promises_kept")


def period_check(date_from: dt.date, date_to: dt.date) -> None:
    if date_to < date_from:
        raise PeriodInvalid(_("The end of the period is before its start."))
    if (date_to - date_from).days > MAX_DAYS:
        raise PeriodInvalid(_("The period is longer than ten years."))


def labels_for(dim: str, keys: Iterable[str]) -> dict[str, str]:
    """Display labels of dimension keys ("" = not recorded)."""
    keys = [k for k in keys if k]
    found: dict[str, str] = {"": _("Not recorded")}
    ids = [int(k) for k in keys if k.isdigit()]
    if dim == Dimension.PRODUCT:
        found |= {
            str(pk): f"{m} {n}" for pk, m, n in Product.objects.filter(pk__in=ids).values_list("pk", "model", "name")
        }
    elif dim == Dimension.SYMPTOM:
        found |= {str(pk): n for pk, n in FaultCode.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif dim == Dimension.SERVICE_POINT:
        found |= {str(pk): n for pk, n in ServicePoint.objects.filter(pk__in=ids).values_list("pk", "name")}
    elif dim == Dimension.ENGINEER:
        found |= {str(u.pk): str(u) for u in User.objects.filter(pk__in=ids)}
    elif dim == Dimension.CHANNEL:
        found |= {k: str(Channel(k).label) for k in keys if k in Channel.values}
    elif dim == Dimension.REGION_TIER:
        found |= {k: str(RegionTier(k).label) for k in keys if k in RegionTier.values}
    return found


@dataclass
class Item:
    key: str
    label: str
    count: int
    share: float


@dataclass
class Statistics:
    by: str
    date_from: dt.date
    date_to: dt.date
    total: int
    items: list[Item]


def request_statistics(actor: Actor, *, date_from: dt.date, date_to: dt.date, by: str) -> Statistics:
    """Q1: service requests received in the period by `by`, most first; share of the dimension's total.

    For parts a request counts once per part it used, so the total is the number of part uses."""
    actor.require_perm(VIEW_PERM)
    period_check(date_from, date_to)
    rows = list(
        DayCount.objects.filter(dim=by, day__gte=date_from, day__lte=date_to)
        .values("key")
        .annotate(n=Sum("count"), label=Max("label"))
        .filter(n__gt=0)
        .order_by("-n", "key")
    )
    total = sum(r["n"] for r in rows)
    names = labels_for(by, [r["key"] for r in rows]) if by != Dimension.PART else {"": _("Not recorded")}
    items = [
        Item(
            key=r["key"],
            label=names.get(r["key"]) or r["label"] or r["key"],
            count=r["n"],
            share=round(r["n"] / total, 4) if total else 0.0,
        )
        for r in rows
    ]
    return Statistics(by=by, date_from=date_from, date_to=date_to, total=total, items=items)


# --- Q4 KPIs -------------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest rank (PostgreSQL's percentile_disc): the smallest value with at least q of them ≤ it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class Kpi:
    key: str
    label: str
    requests: int = 0
    response_minutes_median: float | None = None
    response_minutes_p90: float | None = None
    resolution_minutes_median: float | None = None
    resolution_minutes_p90: float | None = None
    first_time_fix_rate: float | None = None
    sla_attainment: dict[str, float | None] = field(default_factory=dict)
    complaints_closed_on_time: float | None = None
    satisfaction: float | None = None
    repair_cost: float | None = None


def kpis(actor: Actor, *, date_from: dt.date, date_to: dt.date, by: str) -> list[Kpi]:
    """Q4 per group of `by` (see the definitions on the KPI page and in docs/decisions/0031).

    Requests count in the period they were received; clocks in the period they stopped; ratings
    in the period they were given."""
    actor.require_perm(VIEW_PERM)
    period_check(date_from, date_to)
    column = FACT_COLUMN.get(by)  # None: one group, the whole period ("")
    group_column = column or "completed"
    response: dict[str, list[int]] = defaultdict(list)
    resolution: dict[str, list[int]] = defaultdict(list)
    requests: dict[str, int] = defaultdict(int)
    fixed: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # [first-time fixes, completed]
    cost: dict[str, list[Decimal]] = defaultdict(list)
    rows = RequestFact.objects.filter(day__gte=date_from, day__lte=date_to).values_list(
        group_column, "response_seconds", "resolution_seconds", "first_time_fix", "repair_cost"
    )
    for group, resp, resol, ftf, money in rows.iterator(chunk_size=20_000):
        key = "" if group is None or column is None else str(group)
        requests[key] += 1
        if resp is not None:
            response[key].append(resp)
        if resol is not None:
            resolution[key].append(resol)
        if ftf is not None:
            fixed[key][1] += 1
            fixed[key][0] += ftf
        if money is not None:
            cost[key].append(money)
    sla: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for group, kind, n, met in (
        ClockFact.objects.filter(day__gte=date_from, day__lte=date_to)
        .values_list(f"request_fact__{column}" if column else "kind", "kind")
        .annotate(n=Count("pk"), met=Count("pk", filter=Q(attained=True)))
        .order_by()
    ):
        sla["" if group is None or column is None else str(group)][kind] = [met, n]
    satisfied: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rating_rows = ServiceRating.objects.filter(
        created_at__date__gte=date_from, created_at__date__lte=date_to
    ).values_list("request_id", *RATING_ITEMS)
    rated = list(rating_rows)
    if rated:
        group_of = dict(
            RequestFact.objects.filter(pk__in=[r[0] for r in rated]).values_list("request_id", group_column)
        )
        for request_id, *items in rated:
            group = group_of.get(request_id)
            key = "" if group is None or column is None else str(group)
            satisfied[key][0] += sum(1 for level in items if level in GOOD_RATINGS)
            satisfied[key][1] += len(items)
    keys = sorted(set(requests) | set(sla) | set(satisfied), key=lambda k: (-requests.get(k, 0), k))
    names = labels_for(by, keys) if column else {"": _("All")}
    found = []
    for key in keys:
        clocks = sla.get(key, {})
        close = clocks.get("close", [0, 0])
        spend = cost.get(key, [])
        found.append(
            Kpi(
                key=key,
                label=names.get(key, key),
                requests=requests.get(key, 0),
                response_minutes_median=_minutes(percentile(response.get(key, []), 0.5)),
                response_minutes_p90=_minutes(percentile(response.get(key, []), 0.9)),
                resolution_minutes_median=_minutes(percentile(resolution.get(key, []), 0.5)),
                resolution_minutes_p90=_minutes(percentile(resolution.get(key, []), 0.9)),
                first_time_fix_rate=_rate(*fixed[key]) if key in fixed else None,
                sla_attainment={kind: _rate(met, n) for kind, (met, n) in sorted(clocks.items())},
                complaints_closed_on_time=_rate(*close),
                satisfaction=_rate(*satisfied[key]) if key in satisfied else None,
                repair_cost=float(round(sum(spend, Decimal(0)) / len(spend), 2)) if spend else None,
            )
        )
    return found


def statistics_visible(actor: Actor) -> bool:
    return actor.has_perm(VIEW_PERM)


def kpi_overall(actor: Actor, *, date_from: dt.date, date_to: dt.date) -> Kpi:
    """Q4 for the whole period, one group."""
    found = kpis(actor, date_from=date_from, date_to=date_to, by="all")
    return found[0] if found else Kpi(key="", label=_("All"))


def previous_period(date_from: dt.date, date_to: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length just before (a calendar month: the month before)."""
    if date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1:
        end = date_from - dt.timedelta(days=1)
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        start = end.replace(day=1)
        for _i in range(months - 1):
            start = (start - dt.timedelta(days=1)).replace(day=1)
        return start, end
    length = date_to - date_from
    return date_from - length - dt.timedelta(days=1), date_from - dt.timedelta(days=1)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    start = day.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


def monthly_rates(actor: Actor, *, months: list[tuple[dt.date, dt.date]]) -> list[dict[str, Any]]:
    """Per month: requests received, first-time fix rate and SLA attainment per clock kind, from the
    day counts only (a few hundred rows per month)."""
    actor.require_perm(VIEW_PERM)
    first, last = months[0][0], months[-1][1]
    rows = DayCount.objects.filter(
        dim__in=[FTF_DIM, SLA_DIM, Dimension.CHANNEL], day__gte=first, day__lte=last
    ).values_list("dim", "day", "key", "count")
    found: list[dict[str, Any]] = [
        {"from": a, "to": b, "requests": 0, "ftf": [0, 0], "sla": defaultdict(lambda: [0, 0])} for a, b in months
    ]
    for dim, day, key, count in rows:
        slot = next((m for m in found if m["from"] <= day <= m["to"]), None)
        if slot is None:
            continue
        if dim == Dimension.CHANNEL:
            slot["requests"] += count
        elif dim == FTF_DIM:
            slot["ftf"][0] += count if key == "1" else 0
            slot["ftf"][1] += count
        else:
            kind, _sep, met = key.partition(":")
            slot["sla"][kind][0] += count if met == "1" else 0
            slot["sla"][kind][1] += count
    return [
        {
            "from": m["from"],
            "to": m["to"],
            "requests": m["requests"],
            "first_time_fix_rate": _rate(*m["ftf"]),
            "sla_attainment": {kind: _rate(*v) for kind, v in sorted(m["sla"].items())},
        }
        for m in found
    ]


def requests_behind(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, by: str, key: str | None, open_only: bool = False
) -> QuerySet[ServiceRequest]:
    """The service requests a figure counts: received in the period, with `key` in dimension `by`
    (None: every request of the period). A bar of a chart links here."""
    actor.require_perm(VIEW_PERM)
    period_check(date_from, date_to)
    facts = RequestFact.objects.filter(day__gte=date_from, day__lte=date_to)
    qs = service_request_list(actor)
    if key is not None and by == Dimension.PART:
        qs = qs.filter(parts__part_code__iexact=key).distinct()
    elif key is not None and by in FACT_COLUMN:
        column = FACT_COLUMN[Dimension(by)]
        condition: dict[str, Any] = {f"{column}__isnull": True} if key == "" else {column: key}
        facts = facts.filter(**condition)
    if open_only:
        qs = qs.filter(open=True)
    return qs.filter(pk__in=facts.values("request_id"))


def backlog_by_service_point(actor: Actor) -> list[dict[str, Any]]:
    """Open service requests per service point (the head's dashboard), most first."""
    actor.require_perm(VIEW_PERM)
    rows: list[dict[str, Any]] = list(
        ServiceRequest.objects.filter(open__in=[True])  # not `open=True`: SQLite's bare WHERE "open" reads every row
        .values("service_point_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "service_point_id")
    )
    names = labels_for(Dimension.SERVICE_POINT, [_key(r["service_point_id"]) for r in rows])
    return [
        {"key": _key(r["service_point_id"]), "label": names.get(_key(r["service_point_id"]), ""), "count": r["n"]}
        for r in rows
    ]


def overdue_clocks_now(actor: Actor) -> list[dict[str, Any]]:
    """Running clocks past their due time now, per kind (breaches standing today)."""
    actor.require_perm(VIEW_PERM)
    rows = (
        Clock.objects.filter(state=ClockState.RUNNING, due_at__lte=timezone.now())
        .values("kind")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [{"key": r["kind"], "label": clock_kind_label(r["kind"]), "count": r["n"]} for r in rows]


def clock_kind_label(kind: str) -> str:
    return str(ClockKind(kind).label) if kind in ClockKind.values else kind


def _key(value: Any) -> str:
    return "" if value is None else str(value)
