"""Closing the loop (issue 15, V1–V5) on the bench load (100k customers, 300k units):

(a) planning one day's callbacks: every callback and site check removed, then `callbacks_plan` for the
    1st of this month — a month's first day plans the customers spread on day 1, every unit in its
    hand-over month, the key accounts' routine and care callbacks, each with its clock. Goal < 5 s.
    Also where its wall time went (Linux schedstat): this process's CPU and its wait for a CPU, and on
    a local PostgreSQL the server backend's (docs/decisions/0036, Stop 21).
(b) the agent's callback queue (`callback_queue`, first page of 50 rows, ordered by due): p95 of 50
    calls, goal < 50 ms.
(c) the V5 report of one month: a campaign of 2,000 customers with 1,800 responses, then
    `reports_generate` for the month (snapshot, clock); p95 of 5 runs (the report deleted in
    between), goal < 1 s.
"""

from __future__ import annotations

import datetime as dt
import time

from bench.context import Context
from bench.report import Figure, Samples

AREA = "loop"
QUEUE_CALLS = 50
REPORT_RUNS = 5
ANSWERS = ["satisfied", "fairly_satisfied", "average", "dissatisfied"]


def _clear() -> None:
    from aftersales.callbacks.models import Callback, SiteCheck
    from aftersales.clocks.models import Clock

    Clock.objects.filter(subject_type__in=["callbacks.callback", "surveys.analysisreport"]).delete()
    Callback.objects.all().delete()
    SiteCheck.objects.all().delete()


def _sched(pid: int | str = "self") -> tuple[float, float] | None:
    """(seconds run on a CPU, seconds waited in the run queue) of a process, from Linux's schedstat;
    None where it is not available (another OS, or a database server on another machine)."""
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            run, wait, _slices = f.read().split()
    except (OSError, ValueError):
        return None
    return int(run) / 1e9, int(wait) / 1e9


def _server_pid() -> int | None:
    """The PostgreSQL backend serving this connection (its schedstat is readable when it is local)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _breakdown(wall: float, own: tuple[float, float] | None, server: tuple[float, float] | None) -> str:
    """Where a run's wall time went: on a CPU, waiting for one (the machine's other processes), and
    (PostgreSQL, local server) the server's CPU and its own wait; the rest is I/O and round trips."""
    if own is None:
        return _load()
    run, queued = own
    parts = [f"this process ran {run:.2f} s and waited {queued:.2f} s for a CPU"]
    if server is not None:
        parts.append(f"the server ran {server[0]:.2f} s and waited {server[1]:.2f} s for a CPU")
    rest = wall - run - queued - (sum(server) if server is not None else 0)
    parts.append(f"other waits {max(rest, 0):.2f} s")
    return "; ".join(parts) + f" ({_load()})"


def _delta(after: tuple[float, float] | None, before: tuple[float, float] | None) -> tuple[float, float] | None:
    if after is None or before is None:
        return None
    return after[0] - before[0], after[1] - before[1]


def _planning(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from aftersales.callbacks.services import callbacks_plan

    _clear()
    day = timezone.localdate().replace(day=1)
    backend = _server_pid()
    own_before, server_before = _sched(), _sched(backend) if backend else None
    start, cpu = time.perf_counter(), time.process_time()
    report = callbacks_plan(on=day)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    own, server = _delta(_sched(), own_before), _delta(_sched(backend), server_before) if backend else None
    again = time.perf_counter()
    second = callbacks_plan(on=day)
    again_seconds = time.perf_counter() - again
    return [
        Figure(
            AREA,
            "plan one day's callbacks",
            seconds * 1000,
            "ms",
            "< 5000 ms",
            seconds < 5,
            note=f"{report.total} callbacks {dict(sorted(report.planned.items()))}, {report.site_checks} site checks",
        ),
        # The process's own CPU time: what the run costs without the other processes of a shared machine
        # (on PostgreSQL the server's share is not in it).
        Figure(AREA, "plan one day's callbacks, CPU of this process", cpu_seconds * 1000, "ms", note=_load()),
        # Where the wall time went (Linux schedstat of this process and of the local PostgreSQL backend).
        Figure(
            AREA,
            "plan one day's callbacks, CPU of process + server",
            (own[0] + (server[0] if server else 0)) * 1000 if own else None,
            "ms",
            note=_breakdown(seconds, own, server),
        ),
        Figure(AREA, "plan the same day again", again_seconds * 1000, "ms", note=f"{second.total} new"),
    ]


def _load() -> str:
    import os

    try:
        return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return ""


def _queue(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from aftersales.callbacks.selectors import callback_queue

    samples, cpu = Samples(), Samples()
    today = timezone.localdate() + dt.timedelta(days=3)
    for _ in range(QUEUE_CALLS):
        start, cpu_start = time.perf_counter(), time.process_time()
        rows = list(callback_queue(ctx.actor, today=today)[:50])
        samples.add(time.perf_counter() - start)
        cpu.add(time.process_time() - cpu_start)
    p95 = samples.p95()
    return [
        Figure(AREA, "callback queue, first 50 (p95)", p95, "ms", "< 50 ms", p95 < 50, note=f"{len(rows)} rows"),
        Figure(AREA, "callback queue, CPU of this process (p95)", cpu.p95(), "ms", note=_load()),
    ]


def _report(ctx: Context) -> list[Figure]:
    from django.utils import timezone

    from aftersales.accounts.models import User
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import user_create
    from aftersales.customers.models import Customer
    from aftersales.surveys.models import AnalysisReport, Campaign, Response
    from aftersales.surveys.reports import reports_generate
    from aftersales.surveys.scoring import grade_for, response_score
    from aftersales.surveys.services import campaign_create, rules_in_force

    analyst = User.objects.filter(username="bench_analyst").first() or user_create(
        actor=None, username="bench_analyst", password="bench-pass-123", role="analyst"
    )
    actor = actor_for(analyst)
    campaign = Campaign.objects.filter(title="bench loop").first()
    if campaign is None:
        ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:2000])
        campaign = campaign_create(actor=actor, title="bench loop", period="bench", customers=ids)
        campaign.title = "bench loop"
        rules = rules_in_force()
        rows = []
        for customer_id in ids[:1800]:
            answers = {str(n): ctx.rng.choice(ANSWERS[:3]) for n in range(2, 9)}
            score = response_score(answers, rules)
            rows.append(
                Response(
                    campaign=campaign,
                    customer_id=customer_id,
                    products=[],
                    answers=answers,
                    score=score.rounded,
                    grade=grade_for(score.value, rules.grade_bounds),
                    channel="paper",
                    comment=ctx.rng.choice(["", "", "服务及时", "希望加快配件供应"]),
                )
            )
        Response.objects.bulk_create(rows, batch_size=1000)
    month = timezone.localdate().replace(day=1)
    samples, cpu = Samples(), Samples()
    for _ in range(REPORT_RUNS):
        AnalysisReport.objects.filter(campaign=campaign, month=month).delete()
        start, cpu_start = time.perf_counter(), time.process_time()
        reports_generate(month=month)
        samples.add(time.perf_counter() - start)
        cpu.add(time.process_time() - cpu_start)
    p95 = samples.p95()
    return [
        Figure(AREA, "V5 report of one month (p95)", p95, "ms", "< 1000 ms", p95 < 1000, note="1,800 responses"),
        Figure(AREA, "V5 report of one month, CPU of this process (p95)", cpu.p95(), "ms", note=_load()),
    ]


def run(ctx: Context) -> list[Figure]:
    return _planning(ctx) + _queue(ctx) + _report(ctx)
