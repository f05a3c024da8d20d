"""ORM shortcuts (core.rows, core.prefetch) against the plain ORM, in-process (docs/decisions/0010).

    python -m bench.orm [--target sqlite|postgresql] [--rounds 15] [--calls 100] [--requests 20]

Without --target, runs SQLite (var/bench/orm.sqlite3) and, when AFTERSALES_BENCH_ORM_POSTGRES_URL is
set, PostgreSQL, each in its own process, and prints one table. A few hundred rows, not the load
data of `make bench`.

(a) Each read or write a shortcut stands for (those still in the code: access_customer and
    unit_with_terms were measured at commit 52e3c2e and now use the plain ORM, docs/decisions/0010), timed against the plain-ORM call a caller would write
    instead (same rows, same answer): `rounds` rounds, each running `calls` calls of every variant in
    turn (interleaved, so drift of a shared machine hits both alike); the figure is the median of the
    rounds' per-call means, in microseconds.
(b) The whole registration: POST /api/v1/service-requests in-process (django.test.Client, token
    auth, the JSON answer), with the shortcuts as the code has them and with every caller switched
    to the plain ORM (the module names patched for the run), `requests` registrations per round
    and mode, interleaved; median of the rounds' means, in milliseconds, and statements per call.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench.database import BENCH_DIR, log, setup_django

RESULT_MARK = "ORM-RESULT "
USERNAME = "bench_orm_agent"
PASSWORD = "bench-orm-pass-123"  # noqa: S105 — a bench user on a bench database


# --- the plain ORM, as a caller would write it without the shortcuts ---------------------------


def plain_row_get(model: Any, *, order_by: str = "pk", **lookups: Any) -> Any:
    return model._default_manager.filter(**lookups).order_by(order_by).first()


def plain_rows_list(model: Any, *, order_by: str = "pk", **lookups: Any) -> list[Any]:
    return list(model._default_manager.filter(**lookups).order_by(order_by))


def plain_prefetched_set(instance: Any, relation: str, rows: Any = ()) -> None:
    """Without core.prefetch the readers ask the database."""


def plain_unit_with_terms(serial: str) -> Any:
    from aftersales.installed_base.models import Unit

    return Unit.objects.select_related("product").prefetch_related("contracts").filter(serial=serial).first()


@contextlib.contextmanager
def plain_orm(*, rows: bool = True, prefetch: bool = True) -> Iterator[None]:
    """Every caller of core.rows (rows) and/or core.prefetch (prefetch) switched to the plain ORM."""
    import importlib

    patches: list[tuple[str, str, Any]] = []
    if rows:
        patches += [
            ("aftersales.installed_base.selectors", "row_get", plain_row_get),
            ("aftersales.installed_base.selectors", "rows_list", plain_rows_list),
            ("aftersales.accounts.services", "row_get", plain_row_get),
            ("aftersales.policies.selectors", "row_get", plain_row_get),
            ("aftersales.customers.selectors", "row_get", plain_row_get),
            ("aftersales.calendars.selectors", "row_get", plain_row_get),
            ("aftersales.service.services.intake", "row_get", plain_row_get),
        ]
    if rows and prefetch:
        patches += [("aftersales.service.services.intake", "unit_with_terms", plain_unit_with_terms)]
    if prefetch:
        patches += [
            ("aftersales.installed_base.selectors", "prefetched_set", plain_prefetched_set),
            ("aftersales.service.services.intake", "prefetched_set", plain_prefetched_set),
            ("aftersales.clocks.services", "prefetched_set", plain_prefetched_set),
        ]
    saved = []
    for module_name, name, value in patches:
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            continue  # a caller that no longer uses the shortcut
        saved.append((module, name, getattr(module, name)))
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)


# --- the data ----------------------------------------------------------------------------------


def ensure_data() -> dict[str, Any]:
    """One region with a service point, a customer in it, a unit with a contract, an agent with a token."""
    from aftersales.accounts.models import Region, ServicePoint, User
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import api_token_create, user_create
    from aftersales.customers.models import Customer
    from aftersales.installed_base.models import Product, ServiceContract, Unit

    region, _ = Region.objects.get_or_create(code="ORM-BJ", defaults={"name": "北京", "tier": "same_city"})
    point, _ = ServicePoint.objects.get_or_create(code="ORM-SP", defaults={"name": "北京服务站", "region": region})
    customer, _ = Customer.objects.get_or_create(code="ORM000001", defaults={"name": "基准客户", "region": region})
    product, _ = Product.objects.get_or_create(model="ORM-1", defaults={"name": "数控铣床", "category": "数控机床"})
    unit, _ = Unit.objects.get_or_create(
        serial="ORM-SN-1",
        defaults={"product": product, "customer": customer, "acceptance_date": dt.date(2024, 1, 15)},
    )
    contract, created = ServiceContract.objects.get_or_create(
        number="ORM-HT-1",
        defaults={"customer": customer, "start_date": dt.date(2025, 1, 1), "end_date": dt.date(2030, 12, 31)},
    )
    if created:
        contract.units.add(unit)
    user = User.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_create(actor=None, username=USERNAME, password=PASSWORD, role="agent")
    _token, clear = api_token_create(actor=actor_for(user), name="bench-orm")
    return {
        "region": region,
        "point": point,
        "customer": customer,
        "unit": unit,
        "user": user,
        "clear": clear,
    }


# --- timing ------------------------------------------------------------------------------------


def interleaved(variants: dict[str, Callable[[], Any]], *, rounds: int, calls: int) -> dict[str, float]:
    """Median over rounds of the mean seconds per call of each variant, the variants run in turn."""
    per_round: dict[str, list[float]] = {name: [] for name in variants}
    for fn in variants.values():  # warm: statement caches, imports, connection
        fn()
    for round_number in range(rounds):
        order = list(variants.items())
        if round_number % 2:
            order.reverse()
        for name, fn in order:
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            per_round[name].append((time.perf_counter() - start) / calls)
    return {name: statistics.median(values) for name, values in per_round.items()}


def micro(data: dict[str, Any], rounds: int, calls: int) -> list[dict[str, Any]]:
    """(a): each shortcut against its plain-ORM equivalent."""
    from django.utils import timezone

    from aftersales.accounts.models import ApiToken, ServicePoint, User
    from aftersales.accounts.services import _hash
    from aftersales.calendars.models import WorkCalendar
    from aftersales.clocks.models import Clock, ClockSegment
    from aftersales.core.prefetch import prefetched_set
    from aftersales.core.rows import row_get
    from aftersales.policies.models import PolicyVersion
    from aftersales.service.models import ServiceRequest

    token_hash = _hash(data["clear"])
    region_id = data["region"].pk
    now = timezone.now()
    request = ServiceRequest.objects.filter(unit=data["unit"]).order_by("-pk").first()
    clock = Clock.objects.filter(subject_id=request.pk).order_by("pk").first()

    def copy(obj: Any, **changes: Any) -> Any:
        model = type(obj)
        values = {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key}
        return model(**{**values, **changes})

    def request_relations(set_them: bool) -> Callable[[], Any]:
        def run() -> int:
            fresh = copy(request)
            fresh.pk = request.pk
            fresh._state.adding = False
            if set_them:
                for relation in ("steps", "parts", "tasks", "quotes"):
                    prefetched_set(fresh, relation)
            return sum(len(list(getattr(fresh, r).all())) for r in ("steps", "parts", "tasks", "quotes"))

        return run

    def clock_segments(set_them: bool) -> Callable[[], Any]:
        segment = ClockSegment.objects.filter(clock=clock).first()

        def run() -> int:
            fresh = copy(clock)
            fresh.pk = clock.pk
            fresh._state.adding = False
            if set_them:
                prefetched_set(fresh, "segments", [segment])
            return len(list(fresh.segments.all()))

        return run

    cases: list[tuple[str, int, Callable[[], Any], Callable[[], Any]]] = [
        # (what, calls per registration, shortcut, plain ORM)
        (
            "row_get ApiToken by hash + its User (every API call)",
            1,
            lambda: row_get(User, pk=row_get(ApiToken, token_hash=token_hash).user_id),
            lambda: User.objects.filter(pk=ApiToken.objects.filter(token_hash=token_hash).first().user_id).first(),
        ),
        (
            "row_get ServicePoint of a region, by code",
            1,
            lambda: row_get(ServicePoint, region_id=region_id, order_by="code"),
            lambda: ServicePoint.objects.filter(region_id=region_id).order_by("code").first(),
        ),
        (
            "row_get PolicyVersion in force",
            1,
            lambda: row_get(PolicyVersion, effective_from__lte=now, order_by="-number"),
            lambda: PolicyVersion.objects.filter(effective_from__lte=now).order_by("-number").first(),
        ),
        (
            "row_get WorkCalendar by code",
            1,
            lambda: row_get(WorkCalendar, code="CN"),
            lambda: WorkCalendar.objects.filter(code="CN").first(),
        ),
        (
            "prefetched_set 4 empty relations of a new request, read back",
            1,
            request_relations(True),
            request_relations(False),
        ),
        (
            "prefetched_set a new clock's segment, read back (×3 clocks)",
            3,
            clock_segments(True),
            clock_segments(False),
        ),
    ]
    out = []
    for what, per_registration, shortcut, plain in cases:
        log(f"  {what}")
        times = interleaved({"shortcut": shortcut, "plain": plain}, rounds=rounds, calls=calls)
        out.append(
            {
                "what": what,
                "per_registration": per_registration,
                "shortcut_us": times["shortcut"] * 1e6,
                "plain_us": times["plain"] * 1e6,
            }
        )
    return out


def registrations(data: dict[str, Any], rounds: int, per_round: int) -> dict[str, Any]:
    """(b): the whole POST /api/v1/service-requests, shortcuts as in the code vs every caller plain."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {data['clear']}")
    body = {"customer": data["customer"].pk, "serial": data["unit"].serial, "channel": "phone", "fault": "无法开机"}

    def post() -> None:
        response = client.post("/api/v1/service-requests", json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"{response.status_code}: {response.content[:300]!r}")

    modes: dict[str, Callable[[], Any]] = {
        "shortcuts": contextlib.nullcontext,
        "plain ORM": plain_orm,
        "plain core.rows only": lambda: plain_orm(prefetch=False),
        "plain core.prefetch only": lambda: plain_orm(rows=False),
    }
    statements = {}
    for name, mode in modes.items():
        with mode():
            post()  # the first call of a mode may touch the token (once a minute)
            with CaptureQueriesContext(connection) as captured:
                post()
        statements[name] = len(captured.captured_queries)
    per_mode: dict[str, list[float]] = {name: [] for name in modes}
    for round_number in range(rounds):
        order = list(modes.items())
        if round_number % 2:
            order.reverse()
        for name, mode in order:
            with mode():
                start = time.perf_counter()
                for _ in range(per_round):
                    post()
                per_mode[name].append((time.perf_counter() - start) / per_round)
    return {
        name: {"ms": statistics.median(values) * 1000, "statements": statements[name]}
        for name, values in per_mode.items()
    }


