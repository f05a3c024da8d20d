"""Typed reader of the AFTERSALES_* environment variables, with defaults for the embedded run.

This is the only module that reads the environment; settings.py takes everything from here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()] or default


@dataclass(frozen=True)
class Config:
    var_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    csrf_trusted_origins: list[str]
    company_name: str
    company_address: str
    company_phone: str
    email_host: str
    email_port: int
    email_from: str
    web_workers: int
    web_threads: int
    periodic: bool
    bench_floor: bool
    audit_key: str
    audit_chain: str


def load() -> Config:
    var_dir = Path(os.environ.get("AFTERSALES_VAR_DIR") or REPO_ROOT / "var")
    database_url = os.environ.get("AFTERSALES_DATABASE_URL") or f"sqlite:///{var_dir / 'aftersales.sqlite3'}"
    return Config(
        var_dir=var_dir,
        database_url=database_url,
        # The embedded default is a single-machine install; production sets its own key.
        secret_key=os.environ.get("AFTERSALES_SECRET_KEY") or "embedded-insecure-change-me-in-production",
        debug=_bool("AFTERSALES_DEBUG", False),
        allowed_hosts=_list("AFTERSALES_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]),
        csrf_trusted_origins=_list("AFTERSALES_CSRF_TRUSTED_ORIGINS", []),
        company_name=os.environ.get("AFTERSALES_COMPANY_NAME") or "示例设备有限公司 售后服务中心",
        company_address=os.environ.get("AFTERSALES_COMPANY_ADDRESS") or "上海市闵行区示例路 100 号",
        company_phone=os.environ.get("AFTERSALES_COMPANY_PHONE") or "400-800-0000",
        email_host=os.environ.get("AFTERSALES_EMAIL_HOST", ""),
        email_port=int(os.environ.get("AFTERSALES_EMAIL_PORT") or 25),
        email_from=os.environ.get("AFTERSALES_EMAIL_FROM") or "aftersales@localhost",
        web_workers=int(os.environ.get("AFTERSALES_WEB_WORKERS") or 2),
        web_threads=int(os.environ.get("AFTERSALES_WEB_THREADS") or 8),
        # Off only for measurements (bench) that must not run the sweep or daily jobs in the server.
        periodic=_bool("AFTERSALES_PERIODIC", True),
        # Bench only: mounts POST /bench/floor (one ORM insert in a transaction), the floor the
        # bench compares intake with. Never on in production.
        bench_floor=_bool("AFTERSALES_BENCH_FLOOR", False),
        # The key of the event chain's HMAC (docs/decisions/0009): kept outside the database. Unset on
        # the embedded default: generated into var/audit.key (mode 0600); required on PostgreSQL.
        audit_key=os.environ.get("AFTERSALES_AUDIT_KEY", "").strip(),
        # "inline" (chained inside the writing transaction) or "deferred" (chained right after its
        # commit); empty: inline on SQLite, deferred on PostgreSQL (docs/decisions/0009).
        audit_chain=os.environ.get("AFTERSALES_AUDIT_CHAIN", "").strip().lower(),
    )
