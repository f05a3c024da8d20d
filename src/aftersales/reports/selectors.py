"""Q1/Q4 figures of a period, read from the maintained day counts and facts (never all history).

A period is a range of local days [date_from, date_to] (both included). Statistics sum the
DayCount rows of those days; KPIs sum the GroupDayCount rows of those days and read the times
from the period's entries of a narrow RequestFact index (docs/decisions/0039).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import TruncMonth
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
from aftersales.reports.facts import CLOCK, DONE, FTF_DIM, GROUP_COLUMNS, OPEN, SLA_DIM
from aftersales.reports.models import DayCount, GroupDayCount, RequestFact
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
    return Statistics(by=by, date_from=date_from, date_to=date_to, total=total, items=_items(by, rows, total))


def _items(by: str, rows: Sequence[dict[str, Any]], total: int) -> list[Item]:
    """Day-count rows ({key, n, label}) of one dimension as statistics items: named, with their share of `total`."""
    names = labels_for(by, [r["key"] for r in rows]) if by != Dimension.PART else {"": _("Not recorded")}
    return [
        Item(
            key=r["key"],
            label=names.get(r["key"]) or r["label"] or r["key"],
            count=r["n"],
            share=round(r["n"] / total, 4) if total else 0.0,
        )
        for r in rows
    ]


def top_statistics(
    actor: Actor, *, date_from: dt.date, date_to: dt.date, bys: Sequence[str], limit: int
) -> dict[str, list[Item]]:
    """The first `limit` items of request_statistics for each dimension of `bys` (same order, labels and
    shares), from ONE query over the day counts of the period and one label look-up per dimension for the
    shown keys only (the quality dashboard: docs/decisions/0040). Its cost follows the period, not history."""
    actor.require_perm(VIEW_PERM)
    period_check(date_from, date_to)
    rows = (
        DayCount.objects.filter(dim__in=list(bys), day__gte=date_from, day__lte=date_to)
        .values("dim", "key")
        .annotate(n=Sum("count"), label=Max("label"))
        .filter(n__gt=0)
    )
    per_dim: dict[str, list[dict[str, Any]]] = {by: [] for by in bys}
    for row in rows:
        per_dim[row["dim"]].append(row)
    found: dict[str, list[Item]] = {}
    for by, items in per_dim.items():
        total = sum(r["n"] for r in items)
        items.sort(key=lambda r: (-r["n"], r["key"]))
        found[by] = _items(by, items[:limit], total)
    return found


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


def _times(date_from: dt.date, date_to: dt.date, column: str | None) -> dict[str, list[Any]]:
    """Per group: [requests, response median, p90, resolution median, p90] (seconds) of the requests
    received in the period, from the narrow index reqfact_times_idx (PostgreSQL: percentile_disc in
    the database; SQLite: the nearest rank here, the same definition)."""
    from django.db import connection

    found: dict[str, list[Any]] = {}
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        group = f"r.{qn(column)}" if column else "''"
        times = ", ".join(
            f"percentile_disc({q}) WITHIN GROUP (ORDER BY r.{c})"
            for c in ("response_seconds", "resolution_seconds")
            for q in (0.5, 0.9)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {group}, COUNT(*), {times} FROM {qn(RequestFact._meta.db_table)} r "  # noqa: S608 (table and column names only)
                "WHERE r.day >= %s AND r.day <= %s GROUP BY 1",
                [date_from, date_to],
            )
            for key, n, *values in cursor.fetchall():
                found[_key(key)] = [n, *values]
        return found
    response: dict[str, list[int]] = defaultdict(list)
    resolution: dict[str, list[int]] = defaultdict(list)
    requests: dict[str, int] = defaultdict(int)
    fields = [column] if column else []
    rows = RequestFact.objects.filter(day__gte=date_from, day__lte=date_to).values_list(
        *fields, "response_seconds", "resolution_seconds"
    )
    for row in rows.iterator(chunk_size=20_000):
        key = _key(row[0]) if column else ""
        resp, resol = row[-2], row[-1]
        requests[key] += 1
        if resp is not None:
            response[key].append(resp)
        if resol is not None:
            resolution[key].append(resol)
    for key, n in requests.items():
        found[key] = [
            n,
            percentile(response[key], 0.5),
            percentile(response[key], 0.9),
            percentile(resolution[key], 0.5),
            percentile(resolution[key], 0.9),
        ]
    return found


def kpis(actor: Actor, *, date_from: dt.date, date_to: dt.date, by: str) -> list[Kpi]:
    """Q4 per group of `by` (see the definitions on the KPI page and in docs/decisions/0031).

    Requests count in the period they were received; clocks in the period they stopped; ratings
    in the period they were given. Counts and rates read the period's GroupDayCount rows, times the
    period's entries of a narrow fact index (docs/decisions/0039): O(period), never all history.
    `by` outside the KPI groupings (KPI_DIMENSIONS) gives one group for the whole period."""
    actor.require_perm(VIEW_PERM)
    period_check(date_from, date_to)
    dim = by if by in GROUP_COLUMNS else "all"
    column = GROUP_COLUMNS[dim]  # None: one group, the whole period ("")
    times = _times(date_from, date_to, column)
    fixed: dict[str, list[int]] = {}  # [first-time fixes, completed]
    cost: dict[str, list[int]] = {}  # [fen, completed]
    sla: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for key, measure, n, hits, amount in (
        GroupDayCount.objects.filter(dim=dim, day__gte=date_from, day__lte=date_to)
        .exclude(measure=OPEN)
        .values_list("key", "measure")
        .annotate(n=Sum("count"), h=Sum("hits"), a=Sum("amount"))
        .order_by()
    ):
        if not n:
            continue
        if measure == DONE:
            fixed[key] = [hits, n]
            cost[key] = [amount, n]
        elif measure.startswith(CLOCK):
            sla[key][measure[len(CLOCK) :]] = [hits, n]
    satisfied: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    tz = timezone.get_current_timezone()
    rating_rows = ServiceRating.objects.filter(
        created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
        created_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    ).values_list("request_id", *RATING_ITEMS)
    rated = list(rating_rows)
    if rated:
        group_of = (
            dict(RequestFact.objects.filter(pk__in=[r[0] for r in rated]).values_list("request_id", column))
            if column
            else {}
        )
        for request_id, *items in rated:
            key = _key(group_of.get(request_id)) if column else ""
            satisfied[key][0] += sum(1 for level in items if level in GOOD_RATINGS)
            satisfied[key][1] += len(items)
    keys = sorted(set(times) | set(sla) | set(satisfied), key=lambda k: (-times.get(k, [0])[0], k))
    names = labels_for(by, keys) if column else {"": _("All")}
    found = []
    for key in keys:
        n, resp_median, resp_p90, resol_median, resol_p90 = times.get(key, [0, None, None, None, None])
        clocks = sla.get(key, {})
        close = clocks.get("close", [0, 0])
        spend = cost.get(key)
        found.append(
            Kpi(
                key=key,
                label=names.get(key, key),
                requests=n,
                response_minutes_median=_minutes(resp_median),
                response_minutes_p90=_minutes(resp_p90),
                resolution_minutes_median=_minutes(resol_median),
                resolution_minutes_p90=_minutes(resol_p90),
                first_time_fix_rate=_rate(*fixed[key]) if key in fixed else None,
                sla_attainment={kind: _rate(met, total) for kind, (met, total) in sorted(clocks.items())},
                complaints_closed_on_time=_rate(*close),
                satisfaction=_rate(*satisfied[key]) if key in satisfied else None,
                repair_cost=float(round(Decimal(spend[0]) / 100 / spend[1], 2)) if spend else None,
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
    found: list[dict[str, Any]] = [
        {"from": a, "to": b, "requests": 0, "ftf": [0, 0], "sla": defaultdict(lambda: [0, 0])} for a, b in months
    ]
    counts = DayCount.objects.filter(dim__in=[FTF_DIM, SLA_DIM, Dimension.CHANNEL], day__gte=first, day__lte=last)
    slots: dict[dt.date, dict[str, Any]] = {}
    if all(a.day == 1 and month_bounds(a) == (a, b) for a, b in months):
        # Calendar months (the dashboards): summed per month in the database, a few dozen rows a month.
        slots = {m["from"]: m for m in found}
        rows: Iterable[tuple[str, dt.date, str, int]] = (
            counts.annotate(month=TruncMonth("day"))
            .values("dim", "month", "key")
            .annotate(n=Sum("count"))
            .values_list("dim", "month", "key", "n")
            .order_by()
        )
    else:
        rows = counts.values_list("dim", "day", "key", "count")
    for dim, day, key, count in rows:
        slot = slots.get(day) if slots else next((m for m in found if m["from"] <= day <= m["to"]), None)
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
    """Open service requests per service point (the head's dashboard), most first: the maintained
    "open" counts (GroupDayCount, one row per service point and day received with open requests)."""
    actor.require_perm(VIEW_PERM)
    rows: list[dict[str, Any]] = [
        r
        for r in GroupDayCount.objects.filter(dim=Dimension.SERVICE_POINT, measure=OPEN, count__gt=0)
        .values("key")
        .annotate(n=Sum("count"))
        .order_by("-n", "key")
        if r["n"]
    ]
    names = labels_for(Dimension.SERVICE_POINT, [r["key"] for r in rows])
    return [{"key": r["key"], "label": names.get(r["key"], ""), "count": r["n"]} for r in rows]


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
