"""Django settings: everything comes from conf.py (AFTERSALES_* environment variables)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
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
    "aftersales.portal",
    "aftersales.web",
    "django.contrib.admin",
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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aftersales.web.middleware.DomainErrorPageMiddleware",
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
AUTHENTICATION_BACKENDS = ["aftersales.accounts.backends.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]
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
}
if SQLITE:
    AFTERSALES_PERIODIC_JOBS["aftersales.core.tasks.sqlite_checkpoint_task"] = 60
if not CONFIG.periodic:
    AFTERSALES_PERIODIC_JOBS = {}

AFTERSALES_COMPANY_NAME = CONFIG.company_name
AFTERSALES_COMPANY_ADDRESS = CONFIG.company_address  # printed on the forms (S11, S13, B1)
AFTERSALES_COMPANY_PHONE = CONFIG.company_phone
AFTERSALES_WEB_WORKERS = CONFIG.web_workers
AFTERSALES_WEB_THREADS = CONFIG.web_threads

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"aftersales": {"level": "INFO"}},
}
