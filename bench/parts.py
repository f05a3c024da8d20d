"""Spare parts (issue 14): the stock page of one store over a 1M-row ledger, and consumption on the
job over HTTP next to the intake figure.

(a) Once per bench database (kept between runs): 20,000 catalogue parts (numbers BP + 6 digits),
    500 stores (BS + 3 digits; the first is the central store holding every part, the others 360
    parts each) and AFTERSALES_BENCH_PARTS_MOVES (default 1,000,000) ledger rows (numbers BM + 9
    digits: per store × part one receipt and then consumptions), with each level equal to its ledger sum
    and the monthly consumption summary rebuilt from the ledger.
(b) The stock page of the central store (GET /parts/stock/?store=BS000, 20,000 lines, 50 a page,
    sorted by part number) rendered by Django's test client as the parts keeper: p95 of up to 200
    calls, goal < 50 ms; and the page's query plan.
(c) `aftersales serve` against the bench database: fresh open requests of the bench engineer (new ones
    each run, so a request's parts list does not grow from run to run), their van stocked, and 1 client
    (single user) then 2 clients × AFTERSALES_BENCH_HTTP_REQUESTS (default 250) POST
    /api/v1/service-requests/{number}/parts {part, quantity: 1} (catalogue part, van store, ledger
    row, level, event, request version): requests/s and p50/p99; then HTTP intake with as many clients
    in the same run (bench.service's payloads), so the two rates are side by side.
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any

from bench.context import Context
from bench.database import analyze, insert_rows, log, reset_sequences
from bench.http import database_url, register_run, serve
from bench.report import Figure, Samples, percentile

AREA = "parts"
PARTS = 20_000
STORES = 500
PER_STORE = 360
CLIENTS = 2
CLIENT_COUNTS = (1, CLIENTS)  # single user, then under concurrency
REQUESTS_PER_CLIENT = 10  # open requests per client (consumptions of one request serialise on its lock)
KEEPER = "bench_parts_keeper"
ENGINEER = "bench_parts_engineer"


def _moves_total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_PARTS_MOVES", "1000000"))


def _per_client() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_HTTP_REQUESTS", "250"))


def _user(username: str, role: str) -> Any:
    from aftersales.accounts.models import User
    from aftersales.accounts.services import user_create

    return User.objects.filter(username=username).first() or user_create(
        actor=None, username=username, password="bench-pass-123", role=role
    )


# --- (a) the load -------------------------------------------------------------------------------


def _load(ctx: Context) -> float:
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from aftersales.parts.models import Part, StockConsumption, StockLevel, StockMove, Store
    from aftersales.parts.services.stock import consumption_rebuild

    total = _moves_total()
    if StockMove.objects.filter(number__startswith="BM").count() == total:
        return 0.0
    log(f"parts: loading {PARTS:,} parts, {STORES} stores, {total:,} ledger rows (once; kept between runs) …")
    start = time.perf_counter()
    keeper = _user(KEEPER, "parts_keeper")
    with transaction.atomic():
        StockLevel.objects.filter(store__code__startswith="BS").delete()
        StockConsumption.objects.filter(store__code__startswith="BS").delete()
        StockMove.objects.filter(number__startswith="BM")._raw_delete(StockMove.objects.db)
        Store.objects.filter(code__startswith="BS").delete()
        Part.objects.filter(code__startswith="BP").delete()
        now = timezone.now()
        first_part = (Part.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        insert_rows(
            Part,
            (
                {
                    "id": first_part + i,
                    "code": f"BP{i:06d}",
                    "name": f"配件{i:06d}",
                    "spec": f"规格 {i % 97}",
                    "uom": "个",
                    "standard_cost": 10 + i % 500,
                    "list_price": 20 + i % 800,
                    "major": i % 50 == 0,
                    "active": True,
                    "version": 1,
                    "created_at": now,
                }
                for i in range(PARTS)
            ),
        )
        first_store = (Store.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        insert_rows(
            Store,
            (
                {
                    "id": first_store + s,
                    "code": f"BS{s:03d}",
                    "name": f"库房{s:03d}",
                    "kind": "central" if s == 0 else ("service_point" if s < 100 else "customer"),
                    "owner_id": keeper.pk,
                    "active": True,
                    "created_at": now,
                }
                for s in range(STORES)
            ),
        )
        rng = random.Random(14)
        pairs: list[tuple[int, int]] = [(first_store, first_part + p) for p in range(PARTS)]
        for s in range(1, STORES):
            pairs += [(first_store + s, first_part + p) for p in rng.sample(range(PARTS), PER_STORE)]
        per_pair, extra = divmod(total, len(pairs))
        levels: list[dict[str, Any]] = []
        first_level = (StockLevel.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

        def moves() -> Any:
            n = 0
            for i, (store, part) in enumerate(pairs):
                count = per_pair + (1 if i < extra else 0)
                received = 5 * count
                for k in range(count):
                    change, kind = (received, "receipt") if k == 0 else (-1, "consume")
                    yield {
                        "id": None,
                        "number": f"BM{n:09d}",
                        "kind": kind,
                        "occurred_at": now,
                        "actor_id": keeper.pk,
                        "store_id": store,
                        "part_id": part,
                        "quantity": abs(change),
                        "on_hand_change": change,
                        "in_transit_change": 0,
                        "reserved_change": 0,
                        "reference": "BENCH",
                    }
                    n += 1
                levels.append(
                    {
                        "id": first_level + i,
                        "store_id": store,
                        "part_id": part,
                        "part_code": f"BP{part - first_part:06d}",
                        "on_hand": received - (count - 1),
                        "reserved": 0,
                        "in_transit": 0,
                        "available": received - (count - 1),
                    }
                )

        first_move = (StockMove.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        counter = iter(range(first_move, first_move + total + 1))
        insert_rows(StockMove, ({**row, "id": next(counter)} for row in moves()))
        insert_rows(StockLevel, levels)
        consumption_rebuild()  # the ledger went in without the services: its monthly summary from it
    reset_sequences([Part, Store, StockMove, StockLevel])
    analyze()
    return time.perf_counter() - start


# --- (b) the stock page of one store ------------------------------------------------------------


def _stock_page() -> list[Figure]:
    from django.conf import settings
    from django.test import Client

    from aftersales.parts.models import StockLevel
    from aftersales.parts.views import stock_query

    if "testserver" not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(_user(KEEPER, "parts_keeper"))
    url = "/parts/stock/?store=BS000&sort=part"
    lines = StockLevel.objects.filter(store__code="BS000").count()
    first = client.get(url)
    if first.status_code != 200:
        raise RuntimeError(f"GET {url}: {first.status_code}")
    plan = " | ".join(
        line.strip() for line in stock_query("BS000", "", "").order_by("part_code", "pk")[:50].explain().splitlines()
    )
    samples = Samples()
    began = time.perf_counter()
    while len(samples.values) < 200 and (len(samples.values) < 5 or time.perf_counter() - began < 30):
        start = time.perf_counter()
        client.get(url)
        samples.add(time.perf_counter() - start)
    p95 = samples.p95()
    return [
        Figure(
            AREA,
            f"stock page of one store p95 ({lines:,} lines, 50 a page, {len(samples.values)} calls)",
            p95,
            "ms",
            goal="< 50 ms",
            ok=p95 < 50,
            note=f"median {samples.median():.1f} ms; whole page through Django's test client; plan: {plan}",
        )
    ]


# --- (c) consumption over HTTP, next to intake --------------------------------------------------


def _open_requests(ctx: Context, engineer: Any, count: int) -> list[str]:
    from aftersales.accounts.selectors import actor_for
    from aftersales.installed_base.models import Unit
    from aftersales.service.services import service_request_create, service_request_dispatch

    have: list[str] = []  # fresh requests each run: a request's parts list must not grow from run to run
    lead = actor_for(_user("bench_parts_lead", "team_lead"))
    offset = random.Random().randrange(0, 10_000)
    units = list(Unit.objects.filter(customer__confidential=False).order_by("pk")[offset : offset + count])
    for unit in units:
        sr = service_request_create(
            actor=ctx.actor,
            customer_id=unit.customer_id,
            serial=unit.serial,
            channel="phone",
            priority="general",
            fault="主轴异响",
        )
        service_request_dispatch(actor=lead, number=sr.number, engineer=engineer.username)
        have.append(sr.number)
    return have[:count]


def _consumption(ctx: Context, clients: int) -> tuple[list[Figure], float]:
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create
    from aftersales.parts.models import Part, Store
    from aftersales.parts.services.stock import stock_receive

    engineer = _user(ENGINEER, "engineer")
    keeper = actor_for(_user(KEEPER, "parts_keeper"))
    van = Store.objects.filter(code="BVAN").first() or Store.objects.create(
        code="BVAN", name="随车库（基准）", kind="engineer", engineer=engineer, owner=engineer
    )
    parts = list(Part.objects.filter(code__startswith="BP", major=False).order_by("code")[:50])
    per_client = _per_client()
    for part in parts:
        stock_receive(actor=keeper, store=van, part=part, quantity=clients * per_client + 100, reference="BENCH-VAN")
    numbers = _open_requests(ctx, engineer, clients * REQUESTS_PER_CLIENT)
    rng = random.Random(3)

    def bodies(client: int, count: int) -> list[tuple[str, bytes]]:
        mine = numbers[client * REQUESTS_PER_CLIENT : (client + 1) * REQUESTS_PER_CLIENT]
        return [
            (
                f"/api/v1/service-requests/{mine[i % len(mine)]}/parts",
                json.dumps({"part": rng.choice(parts).code, "quantity": 1}).encode(),
            )
            for i in range(count)
        ]

    _token, clear = api_token_create(actor=actor_for(engineer), name="bench")
    import http.client
    import threading

    def post_all(port: int, items: list[tuple[str, bytes]], latencies: list[float], errors: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {clear}", "Content-Type": "application/json"}
        for path, body in items:
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            latencies.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                errors.append(f"{response.status} {data[:200]!r}")
        conn.close()

    def run(port: int, count: int) -> tuple[list[float], list[str], float]:
        per: list[list[float]] = [[] for _ in range(clients)]
        errors: list[str] = []
        threads = [
            threading.Thread(target=post_all, args=(port, bodies(c, count), per[c], errors)) for c in range(clients)
        ]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return [x for lat in per for x in lat], errors, time.perf_counter() - start

    with serve(database_url(), area=AREA) as port:
        _l, warm_errors, _w = run(port, 10)
        if warm_errors:
            raise RuntimeError(f"consumption failed: {warm_errors[0]}")
        latencies, errors, wall = run(port, per_client)
    rate = len(latencies) / wall
    first = f" (first: {errors[0]})" if errors else ""
    return [
        Figure(
            AREA,
            f"HTTP consumption, {clients} client{'s' if clients > 1 else ''} × {per_client} "
            "POST /service-requests/{n}/parts",
            rate,
            "/s",
            goal="no errors",
            ok=not errors,
            note=(
                f"p50 {percentile(latencies, 50):.1f} ms, p99 {percentile(latencies, 99):.1f} ms, "
                f"{len(errors)} errors{first}; each request = request lock, catalogue part, van store, "
                "level lock, ledger row (KC number), 2 events, request version"
            ),
        )
    ], rate


def _intake(ctx: Context, clients: int) -> list[Figure]:
    from aftersales.service.models import ServiceRequest
    from bench.service import _payloads

    figures, _done = register_run(
        ctx,
        area=AREA,
        model=ServiceRequest,
        registered_by="received_by",
        path="/api/v1/service-requests",
        payloads=_payloads,
        clients=clients,
        per_client=_per_client(),
        label="HTTP intake (same run)",
        work="validation, S4, number, event, 3 clocks, S15 check",
    )
    return figures[:1]


def run(ctx: Context) -> list[Figure]:
    load_seconds = _load(ctx)
    figures = _stock_page()
    for clients in CLIENT_COUNTS:
        consumption, rate = _consumption(ctx, clients)
        intake = _intake(ctx, clients)
        figures += consumption + intake
        if intake and intake[0].value:
            figures.append(
                Figure(
                    AREA,
                    f"consumption ÷ intake, {clients} client{'s' if clients > 1 else ''} (same server, same run)",
                    rate / intake[0].value,
                    "×",
                )
            )
    if load_seconds:
        figures.append(
            Figure(
                AREA, f"bulk load {_moves_total():,} ledger rows, {PARTS:,} parts, {STORES} stores", load_seconds, "s"
            )
        )
    return figures
