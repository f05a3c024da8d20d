"""Clock sweep (X2): 1M running clocks of which 1k are due (AFTERSALES_BENCH_CLOCKS to change).

Rows are bulk-inserted once (kind "bench", kept between runs). Measured: the one indexed query
that finds the due clocks, a sweep with nothing due (incl. the stale-version checks), and a full
sweep that warns the 1k due clocks (two chunks, each one transaction with batched writes); the 1k are reset
between repetitions, and SQLite's write-ahead log is checkpointed as the periodic job does every minute.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from bench.context import Context
from bench.database import log
from bench.report import Figure, Samples

AREA = "clocks"
KIND = "bench"
DUE = 1000


def _total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_CLOCKS", "1000000"))


def _load(total: int, now: dt.datetime) -> float:
    from django.db import transaction

    from aftersales.calendars.selectors import calendar_compiled_for_code
    from aftersales.clocks.models import Clock
    from aftersales.policies.selectors import policy_get

    have = Clock.objects.filter(kind=KIND).count()
    if have == total:
        return 0.0
    Clock.objects.filter(kind=KIND).delete()
    version = calendar_compiled_for_code("CN").version
    policy_version = policy_get("X2.warn_share").version
    far = now + dt.timedelta(days=3650)
    start = time.perf_counter()
    batch: list[Clock] = []
    with transaction.atomic():
        for i in range(total):
            due = i < DUE
            warn_at = now - dt.timedelta(minutes=1) if due else far + dt.timedelta(seconds=i)
            batch.append(
                Clock(
                    created_at=now,
                    updated_at=now,
                    subject_type="bench.load",
                    subject_id=str(i),
                    kind=KIND,
                    rule="X2",
                    calendar_code="CN",
                    calendar_version=version,
                    policy_version=policy_version,
                    target_amount=8,
                    target_unit="working_hours",
                    target_seconds=8 * 3600,
                    state="running",
                    started_at=now - dt.timedelta(hours=1),
                    warn_at=warn_at,
                    due_at=warn_at + dt.timedelta(hours=2),
                    next_check_at=warn_at,
                )
            )
            if len(batch) == 10_000:
                Clock.objects.bulk_create(batch)
                batch.clear()
        Clock.objects.bulk_create(batch)
    return time.perf_counter() - start


def _reset(now: dt.datetime) -> None:
    from aftersales.clocks.models import Clock
    from aftersales.core.periodic import sqlite_checkpoint

    ids = list(
        Clock.objects.filter(kind=KIND, subject_id__in=[str(i) for i in range(DUE)]).values_list("pk", flat=True)
    )
    # Warning due a minute ago, the deadline still ahead: every run warns the same 1k clocks.
    Clock.objects.filter(pk__in=ids).update(
        state="running",
        warned_at=None,
        breached_at=None,
        escalation_steps_done=0,
        warn_at=now - dt.timedelta(minutes=1),
        next_check_at=now - dt.timedelta(minutes=1),
        due_at=now + dt.timedelta(hours=2),
    )
    sqlite_checkpoint()  # what the periodic job does every minute between two sweeps


def run(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from aftersales.clocks.models import Clock
    from aftersales.clocks.sweep import clock_sweep

    total = _total()
    now = timezone.now().replace(microsecond=0)
    log(f"clocks: loading {total:,} running clocks …")
    load_seconds = _load(total, now)
    _reset(now)
    query = Samples()
    for _ in range(20):
        start = time.perf_counter()
        found = list(
            Clock.objects.filter(next_check_at__lte=now).order_by("next_check_at").values_list("pk", flat=True)[:1000]
        )
        query.add(time.perf_counter() - start)
    idle = Samples()
    sweep = Samples()
    warned = 0
    for _ in range(3):
        _reset(now)
        start = time.perf_counter()
        result = clock_sweep(now)
        sweep.add(time.perf_counter() - start)
        warned += result.warned
        start = time.perf_counter()
        clock_sweep(now)  # nothing due any more
        idle.add(time.perf_counter() - start)
    figures = [
        Figure(
            AREA,
            f"due query ({len(found):,} of {total:,} running)",
            query.median(),
            "ms",
            goal="< 100 ms",
            ok=query.median() < 100,
            note="one indexed query: next_check_at <= now",
        ),
        Figure(
            AREA,
            "sweep with nothing due",
            idle.median(),
            "ms",
            goal="< 100 ms",
            ok=idle.median() < 100,
            note="due query + stale calendar/policy checks",
        ),
        Figure(
            AREA,
            f"sweep warning {DUE:,} due clocks",
            sweep.median(),
            "ms",
            goal="< 100 ms",
            ok=sweep.median() < 100,
            note=f"{sweep.median() / DUE:.3f} ms per clock (chunks of 500: one transaction, one event insert); {warned // 3} warned per run",
        ),
    ]
    if load_seconds:
        figures.append(Figure(AREA, f"bulk insert {total:,} clocks", load_seconds, "s"))
    return figures
