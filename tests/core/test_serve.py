"""`aftersales serve`: the embedded production server answers pages, static files and the API."""

from __future__ import annotations

import json
import os
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


def test_serve_answers_login_static_and_api_in_every_worker(tmp_path: Path) -> None:
    env = {**os.environ, "AFTERSALES_VAR_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": ""}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    _run(["migrate", "--noinput", "-v", "0"], env)
    _run(["createuser", "--username", "hotline", "--password", "serve-pass-1", "--role", "agent"], env)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "aftersales", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/accounts/login/", timeout=5) as response:  # noqa: S310
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("aftersales serve did not answer within 20 s")
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
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=40)
