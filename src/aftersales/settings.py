"""Django settings: everything comes from conf.py (AFTERSALES_* environment variables)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from aftersales import conf

CONFIG = conf.load()
BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = CONFIG.var_dir
VAR_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.policies",
    "aftersales.customers",
    "aftersales.installed_base",
    "aftersales.calendars",
    "aftersales.notifications",
    "aftersales.approvals",
    "aftersales.clocks",
    "aftersales.service",
    "aftersales.complaints",
    "aftersales.returns",
    "aftersales.followup",
    "aftersales.knowledge",
    # After the older apps: for a word two catalogues translate differently ("Requested", "Superseded"),
    # the app listed first wins, and the older pages keep their wording.
    "aftersales.parts",
    "aftersales.parts.flow.apps.PartsFlowConfig",
    "aftersales.surveys",
    "aftersales.callbacks",
    "aftersales.consultations",
    "aftersales.training",
    "aftersales.reports",
    "aftersales.portal",
    "aftersales.web",
    # The Django admin with a site that lets only superusers write (accounts.adminsite).
    "aftersales.accounts.adminsite.AftersalesAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    # First: under /api/ a bad Host or an oversized body gets the API's error shape; NUL characters and
    # impossible UTC offsets are refused everywhere before a view runs (core.inputs).
    "aftersales.core.inputs.InputGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "aftersales.core.formtokens.FormTokenMiddleware",  # page forms cannot be submitted twice
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aftersales.web.middleware.DomainErrorPageMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into a 429 (accounts.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"
ASGI_APPLICATION = "aftersales.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.web.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)}
SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if SQLITE:
    # Django's backend with writers queued on a lock file instead of SQLite's sleeping busy handler.
    DATABASES["default"]["ENGINE"] = "aftersales.core.sqlite"
    # WAL + IMMEDIATE: readers never block the writer, and a write transaction takes the lock at
    # BEGIN, so two writers queue instead of failing with "database is locked" half-way.
    # Connections are kept (CONN_MAX_AGE from the URL, 60 s): opening one and running the PRAGMAs
    # cost 7–20 ms per request, measured by `make bench` (service intake over HTTP).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # The log is checkpointed by a periodic job (core.periodic.sqlite_checkpoint), not by the
        # commit that crosses 1,000 pages; 10,000 pages (40 MB) is the safety net without it.
        # A 64 MB page cache per connection (default 2 MB): inserting 1,000 audit events for
        # records spread over the event log's subject index took 34 ms with the default, 13 ms.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-65536;"
        ),
    }
    # Tests use a file too, so WAL locking and concurrent connections behave as in production.
    # The pid keeps two test runs in one checkout apart (pytest-django appends _gw0, _gw1 … under
    # xdist). PostgreSQL keeps Django's default: test_<NAME>, made by a role with CREATEDB.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_aftersales_{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out username before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "aftersales.accounts.backends.SigninLockoutBackend",
    "aftersales.accounts.backends.RoleBackend",
]
# Every place a password is set (pages, createuser, services) runs these (accounts.services.password_check).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "aftersales.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id for new and changed passwords; the others stay to check (and upgrade) existing hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Sign-in throttling (docs/decisions/0008-sign-in-and-administration.md): after AFTERSALES_SIGNIN_FAILURES
# wrong passwords for one username, that username is locked for AFTERSALES_SIGNIN_COOLOFF_MINUTES on the
# login page and on POST /api/v1/auth/token alike; the cool-off counts from the lockout, not from the
# last attempt, so the retry time shown is the real one. AFTERSALES_SIGNIN_LOCKOUT=off disables it.
AXES_ENABLED = CONFIG.signin_lockout
AXES_FAILURE_LIMIT = CONFIG.signin_failures
AXES_COOLOFF_TIME = dt.timedelta(minutes=CONFIG.signin_cooloff_minutes)
# By username alone: behind the reverse proxy of the production setup every client has the proxy's
# address, so counting by IP would lock the whole company out after a few typos (axes.W006 warns).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "aftersales.accounts.lockout.lockout_response"
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not logged twice; failures are counted
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

# --- Deployment: HTTPS, Content-Security-Policy, the secret key (issue 12, point 8) ---------------
# Embedded default: plain http on 127.0.0.1, none of the HTTPS settings. HTTPS mode (AFTERSALES_HTTPS,
# on by itself when every AFTERSALES_CSRF_TRUSTED_ORIGINS is https://, as in the README's production
# environment) turns on HSTS, the redirect to https, secure cookies and the proxy's X-Forwarded-Proto;
# each has its own AFTERSALES_* variable (conf.py). `aftersales check --deploy` is clean with it.
if not CONFIG.secret_key_set and not CONFIG.embedded:
    raise ImproperlyConfigured(
        "AFTERSALES_SECRET_KEY is not set: the built-in key is only for the embedded default "
        "(SQLite under var/, plain http). Set it, e.g. "
        "AFTERSALES_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
SECURE_HSTS_SECONDS = CONFIG.hsts_seconds
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.hsts_include_subdomains
SECURE_HSTS_PRELOAD = CONFIG.hsts_preload
SECURE_SSL_REDIRECT = CONFIG.ssl_redirect
SECURE_PROXY_SSL_HEADER = CONFIG.proxy_ssl_header
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
# CSP (django-csp 4): scripts and styles only from our own static files, or inline with the
# request's nonce ({{ request.csp_nonce }}); no inline event handlers, style attributes or javascript: URLs.
# data: images are the customer signatures shown on the record pages.
INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# --- end of deployment settings ------------------------------------------------------------------

EMAIL_HOST = CONFIG.email_host or "localhost"
EMAIL_PORT = CONFIG.email_port
DEFAULT_FROM_EMAIL = CONFIG.email_from
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if CONFIG.email_host
    else "django.core.mail.backends.console.EmailBackend"
)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Periodic jobs (dotted path → seconds, or a crontab line in TIME_ZONE): run by the thread `aftersales serve`
# starts (embedded), or enqueued by `aftersales scheduler` for `aftersales db_worker` (scale-out). Idempotent.
# AFTERSALES_PERIODIC=off leaves them out (bench servers).
AFTERSALES_PERIODIC_JOBS: dict[str, float | str] = {
    "aftersales.clocks.tasks.clock_sweep_task": 60,
    "aftersales.service.tasks.carry_over_task": "5 0 * * *",  # S7 day-end carry-over, 00:05
    "aftersales.service.tasks.handins_overdue_task": "10 0 * * *",  # S14 overdue hand-ins, 00:10
    "aftersales.complaints.tasks.responsibility_review_task": "20 0 1 * *",  # K8 monthly review, 1st 00:20
    "aftersales.callbacks.tasks.plan_callbacks_task": "30 0 * * *",  # V1 callback plans, daily 00:30
    "aftersales.surveys.tasks.analysis_reports_task": "40 0 1 * *",  # V5 last month's reports, 1st 00:40
    "aftersales.core.tasks.idempotency_purge_task": 3600,  # expired Idempotency-Keys and form tokens
    "aftersales.parts.flow.tasks.reorder_sweep_task": "30 * * * *",  # P5 reorder alerts, hourly
    "aftersales.training.tasks.certificate_expiry_task": "50 0 * * *",  # T2 expiring certificates, 00:50
    "aftersales.reports.quality_tasks.early_warning_task": "50 0 * * *",  # Q3 early warnings, daily 00:50
    "aftersales.reports.quality_tasks.risk_review_task": "55 0 * * *",  # X5 overdue risk reviews, daily 00:55
}
# Q1/Q5 last month's statistical analysis table and staff appraisal (1st), Q2 last week's report (Monday).
AFTERSALES_PERIODIC_JOBS["aftersales.reports.tasks.analysis_table_task"] = "50 0 1 * *"
AFTERSALES_PERIODIC_JOBS["aftersales.reports.tasks.appraisal_task"] = "55 0 1 * *"
AFTERSALES_PERIODIC_JOBS["aftersales.reports.tasks.weekly_report_task"] = "15 1 * * mon"
# Chains the events a crash left unchained between commit and the on-commit hook (docs/decisions/0009).
AFTERSALES_PERIODIC_JOBS["aftersales.core.tasks.audit_chain_task"] = 60
if SQLITE:
    AFTERSALES_PERIODIC_JOBS["aftersales.core.tasks.sqlite_checkpoint_task"] = 60
if not CONFIG.periodic:
    AFTERSALES_PERIODIC_JOBS = {}
# `aftersales serve` also runs a task worker thread (core.periodic.task_worker_start) for the jobs users
# start (imports, large exports: core.jobs); off with AFTERSALES_PERIODIC=off, like the periodic jobs.
AFTERSALES_TASK_WORKER = CONFIG.periodic
# A list export of more rows than this runs as a background job with a progress page (core.lists);
# smaller ones are streamed at once.
AFTERSALES_EXPORT_BACKGROUND_ROWS = 5000
# How long an ended background job keeps its files (upload, result, refused rows): a daily job removes
# them afterwards (core.jobs.job_files_purge); the job's page and counts stay.
AFTERSALES_JOB_FILES_RETENTION = dt.timedelta(days=7)
if CONFIG.periodic:
    AFTERSALES_PERIODIC_JOBS["aftersales.core.tasks.job_files_purge_task"] = "50 0 * * *"  # daily, 00:50

# How long an Idempotency-Key answers with the first response (core.idempotency) and a page form
# token stays spent (core.formtokens).
AFTERSALES_IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)

AFTERSALES_COMPANY_NAME = CONFIG.company_name
AFTERSALES_COMPANY_ADDRESS = CONFIG.company_address  # printed on the forms (S11, S13, B1)
AFTERSALES_COMPANY_PHONE = CONFIG.company_phone
AFTERSALES_WEB_WORKERS = CONFIG.web_workers
AFTERSALES_WEB_THREADS = CONFIG.web_threads
# The bell, the home queues and the dispatch board poll every N seconds (htmx; docs/decisions/0016).
AFTERSALES_LIVE_REFRESH_SECONDS = CONFIG.live_refresh_seconds
AFTERSALES_BENCH_FLOOR = CONFIG.bench_floor

# The event chain (X3, docs/decisions/0009): HMAC key from outside the database; how events are chained.
AFTERSALES_AUDIT_KEY = CONFIG.audit_key
AFTERSALES_AUDIT_KEY_FILE = VAR_DIR / "audit.key"  # the embedded default's generated key (mode 0600)
if not AFTERSALES_AUDIT_KEY and not SQLITE:
    raise ImproperlyConfigured(
        "AFTERSALES_AUDIT_KEY is not set. On PostgreSQL the audit chain's key must come from outside the "
        "database: set AFTERSALES_AUDIT_KEY to a long random secret (e.g. `python -c 'import secrets; "
        "print(secrets.token_urlsafe(32))'`) and keep it with the deployment's other secrets."
    )
if CONFIG.audit_chain not in {"", "inline", "deferred"}:
    raise ImproperlyConfigured("AFTERSALES_AUDIT_CHAIN must be 'inline' or 'deferred'.")
AFTERSALES_AUDIT_CHAIN = CONFIG.audit_chain or ("inline" if SQLITE else "deferred")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"aftersales": {"level": "INFO"}},
}
