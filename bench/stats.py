"""Statistics and KPIs (Q1, Q4; issue 16): each endpoint next to the raw SQL answering the same
question from the base tables, in the same run, at 1M service requests, 1M complaints, 3M clocks.

Load (once, kept between runs; AFTERSALES_BENCH_STATS_REQUESTS, default 1,000,000): service requests
numbered "BS" + 9 digits received evenly over the last two years, on the bench units (products),
with symptom codes, service points, engineers, channels and response tiers; ~95% completed with a
resolution and labour; ~35% with one or two parts lines; a stopped response and substitute (S10)
clock each (2M clocks, ~8% of them late); the 1M complaints of bench.complaints with a stopped close
clock each (1M clocks). The reports app's facts and day counts are load data too (inserted with
COPY from the same generator, like the phone index in bench.dataset); the run checks one month of
them against reports.facts computed from the base tables before measuring.

Measured (last full month, and the last twelve months for the statistics): the API request or page
through Django's full stack (session, auth, serialisation, template) next to the raw SQL answering
the same question — a GROUP BY over the base tables, the KPIs' percentiles with percentile_disc on
PostgreSQL, sorted values on SQLite; each dashboard against the raw queries of its own figures —
called alternately (AFTERSALES_BENCH_STATS_CALLS, default 9, after one warm-up), p50 and p95 of
each. AFTERSALES_BENCH_STATS_ONLY=word,… keeps the figures whose name contains a word. Goal: ≤ 2×
raw, API < 1 s and page < 200 ms on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from collections import Counter
from decimal import Decimal
from typing import Any

from bench.context import Context
from bench.database import analyze, insert_rows, log, reset_sequences
from bench.report import Figure, Samples

AREA = "stats"
PREFIX = "BS"
SPAN_DAYS = 730
CALLS = int(os.environ.get("AFTERSALES_BENCH_STATS_CALLS", "9"))  # interleaved calls of each side per figure
PARTS = [(f"BP-{i:04d}", f"配件{i:04d}") for i in range(200)]
CHANNELS = ["phone"] * 6 + ["email", "web", "web", "walk_in", "letter", "dispatch"]
TIERS = ["same_city", "same_city", "same_province", "remote"]
RESOLUTIONS = ["on_site"] * 6 + ["remote", "remote", "board_swap", "depot", "unsolved"]


def _total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_STATS_REQUESTS", "1000000"))


def _reference() -> tuple[list[int], list[int], list[int], list[tuple[int, int]]]:
    """Service points, engineers and symptom codes of the bench (created once), and (unit, product) pairs."""
    from aftersales.accounts.models import Region, ServicePoint, User
    from aftersales.accounts.services import user_create
    from aftersales.installed_base.models import Unit
    from aftersales.service.models import FaultCode

    region = Region.objects.order_by("pk").first()
    points = []
    for i in range(20):
        point, _ = ServicePoint.objects.get_or_create(
            code=f"BSP{i:02d}", defaults={"name": f"第{i + 1}服务站", "region": region}
        )
        points.append(point.pk)
    engineers = []
    for i in range(40):
        name = f"bench_eng_{i:02d}"
        user = User.objects.filter(username=name).first() or user_create(
            actor=None, username=name, password="bench-pass-123", role="engineer", display_name=f"工程师{i:02d}"
        )
        engineers.append(user.pk)
    symptoms = []
    for i in range(60):
        code, _ = FaultCode.objects.get_or_create(
            kind="symptom", category="", code=f"BS{i:02d}", defaults={"name": f"故障现象{i:02d}"}
        )
        symptoms.append(code.pk)
    units = list(Unit.objects.order_by("pk").values_list("pk", "product_id")[:300_000])
    return points, engineers, symptoms, units


def _clock(pk: int, subject_type: str, subject_id: int, kind: str, start: dt.datetime, target: int, used: int) -> dict:
    due = start + dt.timedelta(seconds=target)
    stopped = start + dt.timedelta(seconds=used)
    return {
        "id": pk,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        "kind": kind,
        "rule": "S6",
        "calendar_code": "24x7",
        "target_amount": target // 60,
        "target_unit": "minutes",
        "target_seconds": target,
        "state": "stopped",
        "started_at": start,
        "due_at": due,
        "stopped_at": stopped,
        "outcome": "met" if stopped <= due else "breached",
        "margin_seconds": target - used,
    }


def _load(ctx: Context, total: int) -> float:
    from django.db import connection, transaction
    from django.utils import timezone

    from aftersales.clocks.models import Clock
    from aftersales.reports.maintain import group_counts_rebuild
    from aftersales.reports.models import ClockFact, DayCount, GroupDayCount, RequestFact
    from aftersales.service.models import PartUsed, ServiceRequest

    have = ServiceRequest.objects.filter(number__startswith=PREFIX).count()
    if have == total and RequestFact.objects.count() >= total:
        start = time.perf_counter()
        if not GroupDayCount.objects.exists():  # facts loaded before the group counts existed
            log(f"stats: group day counts recounted from the facts: {group_counts_rebuild():,} rows")
        _vacuum()  # cheap when autovacuum already did it
        return time.perf_counter() - start
    log(f"stats: loading {total:,} service requests with parts, 3M clocks and their facts (once) …")
    start = time.perf_counter()
    qn = connection.ops.quote_name
    with transaction.atomic():
        with connection.cursor() as cursor:
            for model in (GroupDayCount, DayCount, ClockFact, RequestFact):
                cursor.execute(f"DELETE FROM {qn(model._meta.db_table)}")
            cursor.execute(
                f"DELETE FROM {qn(Clock._meta.db_table)} WHERE calendar_code = '24x7' AND rule IN ('S6', 'K5')"
            )
            cursor.execute(
                f"DELETE FROM {qn(PartUsed._meta.db_table)} WHERE request_id IN "
                f"(SELECT id FROM {qn(ServiceRequest._meta.db_table)} WHERE number LIKE %s)",
                [f"{PREFIX}%"],
            )
            cursor.execute(f"DELETE FROM {qn(ServiceRequest._meta.db_table)} WHERE number LIKE %s", [f"{PREFIX}%"])
        loaded = _generate(ctx, total, timezone.now().replace(microsecond=0))
        loaded["groupdaycount"] = group_counts_rebuild()  # the app's SQL recount from the facts
    reset_sequences([ServiceRequest, PartUsed, Clock, DayCount, GroupDayCount])
    analyze()
    _vacuum()
    log(f"stats: loaded {loaded}")
    return time.perf_counter() - start


def _vacuum() -> None:
    """PostgreSQL: VACUUM the reports tables after a bulk load, as autovacuum soon would in production,
    so the KPIs' narrow index is read without visiting the table (index-only scan)."""
    from django.db import connection

    from aftersales.reports.models import ClockFact, GroupDayCount, RequestFact

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (RequestFact, ClockFact, GroupDayCount):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def _generate(ctx: Context, total: int, now: dt.datetime) -> dict[str, int]:
    from django.db.models import Max

    from aftersales.clocks.models import Clock
    from aftersales.complaints.models import Complaint
    from aftersales.customers.models import Customer
    from aftersales.reports.facts import local_day, part_key
    from aftersales.reports.models import ClockFact, DayCount, RequestFact
    from aftersales.service.models import PartUsed, ServiceRequest

    points, engineers, symptoms, units = _reference()
    customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:50_000])
    rng = random.Random(20261207)
    first = (ServiceRequest.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    ids = {
        "clock": (Clock.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
        "part": (PartUsed.objects.aggregate(m=Max("pk"))["m"] or 0) + 1,
    }
    loaded = Counter[str]()
    requests: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    clocks: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    clock_facts: list[dict[str, Any]] = []
    counts: Counter[tuple[str, dt.date, str]] = Counter()
    labels: dict[tuple[str, dt.date, str], str] = {}

    def flush() -> None:
        for model, rows in (
            (ServiceRequest, requests),
            (PartUsed, parts),
            (Clock, clocks),
            (RequestFact, facts),
            (ClockFact, clock_facts),
        ):
            loaded[model._meta.model_name or ""] += insert_rows(model, rows)
            rows.clear()

    def clock(
        subject_type: str, subject_id: int, kind: str, begin: dt.datetime, target: int, used: int, request: int | None
    ) -> None:
        row = _clock(ids["clock"], subject_type, subject_id, kind, begin, target, used)
        clocks.append(row)
        clock_facts.append(
            {
                "clock_id": ids["clock"],
                "day": local_day(row["stopped_at"]),
                "kind": kind,
                "attained": used <= target,
                "request_fact_id": request,
            }
        )
        ids["clock"] += 1

    minutes = SPAN_DAYS * 24 * 60
    for i in range(total):
        if i and i % 100_000 == 0:
            flush()
            log(f"stats: {i:,} requests generated")
        pk = first + i
        received = now - dt.timedelta(minutes=rng.randrange(minutes))
        unit_id, product_id = rng.choice(units)
        point, engineer, symptom = rng.choice(points), rng.choice(engineers), rng.choice(symptoms)
        channel, tier = rng.choice(CHANNELS), rng.choice(TIERS)
        completed = received + dt.timedelta(minutes=rng.randrange(60, 60 * 24 * 5))
        done = rng.random() < 0.95 and completed < now
        resolution = rng.choice(RESOLUTIONS) if done else ""
        requests.append(
            {
                "id": pk,
                "number": f"{PREFIX}{i:09d}",
                "state": "closed" if done else "dispatched",
                "open": not done,
                "customer_id": rng.choice(customers),
                "unit_id": unit_id,
                "channel": channel,
                "priority": "general",
                "kind": "repair",
                "fault": "主轴异响",
                "symptom_code_id": symptom,
                "received_at": received,
                "received_by_id": ctx.actor.pk,
                "service_point_id": point,
                "region_tier": tier,
                "charging_type": "C",
                "calendar_code": "24x7",
                "engineer_id": engineer,
                "unit_location": "customer",
                "resolution": resolution,
                "labour_minutes": rng.randrange(30, 480) if done else None,
                "completed_at": completed if done else None,
                "closed_at": completed if done else None,
                "created_at": received,
            }
        )
        used_parts: dict[str, str] = {}
        cost = Decimal(0)
        if rng.random() < 0.35:
            for code, name in rng.sample(PARTS, k=rng.randint(1, 2)):
                price = Decimal(rng.randrange(50, 5000))
                parts.append(
                    {
                        "id": ids["part"],
                        "request_id": pk,
                        "part_code": code,
                        "part_name": name,
                        "quantity": 1,
                        "unit_price": price,
                        "recorded_by_id": engineer,
                        "created_at": received,
                    }
                )
                ids["part"] += 1
                key, label = part_key(code, name)
                used_parts[key] = label
                cost += price
        response = rng.randrange(5 * 60, 3 * 3600)
        clock("service.servicerequest", pk, "respond", received, 7200, response, pk)
        resolution_seconds = None
        if done:
            resolution_seconds = int((completed - received).total_seconds())
            clock("service.servicerequest", pk, "solve", received, 3 * 86400, resolution_seconds, pk)
        day = local_day(received)
        facts.append(
            {
                "request_id": pk,
                "day": day,
                "product_id": product_id,
                "symptom_id": symptom,
                "service_point_id": point,
                "engineer_id": engineer,
                "channel": channel,
                "region_tier": tier,
                "completed": done,
                "response_seconds": response,
                "resolution_seconds": resolution_seconds,
                "first_time_fix": (resolution in ("on_site", "remote", "board_swap")) if done else None,
                "repair_cost": cost if done else None,  # no fee standard in the bench database: parts only
                "parts": "\n".join(f"{k}\t{v}" for k, v in sorted(used_parts.items())),
                "open": not done,
            }
        )
        for dim, key in (
            ("product", str(product_id)),
            ("symptom", str(symptom)),
            ("service_point", str(point)),
            ("engineer", str(engineer)),
            ("channel", channel),
            ("region_tier", tier),
        ):
            counts[(dim, day, key)] += 1
        for key, label in used_parts.items():
            counts[("part", day, key)] += 1
            labels[("part", day, key)] = label
    flush()
    # Complaints: the close clock of each closed bench complaint (K5).
    for complaint_id, received, closed in (
        Complaint.objects.filter(number__startswith="BK", closed_at__isnull=False)
        .values_list("pk", "received_at", "closed_at")
        .iterator(chunk_size=50_000)
    ):
        clock(
            "complaints.complaint",
            complaint_id,
            "close",
            received,
            20 * 86400,
            int((closed - received).total_seconds()),
            None,
        )
        clocks[-1]["rule"] = "K5"
        if len(clocks) >= 100_000:
            flush()
    flush()
    loaded["daycount"] = insert_rows(
        DayCount,
        (
            {"id": n, "dim": d, "day": day, "key": k, "count": c, "label": labels.get((d, day, k), "")}
            for n, ((d, day, k), c) in enumerate(counts.items(), start=1)
        ),
    )
    return dict(loaded)


def _check_month(date_from: dt.date, date_to: dt.date) -> None:
    """The loaded facts of one month equal reports.facts computed from the base tables."""
    from aftersales.reports.facts import request_facts
    from aftersales.reports.models import RequestFact

    ids = list(RequestFact.objects.filter(day__gte=date_from, day__lte=date_to).values_list("pk", flat=True)[:3000])
    computed = request_facts(ids)
    stored = {r.pop("request_id"): r for r in RequestFact.objects.filter(pk__in=ids).values()}
    for pk, fact in computed.items():
        mine = {k: v for k, v in fact.values.items() if k not in {"repair_cost"}}
        theirs = {k: stored[pk][k] for k in mine}
        if mine != theirs:
            raise RuntimeError(f"bench facts differ from reports.facts for request {pk}: {mine} != {theirs}")


# --- raw SQL over the base tables ----------------------------------------------------------------

STAT_GROUP = {
    "product": ("u.product_id", "LEFT JOIN installed_base_unit u ON u.id = r.unit_id"),
    "symptom": ("COALESCE(r.confirmed_symptom_code_id, r.symptom_code_id)", ""),
    "service_point": ("r.service_point_id", ""),
    "engineer": ("r.engineer_id", ""),
    "channel": ("r.channel", ""),
}


def _raw_statistics(by: str, start: dt.datetime, end: dt.datetime) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        if by == "part":
            cursor.execute(
                "SELECT UPPER(TRIM(p.part_code)), COUNT(DISTINCT p.request_id) FROM service_partused p "
                "JOIN service_servicerequest r ON r.id = p.request_id "
                "WHERE r.received_at >= %s AND r.received_at < %s GROUP BY 1 ORDER BY 2 DESC",
                [start, end],
            )
        else:
            column, join = STAT_GROUP[by]
            cursor.execute(
                f"SELECT {column}, COUNT(*) FROM service_servicerequest r {join} "
                f"WHERE r.received_at >= %s AND r.received_at < %s GROUP BY 1 ORDER BY 2 DESC",
                [start, end],
            )
        return cursor.fetchall()


KPI_GROUP = {  # by → (group expression over service_servicerequest r, join)
    "service_point": ("r.service_point_id", ""),
    "product": ("u.product_id", "LEFT JOIN installed_base_unit u ON u.id = r.unit_id"),
    "all": ("''", ""),
}


def _raw_kpis(start: dt.datetime, end: dt.datetime, by: str = "service_point") -> Any:
    """Per group: response / resolution median and p90 in business seconds, first-time fix, repair
    cost (parts), and per clock kind the share of clocks stopped in the period that were on time."""
    from django.db import connection

    group, unit_join = KPI_GROUP[by]
    join = (
        f"{unit_join} JOIN clocks_clock c ON c.subject_type = 'service.servicerequest' "
        "AND c.subject_id = CAST(r.id AS VARCHAR(64))"
    )
    where = "r.received_at >= %s AND r.received_at < %s AND c.state = 'stopped' AND c.kind = %s"
    with connection.cursor() as cursor:
        times = {}
        for kind in ("respond", "solve"):
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT {group}, percentile_disc(0.5) WITHIN GROUP (ORDER BY c.target_seconds - c.margin_seconds), "
                    "percentile_disc(0.9) WITHIN GROUP (ORDER BY c.target_seconds - c.margin_seconds) "
                    f"FROM service_servicerequest r {join} WHERE {where} GROUP BY 1",
                    [start, end, kind],
                )
                times[kind] = cursor.fetchall()
            else:
                # SQLite's planner drove this join from the clocks (by state, then per clock a range of requests):
                # the CROSS JOIN keeps the requests outside and finds each one's clock by the subject index.
                cursor.execute(
                    f"SELECT {group}, c.target_seconds - c.margin_seconds FROM service_servicerequest r {unit_join} "
                    "CROSS JOIN clocks_clock c ON c.subject_type = 'service.servicerequest' "
                    "AND c.subject_id = CAST(r.id AS VARCHAR(64)) WHERE r.received_at >= %s AND r.received_at < %s "
                    "AND +c.state = 'stopped' AND +c.kind = %s ORDER BY 1, 2",
                    [start, end, kind],
                )
                grouped: dict[Any, list[int]] = {}
                for key, value in cursor.fetchall():
                    grouped.setdefault(key, []).append(value)
                times[kind] = [
                    (g, v[max(0, -(-len(v) // 2) - 1)], v[max(0, -(-len(v) * 9 // 10) - 1)]) for g, v in grouped.items()
                ]
        cursor.execute(
            f"SELECT {group}, SUM(CASE WHEN r.resolution IN ('on_site', 'remote', 'board_swap') THEN 1 ELSE 0 END), "
            f"COUNT(*), SUM(COALESCE(p.cost, 0)) FROM service_servicerequest r {unit_join} LEFT JOIN "
            "(SELECT request_id, SUM(quantity * unit_price) AS cost FROM service_partused GROUP BY request_id) p "
            "ON p.request_id = r.id WHERE r.received_at >= %s AND r.received_at < %s AND r.completed_at IS NOT NULL GROUP BY 1",
            [start, end],
        )
        fixes = cursor.fetchall()
        # PostgreSQL hash-joins the complaints on the text key; SQLite has no hash join, so there the
        # complaint is found by its primary key (the same rows: subject ids are the decimal ids).
        complaint_key = (
            "c.subject_id = CAST(k.id AS VARCHAR(64))"
            if connection.vendor == "postgresql"
            else "k.id = CAST(c.subject_id AS INTEGER)"
        )
        cursor.execute(
            f"SELECT {group}, c.kind, COUNT(*), SUM(CASE WHEN c.stopped_at <= c.due_at THEN 1 ELSE 0 END) "
            "FROM clocks_clock c LEFT JOIN complaints_complaint k ON c.subject_type = 'complaints.complaint' "
            f"AND {complaint_key} LEFT JOIN service_servicerequest r ON r.id = "
            "CASE WHEN c.subject_type = 'service.servicerequest' THEN CAST(c.subject_id AS INTEGER) ELSE k.service_request_id END "
            f"{unit_join} WHERE c.state = 'stopped' AND c.stopped_at >= %s AND c.stopped_at < %s "
            "AND c.subject_type IN ('service.servicerequest', 'complaints.complaint') GROUP BY 1, 2",
            [start, end],
        )
        return times, fixes, cursor.fetchall()


def _month_expr(column: str) -> str:
    from django.conf import settings
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"to_char({column} AT TIME ZONE '{settings.TIME_ZONE}', 'YYYY-MM')"
    offset = dt.datetime.now(dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo(settings.TIME_ZONE)).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"strftime('%Y-%m', {column}, '{hours:+d} hours')"


def _raw_monthly(start: dt.datetime, end: dt.datetime) -> Any:
    """The dashboards' monthly trends from the base tables: requests received, first-time fixes of the
    completed ones (resolution at the visit), and clocks stopped on time per kind, per month."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_month_expr('r.received_at')}, COUNT(*), SUM(CASE WHEN r.completed_at IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN r.completed_at IS NOT NULL AND r.resolution IN ('on_site', 'remote', 'board_swap') "
            "THEN 1 ELSE 0 END) FROM service_servicerequest r WHERE r.received_at >= %s AND r.received_at < %s GROUP BY 1",
            [start, end],
        )
        requests = cursor.fetchall()
        cursor.execute(
            f"SELECT {_month_expr('c.stopped_at')}, c.kind, COUNT(*), SUM(CASE WHEN c.stopped_at <= c.due_at THEN 1 ELSE 0 END) "
            "FROM clocks_clock c WHERE c.state = 'stopped' AND c.stopped_at >= %s AND c.stopped_at < %s "
            "AND c.subject_type IN ('service.servicerequest', 'complaints.complaint') GROUP BY 1, 2",
            [start, end],
        )
        return requests, cursor.fetchall()


def _raw_now() -> Any:
    """The head's standing figures from the base tables: running clocks past due per kind, open
    requests per service point."""
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, COUNT(*) FROM clocks_clock WHERE state = 'running' AND due_at <= %s GROUP BY 1",
            [timezone.now()],
        )
        overdue = cursor.fetchall()
        cursor.execute("SELECT service_point_id, COUNT(*) FROM service_servicerequest WHERE open GROUP BY 1")
        return overdue, cursor.fetchall()


# --- measuring ------------------------------------------------------------------------------------


def _timings(api: Any, raw: Any, calls: int) -> tuple[Samples, Samples]:
    """`calls` interleaved calls of each (after one warm-up each), so the machine's load falls on both alike."""
    api()
    raw()
    ours, theirs = Samples(), Samples()
    for _ in range(calls):
        for fn, samples in ((api, ours), (raw, theirs)):
            start = time.perf_counter()
            fn()
            samples.add(time.perf_counter() - start)
    return ours, theirs


def _client() -> Any:
    from django.conf import settings
    from django.test import Client

    from aftersales.accounts.models import User
    from aftersales.accounts.services import user_create

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.filter(username="bench_head").first() or user_create(
        actor=None, username="bench_head", password="bench-pass-123", role="cs_manager"
    )
    client = Client()
    client.force_login(user)
    return client


def _pair(area_name: str, api: Any, raw: Any, target: str, *, page: bool = False) -> list[Figure]:
    ours, theirs = _timings(api, raw, CALLS)
    api_ms, raw_ms = ours.median(), theirs.median()
    ratio = api_ms / raw_ms if raw_ms else None
    limit = 200 if page else 1000
    what = "page" if page else "API"
    return [
        Figure(
            AREA,
            f"{area_name}: {what} p50",
            api_ms,
            "ms",
            f"< {limit} ms (PostgreSQL)",
            api_ms < limit if target == "postgresql" else None,
        ),
        Figure(AREA, f"{area_name}: {what} p95", ours.p95(), "ms"),
        Figure(AREA, f"{area_name}: raw SQL p50", raw_ms, "ms", note=f"p95 {theirs.p95():.0f} ms"),
        Figure(AREA, f"{area_name}: {what} ÷ raw (p50)", ratio, "×", "≤ 2×", None if ratio is None else ratio <= 2.0),
    ]


def _load_average() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from bench.complaints import _load as complaints_load
    from bench.complaints import _total as complaints_total

    total = _total()
    seconds = complaints_load(complaints_total(), ctx) + _load(ctx, total)
    client = _client()
    today = timezone.localdate()
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    month_start = month_end.replace(day=1)
    year_start = (month_start - dt.timedelta(days=335)).replace(day=1)
    _check_month(month_start, month_end)
    tz = timezone.get_current_timezone()
    only = {w.strip() for w in os.environ.get("AFTERSALES_BENCH_STATS_ONLY", "").split(",") if w.strip()}

    def wanted(name: str) -> bool:
        return not only or any(w in name for w in only)

    def bounds(a: dt.date, b: dt.date) -> tuple[dt.datetime, dt.datetime]:
        return (
            dt.datetime.combine(a, dt.time.min, tzinfo=tz),
            dt.datetime.combine(b + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )

    def get(url: str) -> Any:
        def call() -> None:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        return call

    figures = [Figure(AREA, "load (once)", seconds, "s", note=f"{total:,} requests + parts + 3M clocks + facts")]
    log(f"stats: measuring (load average {_load_average()})")
    for label, (a, b) in (("month", (month_start, month_end)), ("12 months", (year_start, month_end))):
        start, end = bounds(a, b)
        for by in ("product", "symptom", "part", "service_point", "engineer", "channel"):
            name = f"statistics by {by}, {label}"
            if label == "12 months" and by not in ("product", "part") or not wanted(name):
                continue
            url = f"/api/v1/statistics/service-requests?from={a}&to={b}&by={by}"
            figures += _pair(name, get(url), lambda by=by, s=start, e=end: _raw_statistics(by, s, e), ctx.target)
    start, end = bounds(month_start, month_end)
    for by in ("service_point", "product"):
        name = f"KPIs by {by}, month"
        if wanted(name):
            url = f"/api/v1/kpis?from={month_start}&to={month_end}&by={by}"
            figures += _pair(name, get(url), lambda by=by: _raw_kpis(start, end, by), ctx.target)
    six_months = bounds((month_start - dt.timedelta(days=140)).replace(day=1), today)
    twelve_months = bounds((month_start - dt.timedelta(days=320)).replace(day=1), today)
    this_month = bounds(today.replace(day=1), today)
    dashboards = {
        "head": lambda: (_raw_monthly(*six_months), _raw_now()),
        "quality": lambda: [_raw_statistics(by, start, end) for by in ("symptom", "product", "part")],
        "management": lambda: (_raw_monthly(*twelve_months), _raw_kpis(*this_month, "all")),
    }
    for which, raw in dashboards.items():
        name = f"{which} dashboard page"
        if wanted(name):
            figures += _pair(name, get(f"/reports/dashboard/{which}/"), raw, ctx.target, page=True)
    figures.append(Figure(AREA, "load average during the run", None, "", note=_load_average()))
    return figures
