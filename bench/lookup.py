"""Hotline lookup (C6): customers.selectors.customer_lookup against the same SQL run raw.

~250 queries as agents type them: a full phone with dashes, the +86 form, the last 8 digits,
the last 4 digits (尾号: a candidate list), a 2–4 character fragment of a company name. Each is run through the selector and, on the same
connection, as the SQL the selector generated (captured once, then cursor.execute + fetchall),
so the ratio is the cost of the Python side (query building, permission check, model objects).
"""

from __future__ import annotations

import random
import time
from typing import Any

from bench.context import Context
from bench.report import Figure, Samples, percentile

AREA = "hotline lookup"
PER_KIND = 50
ROUNDS = 3
GOAL_P95_MS = 50.0
GOAL_RATIO = 2.0
KINDS = ["phone 138-0013-8000", "phone +86 …", "last 8 digits", "last 4 digits (尾号)", "name fragment"]
NAME_SUFFIXES = ("集团有限公司", "股份有限公司", "有限责任公司", "有限公司", "厂")


def dashed(digits: str) -> str:
    if digits.startswith("1"):
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    area = 3 if digits[1] in "12" else 4
    return f"{digits[:area]}-{digits[area:-4]}-{digits[-4:]}"


def plus86(digits: str) -> str:
    if digits.startswith("1"):
        return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"
    area = 3 if digits[1] in "12" else 4
    return f"+86 {digits[1:area]} {digits[area:-4]} {digits[-4:]}"


def name_fragment(rng: random.Random, name: str) -> str:
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    length = rng.randint(2, min(4, len(name)))
    start = rng.randrange(len(name) - length + 1)
    return name[start : start + length]


def build_queries(rng: random.Random) -> list[tuple[str, str]]:
    from aftersales.customers.models import Customer, PhoneIndex

    last_phone = PhoneIndex.objects.order_by("-id").values_list("id", flat=True).first() or 0
    last_customer = Customer.objects.order_by("-id").values_list("id", flat=True).first() or 0
    phone_ids = rng.sample(range(1, last_phone + 1), 4 * PER_KIND)
    phones = list(PhoneIndex.objects.filter(id__in=phone_ids).values_list("reversed_digits", flat=True))
    rng.shuffle(phones)
    digits = [p[::-1] for p in phones]
    names = list(
        Customer.objects.filter(id__in=rng.sample(range(1, last_customer + 1), PER_KIND)).values_list("name", flat=True)
    )
    queries = [(KINDS[0], dashed(d)) for d in digits[:PER_KIND]]
    queries += [(KINDS[1], plus86(d)) for d in digits[PER_KIND : 2 * PER_KIND]]
    queries += [(KINDS[2], d[-8:]) for d in digits[2 * PER_KIND : 3 * PER_KIND]]
    queries += [(KINDS[3], d[-4:]) for d in digits[3 * PER_KIND :]]
    queries += [(KINDS[4], name_fragment(rng, n)) for n in names]
    return queries


def _is_files_query(sql: str) -> bool:
    """The statement that reads the files (ordered key accounts first), not an index lookup or prefetch."""
    return '"key_account" DESC' in sql


def run(ctx: Context) -> list[Figure]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.customers.selectors import customer_lookup

    queries = build_queries(ctx.rng)
    customer_lookup(ctx.actor, queries[0][1])  # fills the actor's permission cache
    # Warm-up pass: warms the page cache and captures the SQL of each lookup (all its queries:
    # the customers, then the prefetched contacts).
    sqls: list[list[str]] = []
    hits = 0
    for _kind, q in queries:
        with CaptureQueriesContext(connection) as captured:
            found = customer_lookup(ctx.actor, q)
        sqls.append([item["sql"] for item in captured.captured_queries])
        hits += bool(found)
    orm = {kind: Samples() for kind in KINDS}
    raw = {kind: Samples() for kind in KINDS}
    mismatches = 0
    for _round in range(ROUNDS):
        order = list(range(len(queries)))
        ctx.rng.shuffle(order)
        for i in order:
            kind, q = queries[i]
            start = time.perf_counter()
            found = customer_lookup(ctx.actor, q)
            orm[kind].add(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                for sql in sqls[i]:
                    cursor.execute(sql)
                    rows = cursor.fetchall()
                    if _is_files_query(sql):
                        customers = len(rows)
            raw[kind].add(time.perf_counter() - start)
            mismatches += customers != len(found)
    all_orm = [v for s in orm.values() for v in s.values]
    all_raw = [v for s in raw.values() for v in s.values]
    orm_p95, raw_p95 = percentile(all_orm, 95), percentile(all_raw, 95)
    orm_med, raw_med = percentile(all_orm, 50), percentile(all_raw, 50)
    n = len(queries)
    statements = sorted({len(s) for s in sqls})
    note = f"{n} queries × {ROUNDS} rounds, {hits}/{n} found something, {'/'.join(map(str, statements))} SQL statements each"
    if mismatches:
        note += f"; {mismatches} raw results differed in row count (!)"
    figures = [
        Figure(AREA, "p95, customer_lookup()", orm_p95, "ms", f"< {GOAL_P95_MS:g} ms", orm_p95 < GOAL_P95_MS, note),
        Figure(AREA, "median, customer_lookup()", orm_med, "ms"),
        Figure(AREA, "p95, same SQL raw", raw_p95, "ms"),
        Figure(AREA, "median, same SQL raw", raw_med, "ms"),
        Figure(AREA, "p95 ratio selector / raw", orm_p95 / raw_p95, "×", f"≤ {GOAL_RATIO:g}×", orm_p95 / raw_p95 <= GOAL_RATIO),
        Figure(AREA, "median ratio selector / raw", orm_med / raw_med, "×", f"≤ {GOAL_RATIO:g}×", orm_med / raw_med <= GOAL_RATIO),
    ]  # fmt: skip
    for kind in KINDS:
        p95 = orm[kind].p95()
        figures.append(Figure(AREA, f"p95 {kind}: selector", p95, "ms", f"< {GOAL_P95_MS:g} ms", p95 < GOAL_P95_MS))
        figures.append(Figure(AREA, f"p95 {kind}: raw SQL", raw[kind].p95(), "ms"))
    return figures


def explain(ctx: Context) -> dict[str, Any]:
    """The query plan of one query per kind (python -m bench --explain)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.customers.selectors import customer_lookup

    plans: dict[str, Any] = {}
    seen: set[str] = set()
    queries = build_queries(ctx.rng)
    customer_lookup(ctx.actor, queries[0][1])  # fills the actor's permission cache
    for kind, q in queries:
        if kind in seen:
            continue
        seen.add(kind)
        with CaptureQueriesContext(connection) as captured:
            customer_lookup(ctx.actor, q)
        # A digits lookup runs its index lookups (phone suffix, serial, name) first, then the files;
        # every statement but the contacts prefetch is explained.
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
        for number, item in enumerate(captured.captured_queries):
            sql = item["sql"]
            if "customers_contact" in sql and not _is_files_query(sql):
                continue
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                plan = [" ".join(str(c) for c in row) for row in cursor.fetchall()]
            plans[f"{kind}: {q} [{number}]"] = {"sql": sql, "plan": plan}
    return plans
