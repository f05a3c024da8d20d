"""Intake as a share of the server's floor (issue 12): the same `aftersales serve`, the same run.

The server is started once with AFTERSALES_BENCH_FLOOR=on, which mounts POST /bench/floor (one ORM
insert of a small row in a transaction, aftersales.core.floor). For 2 and then 4 keep-alive
clients, each × AFTERSALES_BENCH_SHARE_REQUESTS (default 200) POSTs: first the floor, then the
service area's intake (POST /api/v1/service-requests: validation, S4, number, event, 3 clocks,
S15). Reported: both rates and intake ÷ floor. The share is what the design costs over a bare
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


def _measure(port: int, token: str, path: str, bodies: list[list[bytes]], expect: int) -> tuple[float, str, int]:
    latencies, errors, wall = run_clients(port, token, path, bodies, expect=expect)
    first = f" (first: {errors[0]})" if errors else ""
    note = (
        f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, {len(errors)} errors{first}"
    )
    return len(latencies) / wall, note, len(errors)


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
            for path, make, expect in ((FLOOR_PATH, lambda n, s: [b"{}"] * n, 201), (INTAKE_PATH, _payloads, 201)):
                _r, note, errors = _measure(port, clear, path, [make(10, 1 + i) for i in range(max(CLIENTS))], expect)
                if errors:
                    raise RuntimeError(f"warm-up of {path} failed: {note}")
            for clients in CLIENTS:
                log(f"{AREA}: {clients} clients …")
                floor, floor_note, floor_errors = _measure(
                    port, clear, FLOOR_PATH, [[b"{}"] * per_client for _ in range(clients)], 201
                )
                intake, intake_note, intake_errors = _measure(
                    port, clear, INTAKE_PATH, [_payloads(per_client, 100 + i) for i in range(clients)], 201
                )
                share = intake / floor if floor else None
                figures += [
                    Figure(AREA, f"floor, {clients} clients × {per_client} POST {FLOOR_PATH}", floor, "/s",
                           goal="no errors", ok=not floor_errors, note=floor_note + "; one ORM insert in a transaction"),
                    Figure(AREA, f"HTTP intake, {clients} clients × {per_client} POST {INTAKE_PATH}", intake, "/s",
                           goal="no errors", ok=not intake_errors, note=intake_note),
                    Figure(AREA, f"intake ÷ floor, {clients} clients", None if share is None else share * 100, "%",
                           note="the same server, the same run"),
                ]  # fmt: skip
    finally:
        os.environ.pop("AFTERSALES_BENCH_FLOOR", None)
        _forget_created(ServiceRequest, before, "received_by", ctx.actor.pk)
        Counter.objects.filter(key=FLOOR_KEY).delete()
    return figures