def run_target(url: str, rounds: int, calls: int, requests: int) -> dict[str, Any]:
    setup_django(url)
    from django.db import connection

    data = ensure_data()
    # One registration first, so the rows the micro cases copy exist.
    from aftersales.accounts.selectors import actor_for
    from aftersales.service.services import service_request_create

    service_request_create(
        actor=actor_for(data["user"]),
        customer_id=data["customer"].pk,
        serial=data["unit"].serial,
        channel="phone",
        fault="基准",
    )
    log(f"{connection.vendor}: micro cases ({rounds} rounds × {calls} calls)")
    cases = micro(data, rounds, calls)
    log(f"{connection.vendor}: registrations ({rounds} rounds × {requests} per mode)")
    whole = registrations(data, rounds, requests)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return {"database": version, "cases": cases, "registration": whole}


def print_report(results: dict[str, dict[str, Any]]) -> None:
    for target, result in results.items():
        whole = result["registration"]
        request_ms = whole["shortcuts"]["ms"]
        print(f"\n## {target} ({result['database']})\n")
        print("| shortcut | shortcut µs | plain µs | saved µs/registration | share of a registration |")
        print("|---|---:|---:|---:|---:|")
        for case in result["cases"]:
            saved = (case["plain_us"] - case["shortcut_us"]) * case["per_registration"]
            print(
                f"| {case['what']} | {case['shortcut_us']:.0f} | {case['plain_us']:.0f} | {saved:.0f} "
                f"| {saved / 10 / request_ms:.1f} % |"
            )
        print("\n| POST /api/v1/service-requests in-process | ms (median) | statements |")
        print("|---|---:|---:|")
        for name, figures in whole.items():
            print(f"| {name} | {figures['ms']:.2f} | {figures['statements']} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.orm", description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    urls = {"sqlite": f"sqlite:///{BENCH_DIR / 'orm.sqlite3'}"}
    if pg := os.environ.get("AFTERSALES_BENCH_ORM_POSTGRES_URL", "").strip():
        urls["postgresql"] = pg
    if args.target:
        result = run_target(urls[args.target], args.rounds, args.calls, args.requests)
        if args.json:
            print(RESULT_MARK + json.dumps(result))
        else:
            print_report({args.target: result})
        return 0
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    results = {}
    for target in urls:
        command = [sys.executable, "-m", "bench.orm", "--target", target, "--json"]
        command += ["--rounds", str(args.rounds), "--calls", str(args.calls), "--requests", str(args.requests)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        sys.stderr.write(done.stderr)
        lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_MARK)]
        if done.returncode or not lines:
            print(done.stdout)
            return 1
        results[target] = json.loads(lines[-1][len(RESULT_MARK) :])
    print_report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
