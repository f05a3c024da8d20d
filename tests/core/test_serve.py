"""`aftersales serve`: the embedded production server answers pages, static files and the API."""

from __future__ import annotations

import gc
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "aftersales", *args], env=env, check=True, capture_output=True, timeout=180)


def _serve(tmp_path: Path, *, log: Path | None = None) -> tuple[subprocess.Popen[bytes], str, str]:
    """A migrated install in tmp_path with user hotline, served by 2 workers: (server, base URL,
    login page). The access log goes to `log` when given."""
    env = {**os.environ, "AFTERSALES_VAR_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _run(["migrate", "--noinput", "-v", "0"], env)
    _run(["createuser", "--username", "hotline", "--password", "serve-pass-1", "--role", "agent"], env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aftersales", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log.open("wb") if log else subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:  # noqa: S310
                return server, base, response.read().decode()
        except OSError:
            time.sleep(0.2)
    _stop(server)
    pytest.fail("aftersales serve did not answer within 20 s")


def _stop(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=40)


def test_serve_warms_up_every_url_and_template_before_forking() -> None:
    """Decision 0042: the master loads the URLs (every view and API module) and compiles every template,
    so no worker pays for them on its first requests; a template that does not compile is named."""
    from django.template import engines

    from aftersales.core.management.commands.serve import warm_up

    loaded = warm_up()
    assert loaded["broken"] == []  # e.g. a page with its content block twice: a 500 for every visitor
    assert loaded["urls"] > 10
    assert loaded["templates"] > 200
    compiled = engines["django"].engine.template_loaders[0].get_template_cache  # the cached loader's
    assert {"service/board.html", "web/base.html", "installed_base/unit_import.html"} <= set(compiled)


def test_serve_freezes_what_the_master_loaded_before_each_fork() -> None:
    """Decision 0042: the objects loaded before the fork are out of the workers' garbage collector's reach
    (a full collection over them was the board's slowest answers) and stay shared with the master."""
    from aftersales.core.management.commands.serve import Command

    options = Command().options_for(
        {"host": "127.0.0.1", "port": 8000, "workers": 2, "threads": 2, "graceful_timeout": 30}
    )
    assert gc.get_freeze_count() == 0
    try:
        options["pre_fork"](None, None)
        assert gc.get_freeze_count() > 10_000  # Django and every app's modules
    finally:
        gc.unfreeze()


def test_serve_answers_login_static_and_api_in_every_worker(tmp_path: Path) -> None:
    server, base, page = _serve(tmp_path)
    try:
        assert "登录" in page
        with urllib.request.urlopen(f"{base}/static/vendor/bootstrap/bootstrap.min.css", timeout=5) as response:  # noqa: S310
            assert response.status == 200
        # Several token requests reach both workers; each must work (a worker forked while a
        # background thread imported Django once failed every query).
        body = json.dumps({"username": "hotline", "password": "serve-pass-1"}).encode()
        for _ in range(8):
            request = urllib.request.Request(
                f"{base}/api/v1/auth/token", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                assert response.status == 201
                assert json.loads(response.read())["token"].startswith("as_")
    finally:
        _stop(server)


def test_serve_gives_a_new_connection_to_a_worker_holding_none(tmp_path: Path) -> None:
    """docs/decisions/0004: with keep-alive a connection stays with the worker that accepted it, so
    a second client must not join the first one's worker while the other has none (one worker would
    serve both from one core). Ten rounds: gunicorn's own gthread worker picks either worker."""
    log = tmp_path / "access.log"
    server, base, _page = _serve(tmp_path, log=log)
    port = int(base.rsplit(":", 1)[1])
    try:
        for round_ in range(10):
            connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(2)]
            for n in range(3):
                for i, connection in enumerate(connections):
                    connection.request("GET", f"/static/vendor/bootstrap/bootstrap.min.css?r={round_}&c={i}&n={n}")
                    connection.getresponse().read()
            for connection in connections:
                connection.close()
            time.sleep(0.3)  # the workers see the connections closed before the next round
        time.sleep(0.5)
        pids: dict[tuple[str, str], set[str]] = {}
        for line in log.read_text().splitlines():
            found = re.search(r"\?r=(\d)&c=(\d)&n=\d .* pid=<(\d+)>", line)
            if found:
                pids.setdefault((found[1], found[2]), set()).add(found[3])
        assert len(pids) == 20
        shared = 0
        for round_ in "0123456789":
            first, second = pids[(round_, "0")], pids[(round_, "1")]
            assert len(first) == 1  # keep-alive: one worker per connection
            assert len(second) == 1
            shared += first == second
        # A worker waits a bounded time (10 ms, 40 ms) for its idle sibling to accept; on a machine
        # whose cores are busy with other processes the sibling may miss that window once. Without the
        # balancing (gunicorn's gthread alone) about half the rounds share a worker: 0–1 of 10 shared
        # happens by chance with probability ~1 %, so the test still fails when the balancing is gone.
        assert shared <= 1, f"{shared} of 10 rounds served both clients from one worker"
    finally:
        _stop(server)
