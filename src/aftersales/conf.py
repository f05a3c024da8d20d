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


# The key of the embedded default (SQLite under var/, plain http on 127.0.0.1). settings.py refuses
# to start on it anywhere else (PostgreSQL, or HTTPS): see `Config.embedded`.
EMBEDDED_SECRET_KEY = "embedded-insecure-change-me-in-production"


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
    live_refresh_seconds: int
    periodic: bool
    signin_lockout: bool
    signin_failures: int
    signin_cooloff_minutes: int
    bench_floor: bool
    audit_key: str
    audit_chain: str
    # --- deployment: HTTPS and its headers (issue 12, point 8) ---
    https: bool
    hsts_seconds: int
    hsts_include_subdomains: bool
    hsts_preload: bool
    ssl_redirect: bool
    secure_cookies: bool
    proxy_ssl_header: tuple[str, str] | None
    secret_key_set: bool

    @property
    def embedded(self) -> bool:
        """The embedded default: SQLite and plain http (the only place the built-in key may be used)."""
        return self.database_url.startswith("sqlite:") and not self.https


def _proxy_ssl_header(https: bool) -> tuple[str, str] | None:
    """AFTERSALES_PROXY_SSL_HEADER: the header the proxy sets to "https" on TLS requests
    (default X-Forwarded-Proto when HTTPS is on; "off": the server itself terminates TLS)."""
    raw = os.environ.get("AFTERSALES_PROXY_SSL_HEADER", "").strip()
    if raw.lower() in {"off", "none", "0", "false", "no"} or (not raw and not https):
        return None
    header = raw or "X-Forwarded-Proto"
    return ("HTTP_" + header.upper().replace("-", "_"), "https")


def load() -> Config:
    var_dir = Path(os.environ.get("AFTERSALES_VAR_DIR") or REPO_ROOT / "var")
    database_url = os.environ.get("AFTERSALES_DATABASE_URL") or f"sqlite:///{var_dir / 'aftersales.sqlite3'}"
    csrf_trusted_origins = _list("AFTERSALES_CSRF_TRUSTED_ORIGINS", [])
    # HTTPS mode: AFTERSALES_HTTPS=on|off; unset, it is on when the trusted origins are all https://
    # (the README's production environment), off on the embedded default (plain http on 127.0.0.1).
    https = _bool(
        "AFTERSALES_HTTPS",
        bool(csrf_trusted_origins) and all(origin.startswith("https://") for origin in csrf_trusted_origins),
    )
    secret_key = os.environ.get("AFTERSALES_SECRET_KEY", "").strip()
    return Config(
        var_dir=var_dir,
        database_url=database_url,
        # The embedded default is a single-machine install; production sets its own key.
        secret_key=secret_key or EMBEDDED_SECRET_KEY,
        debug=_bool("AFTERSALES_DEBUG", False),
        allowed_hosts=_list("AFTERSALES_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"]),
        csrf_trusted_origins=csrf_trusted_origins,
        company_name=os.environ.get("AFTERSALES_COMPANY_NAME") or "示例设备有限公司 售后服务中心",
        company_address=os.environ.get("AFTERSALES_COMPANY_ADDRESS") or "上海市闵行区示例路 100 号",
        company_phone=os.environ.get("AFTERSALES_COMPANY_PHONE") or "400-800-0000",
        email_host=os.environ.get("AFTERSALES_EMAIL_HOST", ""),
        email_port=int(os.environ.get("AFTERSALES_EMAIL_PORT") or 25),
        email_from=os.environ.get("AFTERSALES_EMAIL_FROM") or "aftersales@localhost",
        # Processes rather than threads (docs/decisions/0041): four workers per CPU (at most 16) of two
        # threads. Threads of one process share its interpreter lock: with 2 × 8 and 8 busy users on
        # 2 cores the machine stood 28 % idle while pages waited their turn for the lock. The second
        # thread keeps a worker's other connections moving behind a slow request (an export).
        web_workers=int(os.environ.get("AFTERSALES_WEB_WORKERS") or min(16, 4 * (os.cpu_count() or 1))),
        web_threads=int(os.environ.get("AFTERSALES_WEB_THREADS") or 2),
        # How often the bell, the home queues and the dispatch board poll the server (htmx, seconds).
        live_refresh_seconds=max(5, int(os.environ.get("AFTERSALES_LIVE_REFRESH_SECONDS") or 30)),
        # Off only for measurements (bench) that must not run the sweep or daily jobs in the server.
        periodic=_bool("AFTERSALES_PERIODIC", True),
        # Sign-in throttling (django-axes): security settings, not regulation values. Off only for
        # fuzzing runs (schemathesis) that send thousands of wrong passwords on purpose.
        signin_lockout=_bool("AFTERSALES_SIGNIN_LOCKOUT", True),
        signin_failures=max(1, int(os.environ.get("AFTERSALES_SIGNIN_FAILURES") or 5)),
        signin_cooloff_minutes=max(1, int(os.environ.get("AFTERSALES_SIGNIN_COOLOFF_MINUTES") or 15)),
        https=https,
        # One year of HSTS, subdomains and preload by default once HTTPS is on; 0 (no header) without.
        hsts_seconds=int(os.environ.get("AFTERSALES_HSTS_SECONDS") or (31_536_000 if https else 0)),
        hsts_include_subdomains=_bool("AFTERSALES_HSTS_INCLUDE_SUBDOMAINS", https),
        hsts_preload=_bool("AFTERSALES_HSTS_PRELOAD", https),
        ssl_redirect=_bool("AFTERSALES_SSL_REDIRECT", https),
        secure_cookies=_bool("AFTERSALES_SECURE_COOKIES", https),
        proxy_ssl_header=_proxy_ssl_header(https),
        secret_key_set=bool(secret_key),
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
