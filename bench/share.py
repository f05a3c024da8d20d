"""Intake as a share of the server's floor (issue 12): the same `aftersales serve`, the same run.

The server is started once with AFTERSALES_BENCH_FLOOR=on, which mounts POST /bench/floor (one ORM
insert of a small row in a transaction, aftersales.core.floor). For 2 and then 4 keep-alive
clients, each × AFTERSALES_BENCH_SHARE_REQUESTS (default 200) POSTs, in AFTERSALES_BENCH_SHARE_ROUNDS
(default 4) alternating rounds of the floor and the service area's intake (POST
/api/v1/service-requests: validation, S4, number, event, 3 clocks, S15). Reported: both rates and intake ÷ floor. The share is what the design costs over a bare
write on this server and database; a global lock that serialises every business write (the
event-chain head held to commit, before docs/decisions/0009) shows as a share that falls as
clients are added on PostgreSQL. One server runs per event-chain mode (AFTERSALES_BENCH_SHARE_CHAINS,
default `inline,deferred`: the head held to commit, and chained after commit), on the same database,
with rounds alternating between them, so the before/after of 0009 is measured in one run.
"""

from __future__ import annotations

import os
from contextlib import ExitStack

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


def _modes() -> tuple[str, ...]:
    """The event-chain modes to compare (AFTERSALES_BENCH_SHARE_CHAINS, default both): `inline` holds
    the chain head from the first event to the commit (the path before docs/decisions/0009 chained
    after commit), `deferred` inserts the events unchained and chains them in a short transaction
    after the commit."""
    raw = os.environ.get("AFTERSALES_BENCH_SHARE_CHAINS", "inline,deferred")
    return tuple(m.strip() for m in raw.split(",") if m.strip())


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
    modes = _modes()
    saved_chain = os.environ.get("AFTERSALES_AUDIT_CHAIN")
    os.environ["AFTERSALES_BENCH_FLOOR"] = "on"  # read by the servers started below, not by this process
    try:
        with ExitStack() as stack:
            # One server per chain mode, all on the same database, started before any clock runs and
            # loaded one at a time: rounds alternate between them (ABBA), so a change of the machine's
            # load weighs on every mode alike.
            ports: dict[str, int] = {}
            for mode in modes:
                os.environ["AFTERSALES_AUDIT_CHAIN"] = mode  # read by the server process at its start
                ports[mode] = stack.enter_context(serve(database_url(), area=f"{AREA} ({mode})"))
            _restore_chain(saved_chain)
            for port in ports.values():
                # Warm every worker on both paths before the clock starts (bench.http.register_run).
                for path, make in ((FLOOR_PATH, lambda n, s: [b"{}"] * n), (INTAKE_PATH, _payloads)):
                    warm = _Tally()
                    warm.add(port, clear, path, [make(10, 1 + i) for i in range(max(CLIENTS))])
                    if warm.errors:
                        raise RuntimeError(f"warm-up of {path} failed: {warm.note()}")
            rounds = _rounds()
            for clients in CLIENTS:
                log(f"{AREA}: {clients} clients …")
                floor = {mode: _Tally() for mode in modes}
                intake = {mode: _Tally() for mode in modes}
                for r in range(rounds):
                    order = modes if r % 2 == 0 else tuple(reversed(modes))
                    for mode in order:
                        port = ports[mode]
                        floor[mode].add(
                            port, clear, FLOOR_PATH, [[b"{}"] * (per_client // rounds) for _ in range(clients)]
                        )
                        intake[mode].add(
                            port,
                            clear,
                            INTAKE_PATH,
                            [_payloads(per_client // rounds, 100 + 10 * r + i) for i in range(clients)],
                        )
                total = rounds * (per_client // rounds)
                shares: dict[str, float | None] = {}
                for mode in modes:
                    f, i = floor[mode], intake[mode]
                    share = i.rate() / f.rate() if f.rate() else None
                    shares[mode] = share
                    figures += [
                        Figure(AREA, f"floor, {clients} clients × {total} POST {FLOOR_PATH}, chain {mode}", f.rate(), "/s",
                               goal="no errors", ok=not f.errors, note=f.note() + "; one ORM insert in a transaction"),
                        Figure(AREA, f"HTTP intake, {clients} clients × {total} POST {INTAKE_PATH}, chain {mode}", i.rate(), "/s",
                               goal="no errors", ok=not i.errors, note=i.note()),
                        Figure(AREA, f"intake ÷ floor, {clients} clients, chain {mode}",
                               None if share is None else share * 100, "%",
                               note=f"the same server, the same run, {rounds} alternating rounds"),
                    ]  # fmt: skip
                inline_share, deferred_share = shares.get("inline"), shares.get("deferred")
                if inline_share and deferred_share:
                    gain = deferred_share / inline_share
                    figures.append(
                        Figure(AREA, f"share, chain deferred ÷ inline, {clients} clients", gain * 100, "%",
                               note="> 100 %: chaining after commit lets business writes run side by side")
                    )  # fmt: skip
    finally:
        os.environ.pop("AFTERSALES_BENCH_FLOOR", None)
        _restore_chain(saved_chain)
        _forget_created(ServiceRequest, before, "received_by", ctx.actor.pk)
        Counter.objects.filter(key=FLOOR_KEY).delete()
    return figures


def _restore_chain(saved: str | None) -> None:
    if saved is None:
        os.environ.pop("AFTERSALES_AUDIT_CHAIN", None)
    else:
        os.environ["AFTERSALES_AUDIT_CHAIN"] = saved
