"""`aftersales serve` (what `make run` starts) runs the background jobs users start: its task worker
thread picks up an import enqueued on the embedded SQLite install and finishes it."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from tests.core.test_serve import _run, _serve, _stop

ENQUEUE = """
import io
from openpyxl import Workbook
from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.core.jobs import job_enqueue
book = Workbook(); sheet = book.active
sheet.append(["客户名称", "类型", "电话", "地址", "区域", "信用等级", "重点客户", "联系人", "联系电话"])
sheet.append(["后台客户有限公司", "经销商", "", "", "", "", "否", "", ""])
data = io.BytesIO(); book.save(data); data.seek(0)
job_enqueue(actor=actor_for(User.objects.get(username="mgr")), kind="customers.import", upload=data)
"""


def test_serve_runs_an_enqueued_import_job(tmp_path: Path) -> None:
    server, _base, _page = _serve(tmp_path)
    try:
        env = {**os.environ, "AFTERSALES_VAR_DIR": str(tmp_path), "AFTERSALES_DATABASE_URL": ""}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        _run(["createuser", "--username", "mgr", "--password", "serve-pass-1", "--role", "cs_manager"], env)
        _run(["shell", "-c", ENQUEUE], env)
        database = sqlite3.connect(tmp_path / "aftersales.sqlite3")
        state = ""
        for _ in range(150):  # the worker looks every second; a wait, not a speed measure
            row = database.execute("SELECT state, result FROM core_job").fetchone()
            state = row[0] if row else ""
            if state in ("done", "failed"):
                break
            time.sleep(0.2)
        assert state == "done"
        assert database.execute("SELECT name FROM customers_customer").fetchall() == [("后台客户有限公司",)]
    finally:
        _stop(server)
