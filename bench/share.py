"""Intake as a share of the server's floor (issue 12): the same `aftersales serve`, the same run.

The server is started once with AFTERSALES_BENCH_FLOOR=on, which mounts POST /bench/floor (one ORM
insert of a small row in a transaction, aftersales.core.floor). For 2 and then 4 keep-alive
clients, each × AFTERSALES_BENCH_SHARE_REQUESTS (default 200) POSTs, in AFTERSALES_BENCH_SHARE_ROUNDS
(default 4) alternating rounds of the floor and the service area's intake (POST
/api/v1/service-requests: validation, S4, number, event, 3 clocks, S15). Reported: both rates and intake ÷ floor. The share is what the design costs over a bare
write on this server and database; a global lock that serialises every business write (the
event-chain head held to commit, before docs/decisions/0009) shows as a share that falls as
clients are added on PostgreSQL.
"""

from __future__ import annotations

import os

from bench.context import Context
from bench.database import log
from bench.http import _forget_created, database_url, run_clients, serve
from bench.report import Figure, percentile

AREA = "share"
FLOOR_PATH = "/bench/floor"
INTAKE_PATH = "/api/v1/service-requests"
CLIENTS = (2, 4)


def _per_client() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_SHARE_REQUESTS", "200"))


def _rounds() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_SHARE_ROUNDS", "4"))


class _Tally:
    """Requests, wall seconds, latencies and errors of one path over several rounds."""

    def __init__(self) -> None:
        self.done = 0
        self.wall = 0.0
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def add(self, port: int, token: str, path: str, bodies: list[list[bytes]]) -> None:
        latencies, errors, wall = run_clients(port, token, path, bodies, expect=201)
        self.done += len(latencies)
        self.wall += wall
        self.latencies += latencies
        self.errors += errors

    def rate(self) -> float:
        return self.done / self.wall if self.wall else 0.0

    def note(self) -> str:
        first = f" (first: {self.errors[0]})" if self.errors else ""
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        return f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(self.errors)} errors{first}"


def run(ctx: Context) -> list[Figure]:
    from django.db.models import Max

    from aftersales.accounts.services import api_token_create
    from aftersales.core.floor import FLOOR_KEY
    from aftersales.core.models import Counter
    from aftersales.service.models import ServiceRequest
    from bench.service import _payloads

    per_client = _per_client()
    before = ServiceRequest.objects.aggregate(m=Max("pk"))["m"] or 0
    _token, clear = api_token_create(actor=ctx.actor, name="bench-share")
    figures: list[Figure] = []
    os.environ["AFTERSALES_BENCH_FLOOR"] = "on"  # read by the server started below, not by this process
    try:
        with serve(database_url(), area=AREA) as port:
            # Warm every worker on both paths before the clock starts (bench.http.register_run).
            for path, make in ((FLOOR_PATH, lambda n, s: [b"{}"] * n), (INTAKE_PATH, _payloads)):
                warm = _Tally()
                warm.add(port, clear, path, [make(10, 1 + i) for i in range(max(CLIENTS))])
                if warm.errors:
                    raise RuntimeError(f"warm-up of {path} failed: {warm.note()}")
            rounds = _rounds()
            for clients in CLIENTS:
                log(f"{AREA}: {clients} clients …")
                # Floor and intake alternate in short rounds, so that a change of the machine's load
                # (other processes) weighs on both alike.
                floor, intake = _Tally(), _Tally()
                for r in range(rounds):
                    floor.add(port, clear, FLOOR_PATH, [[b"{}"] * (per_client // rounds) for _ in range(clients)])
                    intake.add(
                        port,
                        clear,
                        INTAKE_PATH,
                        [_payloads(per_client // rounds, 100 + 10 * r + i) for i in range(clients)],
                    )
                share = intake.rate() / floor.rate() if floor.rate() else None
                total = rounds * (per_client // rounds)
                figures += [
                    Figure(AREA, f"floor, {clients} clients × {total} POST {FLOOR_PATH}", floor.rate(), "/s",
                           goal="no errors", ok=not floor.errors, note=floor.note() + "; one ORM insert in a transaction"),
                    Figure(AREA, f"HTTP intake, {clients} clients × {total} POST {INTAKE_PATH}", intake.rate(), "/s",
                           goal="no errors", ok=not intake.errors, note=intake.note()),
                    Figure(AREA, f"intake ÷ floor, {clients} clients", None if share is None else share * 100, "%",
                           note=f"the same server, the same run, {rounds} alternating rounds"),
                ]  # fmt: skip
    finally:
        os.environ.pop("AFTERSALES_BENCH_FLOOR", None)
        _forget_created(ServiceRequest, before, "received_by", ctx.actor.pk)
        Counter.objects.filter(key=FLOOR_KEY).delete()
    return figures
