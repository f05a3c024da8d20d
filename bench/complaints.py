"""Complaints (K1–K8): complaints registered per second through the HTTP API of a real
`aftersales serve`, next to the same rows inserted with raw SQL; the K8 monthly review at 1M complaints.

(a) AFTERSALES_BENCH_COMPLAINTS (default 1,000,000) complaints of the first 20k bench customers are
    bulk-inserted once and kept between runs (numbers "BK" + 9 digits; registered ones are
    TS<yyyymm><seq>): received over the last 4 years, ~90% closed (closed_at spread evenly, so
    every past month has ~18k closures), ~2% rejected, the rest open from the last 90 days; 20% of
    the closed ones were a human factor, with a responsible person (one of a dozen bench staff),
    department and loss amount.
(b) The monthly review (complaints.services.reviews.review_lines) of last month: the month's
    closed human-factor complaints (a few thousand) as review lines, sanction list and notice.
    p95 of 20 calls, goal < 1 s; the plan of its query (captured as the service runs it) is in
    the note, and should search complaint_review_idx rather than scan the table.
(c) `aftersales serve` against the bench database (bench.http), an API token for the bench
    agent, and 2 client threads × AFTERSALES_BENCH_HTTP_REQUESTS (default 250) POST
    /api/v1/complaints with keep-alive connections. Each request is the whole K1/K2/K4/K5
    registration: access check, validation, K6 major check, TS number, event, two clocks.
    Reported: requests/s, p50/p99 latency, and the ratio to inserting as many bare rows with
    executemany in the same run. The complaints the run registered are deleted with their clocks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
from decimal import Decimal
from typing import Any

from bench.context import Context
from bench.database import analyze, insert_rows, log, reset_sequences
from bench.http import raw_figures, register_run
from bench.report import Figure, Samples

AREA = "complaints"
LOAD_PREFIX = "BK"  # numbers of the loaded rows: BK + 9 digits (max_length 20)
RAW_PREFIX = "RK"  # the raw-SQL comparison rows, deleted after the run
PATH = "/api/v1/complaints"
CLIENT_THREADS = 2
REVIEW_CALLS = 20
INDEX = "complaint_review_idx"
TABLE = "complaints_complaint"
SPAN = dt.timedelta(days=4 * 365)
STAFF = [  # responsible persons of the human-factor cases: (username, role, display name)
    ("bench_staff_01", "engineer", "王建国"),
    ("bench_staff_02", "engineer", "李志强"),
    ("bench_staff_03", "engineer", "张伟"),
    ("bench_staff_04", "engineer", "刘洋"),
    ("bench_staff_05", "agent", "陈静"),
    ("bench_staff_06", "agent", "杨敏"),
    ("bench_staff_07", "sales", "赵磊"),
    ("bench_staff_08", "sales", "黄涛"),
    ("bench_staff_09", "warehouse", "周勇"),
    ("bench_staff_10", "warehouse", "吴平"),
    ("bench_staff_11", "rnd", "徐鹏"),
    ("bench_staff_12", "parts_keeper", "孙辉"),
]
DEPARTMENTS = ["售后服务部", "营销部", "仓储部", "技术部", "质量管理部", "生产部"]
STATES_OPEN = [  # (state, weight) of the ~8% still open
    ("registered", 20),
    ("contacted", 25),
    ("awaiting_approval", 5),
    ("escalated", 5),
    ("decided", 15),
    ("replied", 15),
    ("implemented", 15),
]
CLASSES = ["quality"] * 6 + ["non_quality"] * 3 + ["other"]
CHANNELS = ["phone"] * 6 + ["letter", "visit", "onsite", "web"]
DISPOSITIONS = ["return", "exchange", "guidance", "explanation", "compensation", "reprocessing"]
DESCRIPTIONS = [
    "到货外箱破损，设备面板划伤",
    "主轴异响，三次维修仍未解决",
    "工程师未按约定时间上门",
    "发错配件型号，耽误生产两天",
    "液压站漏油，要求更换整机",
    "说明书与实物不符，调试困难",
    "售后人员服务态度差",
    "维修后一周内同一故障再次出现",
]
REQUESTS = ["更换设备", "赔偿停产损失", "退货退款", "派工程师现场处理", "书面道歉", ""]


def _total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_COMPLAINTS", "1000000"))


def _per_thread() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_HTTP_REQUESTS", "250"))


# --- (a) the load -------------------------------------------------------------------------------


def _staff() -> list[int]:
    """The bench staff who are made responsible for human-factor cases (created once per database)."""
    from aftersales.accounts.models import User
    from aftersales.accounts.services import user_create

    ids = []
    for username, role, name in STAFF:
        user = User.objects.filter(username=username).first() or user_create(
            actor=None, username=username, password="bench-pass-123", role=role, display_name=name
        )
        ids.append(user.pk)
    return ids


def _money(rng: random.Random, top: int) -> Decimal:
    return Decimal(rng.randrange(0, top * 100)) / 100


def _rows(
    total: int,
    first_id: int,
    now: dt.datetime,
    customers: list[int],
    user_id: int,
    staff: list[int],
    points: int,
    *,
    prefix: str = LOAD_PREFIX,
) -> Any:
    rng = random.Random(20261125)
    states = [s for s, w in STATES_OPEN for _ in range(w)]
    span = int(SPAN.total_seconds() // 60)
    for i in range(total):
        draw = rng.random()
        closed_at = replied_at = None
        if draw < 0.90:  # closed: the closures are spread evenly over the 4 years
            state = "closed"
            closed_at = now - dt.timedelta(minutes=rng.randrange(span))
            received = closed_at - dt.timedelta(minutes=rng.randrange(60, 60 * 24 * 30))
            replied_at = received + (closed_at - received) / 2
        elif draw < 0.92:
            state = "rejected"
            received = now - dt.timedelta(minutes=rng.randrange(span))
        else:
            state = rng.choice(states)
            received = now - dt.timedelta(minutes=rng.randrange(60 * 24 * 90))
        human = state == "closed" and rng.random() < 0.20
        decided = state in {"decided", "replied", "implemented", "closed", "rejected"}
        yield {
            "id": first_id + i,
            "number": f"{prefix}{i:09d}",
            "state": state,
            "version": 1,
            "customer_id": rng.choice(customers),
            "complaint_class": rng.choice(CLASSES),
            "channel": rng.choice(CHANNELS),
            "description": rng.choice(DESCRIPTIONS),
            "customer_request": rng.choice(REQUESTS),
            "amount_claimed": _money(rng, 20_000) if rng.random() < 0.4 else Decimal("0.00"),
            "received_at": received,
            "registered_by_id": user_id,
            "owner_id": user_id,
            "disposition": rng.choice(DISPOSITIONS) if decided else "",
            "decision": "按公司规定处理" if decided else "",
            "within_authority": True if decided else None,
            "public_reply": "已处理，感谢您的反馈。" if replied_at else "",
            "replied_at": replied_at,
            "human_factor": human,
            "responsible_department": rng.choice(DEPARTMENTS) if human else "",
            "responsible_person_id": rng.choice(staff) if human else None,
            "penalty_points": points if human else 0,
            "loss_amount": _money(rng, 5_000) if human else None,
            "closed_at": closed_at,
            "created_at": received,
        }


def _customers(count: int, *, confidential: bool | None = None) -> list[int]:
    from aftersales.customers.models import Customer

    qs = Customer.objects.order_by("pk")
    if confidential is not None:
        qs = qs.filter(confidential=confidential)
    return list(qs.values_list("pk", flat=True)[:count])


def _generate(ctx: Context, count: int, prefix: str) -> Any:
    """`count` complaint rows numbered prefix + 9 digits, ids after the largest one (a generator)."""
    from django.db.models import Max
    from django.utils import timezone

    from aftersales.complaints.models import Complaint
    from aftersales.policies.selectors import policy_get

    first_id = (Complaint.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    now = timezone.now().replace(microsecond=0)
    points = int(policy_get("K8.negligence_points").value)
    return _rows(count, first_id, now, _customers(20_000), ctx.actor.pk, _staff(), points, prefix=prefix)


def _delete_numbered(prefix: str) -> None:
    from django.db import connection

    from aftersales.complaints.models import Complaint

    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(Complaint._meta.db_table)} WHERE number LIKE %s", [f"{prefix}%"]
        )


def _load(total: int, ctx: Context) -> float:
    from django.db import transaction

    from aftersales.complaints.models import Complaint

    have = Complaint.objects.filter(number__startswith=LOAD_PREFIX).count()
    if have == total:
        return 0.0
    log(f"complaints: loading {total:,} complaints (once; kept between runs) …")
    start = time.perf_counter()
    _delete_numbered(LOAD_PREFIX)
    with transaction.atomic():
        insert_rows(Complaint, _generate(ctx, total, LOAD_PREFIX))
    reset_sequences([Complaint])
    analyze()
    return time.perf_counter() - start


# --- (b) the monthly review ---------------------------------------------------------------------


def _review_statement(period: str) -> tuple[str, list[Any]]:
    """The complaint query review_lines(period) runs, as sent to the database (SQL, parameters)."""
    from django.db import connection

    from aftersales.complaints.models import Complaint
    from aftersales.complaints.services.reviews import review_lines

    table = connection.ops.quote_name(Complaint._meta.db_table)
    seen: list[tuple[str, list[Any]]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and f"FROM {table}" in sql:
            seen.append((sql, list(params or [])))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        review_lines(period)
    if len(seen) != 1:
        raise RuntimeError(f"review_lines ran {len(seen)} queries on {table}, expected one")
    return seen[0]


def _plan(sql: str, params: list[Any]) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN {sql}", params)
        return [row[0].strip() for row in cursor.fetchall()]


def _uses_index(plan: list[str]) -> bool:
    """The plan searches complaint_review_idx (state, closed_at range) instead of scanning the table."""
    text = "\n".join(plan)
    if "cost=" in text:  # PostgreSQL: "Index Scan using …" or "Bitmap Index Scan on …"
        searched = f"Index Scan using {INDEX}" in text or f"Bitmap Index Scan on {INDEX}" in text
        return searched and f"Seq Scan on {TABLE}" not in text
    return f"SEARCH {TABLE} USING INDEX {INDEX}" in text


def _review(total: int) -> list[Figure]:
    from aftersales.complaints.services.reviews import previous_period, review_lines

    period = previous_period()
    plan = _plan(*_review_statement(period))
    built = review_lines(period)  # warm-up
    samples = Samples()
    for _ in range(REVIEW_CALLS):
        start = time.perf_counter()
        review_lines(period)
        samples.add(time.perf_counter() - start)
    p95 = samples.p95()
    return [
        Figure(
            AREA,
            f"monthly review {period} p95 (of {total:,} complaints, {REVIEW_CALLS} calls)",
            p95,
            "ms",
            goal="< 1 s",
            ok=p95 < 1000,
            note=(
                f"{len(built['lines']):,} lines, {len(built['sanctions'])} people; "
                f"median {samples.median():.1f} ms, max {max(samples.values):.1f} ms; "
                f"{'uses' if _uses_index(plan) else 'does NOT use'} {INDEX}; plan: {' | '.join(plan)}"
            ),
        ),
    ]


# --- (c) HTTP registration against a real server ------------------------------------------------


def _payloads(count: int, seed: int) -> list[bytes]:
    # Confidential files (C3) need a grant first; the hotline load is on ordinary customers.
    customers = _customers(20_000, confidential=False)
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        body: dict[str, Any] = {
            "customer": rng.choice(customers),
            "class": rng.choice(CLASSES),
            "channel": rng.choice(["phone", "phone", "phone", "letter", "visit", "onsite"]),
            "description": rng.choice(DESCRIPTIONS),
            "customer_request": rng.choice(REQUESTS),
            "order_number": f"DD{rng.randrange(10**8):08d}",
        }
        if rng.random() < 0.4:
            body["amount_claimed"] = f"{_money(rng, 20_000):.2f}"
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    return bodies


def _http_intake(ctx: Context) -> tuple[list[Figure], int]:
    from aftersales.complaints.models import Complaint

    return register_run(
        ctx,
        area=AREA,
        model=Complaint,
        registered_by="registered_by",
        path=PATH,
        payloads=_payloads,
        clients=CLIENT_THREADS,
        per_client=_per_thread(),
        label="HTTP registration",
        work="access check, validation, K6 check, TS number, event, 2 clocks",
    )


def _raw_insert(ctx: Context, count: int) -> float:
    """Rows/s of inserting `count` bare complaint rows with executemany (deleted again)."""
    from django.db import transaction

    from aftersales.complaints.models import Complaint

    rows = list(_generate(ctx, count, RAW_PREFIX))
    start = time.perf_counter()
    with transaction.atomic():
        insert_rows(Complaint, rows)
    seconds = time.perf_counter() - start
    _delete_numbered(RAW_PREFIX)
    reset_sequences([Complaint])
    return count / seconds


def run(ctx: Context) -> list[Figure]:
    total = _total()
    load_seconds = _load(total, ctx)
    figures = _review(total)
    http_figures, done = _http_intake(ctx)
    raw_rate = _raw_insert(ctx, done)
    figures += http_figures
    figures += raw_figures(
        AREA,
        rows="complaint rows",
        done=done,
        raw_rate=raw_rate,
        http=http_figures[0],
        label="HTTP registration",
        note="executemany (COPY on PostgreSQL) of the bare rows, no events/clocks/numbering",
    )
    if load_seconds:
        figures.append(Figure(AREA, f"bulk insert {total:,} complaints", load_seconds, "s"))
    return figures
