"""HTTP figures against a real `aftersales serve`: the server as a subprocess, keep-alive clients.

`serve(url)` starts `aftersales serve` on a free 127.0.0.1 port against the bench database
(AFTERSALES_PERIODIC=off: no sweep or daily job runs in it while we measure) and stops it again;
`run_clients` POSTs with one keep-alive connection per client thread and returns the latencies,
the error lines and the wall time of the whole run.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bench.database import BENCH_SECRET_KEY, REPO_ROOT, log
from bench.report import Figure, percentile


def database_url() -> str:
    """The URL of the database this process is set up on, for the server to use the same one."""
    from django.db import connection

    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    return os.environ.get("AFTERSALES_DATABASE_URL", "")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, port: int) -> subprocess.Popen[bytes]:
    """`aftersales serve` on 127.0.0.1:port, once it answers GET /api/v1/openapi.json (≤ 60 s, or
    AFTERSALES_BENCH_START_SECONDS on a busy machine)."""
    env = {
        **os.environ,
        "AFTERSALES_DATABASE_URL": url,
        "AFTERSALES_PERIODIC": "off",
        "AFTERSALES_SECRET_KEY": os.environ.get("AFTERSALES_SECRET_KEY") or BENCH_SECRET_KEY,
        "DJANGO_SETTINGS_MODULE": "aftersales.settings",
        "PYTHONUNBUFFERED": "1",
    }
    proc = subprocess.Popen(  # noqa: S603 — our own interpreter and module, fixed arguments
        [sys.executable, "-m", "aftersales", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + float(os.environ.get("AFTERSALES_BENCH_START_SECONDS") or 60)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"aftersales serve exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            conn = http.client.HTTPConnection(
                "127.0.0.1", port, timeout=30
            )  # the schema takes seconds on a busy machine
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("aftersales serve did not answer in time (AFTERSALES_BENCH_START_SECONDS)")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()  # SIGTERM: gunicorn finishes the requests in flight and exits
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def serve(url: str, *, area: str) -> Iterator[int]:
    """A running `aftersales serve` on the database at `url`; yields its port, stops it on exit."""
    port = free_port()
    log(f"{area}: starting aftersales serve on 127.0.0.1:{port} …")
    proc = start_server(url, port)
    try:
        yield port
    finally:
        stop_server(proc)


def post_each(
    port: int,
    token: str,
    path: str,
    bodies: list[bytes],
    latencies: list[float],
    errors: list[str],
    *,
    expect: int = 201,
) -> None:
    """POST each body to `path` on one keep-alive connection; appends each latency (seconds) and,
    for an answer other than `expect`, "status body…" to errors."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for body in bodies:
        start = time.perf_counter()
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != expect:
            errors.append(f"{response.status} {data[:200]!r}")
    conn.close()


def run_clients(
    port: int, token: str, path: str, bodies_per_client: list[list[bytes]], *, expect: int = 201
) -> tuple[list[float], list[str], float]:
    """One thread per list of bodies, all started together. Returns (latencies in ms, errors, wall seconds)."""
    per_client: list[list[float]] = [[] for _ in bodies_per_client]
    errors: list[str] = []
    threads = [
        threading.Thread(
            target=post_each, args=(port, token, path, bodies, per_client[i], errors), kwargs={"expect": expect}
        )
        for i, bodies in enumerate(bodies_per_client)
    ]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - start
    return [x * 1000 for lat in per_client for x in lat], errors, wall


def register_run(
    ctx: Any,
    *,
    area: str,
    model: Any,
    registered_by: str,
    path: str,
    payloads: Callable[[int, int], list[bytes]],
    clients: int,
    per_client: int,
    label: str,
    work: str,
    min_rate: float | None = None,
    goal: str | None = None,
) -> tuple[list[Figure], int]:
    """Records registered through the API of a real server as the bench actor: `clients` × 10
    warm-up POSTs (every worker imports and connects; the run stops on an error), then `clients` threads ×
    `per_client` (payloads(count, seed)). Afterwards the records created are deleted with their
    clocks, which the clocks area of a later run would otherwise sweep (their audit events stay:
    the chain is append-only). Returns the figures (requests/s against `min_rate` when given, else
    "no errors"; p50, p99) and how many requests were made. `work`: what one request does; `goal`:
    the goal's text when it is not the rate's."""
    from django.db.models import Max

    from aftersales.accounts.services import api_token_create

    before = model.objects.aggregate(m=Max("pk"))["m"] or 0
    _token, clear = api_token_create(actor=ctx.actor, name="bench")
    try:
        with serve(database_url(), area=area) as port:
            # As many warm-up clients as measured ones, so that every worker has imported and
            # connected before the clock starts (one client warmed one worker only: its sibling's
            # first requests took ~80 ms each and showed in p99).
            _lat, warm_errors, _wall = run_clients(port, clear, path, [payloads(10, 1 + i) for i in range(clients)])
            if warm_errors:
                raise RuntimeError(f"POST {path} as {ctx.actor.user.username} failed: {warm_errors[0]}")
            latencies, errors, wall = run_clients(
                port, clear, path, [payloads(per_client, 100 + i) for i in range(clients)]
            )
    finally:
        _forget_created(model, before, registered_by, ctx.actor.pk)
    rate = len(latencies) / wall
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    first = f" (first: {errors[0]})" if errors else ""
    return [
        Figure(
            area,
            f"{label}, {clients} clients × {per_client} POST {path}",
            rate,
            "/s",
            goal=goal or (f"≥ {min_rate:g} /s" if min_rate is not None else "no errors"),
            ok=(min_rate is None or rate >= min_rate) and not errors,
            note=(
                f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, {len(errors)} errors{first}; aftersales serve "
                f"(default workers/threads), each request = {work}"
            ),
        ),
        Figure(area, f"{label} p50 latency", p50, "ms"),
        Figure(area, f"{label} p99 latency", p99, "ms"),
    ], len(latencies)


def _forget_created(model: Any, after_id: int, registered_by: str, user_id: int) -> None:
    from aftersales.clocks.models import Clock

    ids = list(model.objects.filter(pk__gt=after_id, **{registered_by: user_id}).values_list("pk", flat=True))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        Clock.objects.filter(subject_type=model._meta.label_lower, subject_id__in=[str(x) for x in chunk]).delete()
        model.objects.filter(pk__in=chunk).delete()


def raw_figures(
    area: str, *, rows: str, done: int, raw_rate: float, http: Figure, label: str, note: str
) -> list[Figure]:
    """The raw SQL insert of as many bare `rows` as the HTTP run (`http`, its rate figure) made,
    and the ratio of the two."""
    return [
        Figure(area, f"raw SQL insert of {done:,} {rows}", raw_rate, "rows/s", note=note),
        Figure(area, f"raw SQL ÷ {label}", raw_rate / http.value if http.value else None, "×"),
    ]
