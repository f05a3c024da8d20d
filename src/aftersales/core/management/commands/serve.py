"""aftersales serve: the production web server of the embedded install.

Gunicorn, started in-process (gunicorn.app.base.BaseApplication), serves
aftersales.wsgi.application with `gthread` workers (core.workers.BalancedThreadWorker, which leaves
a new connection to an idle sibling first): AFTERSALES_WEB_WORKERS processes with
AFTERSALES_WEB_THREADS threads each. Static files (incl. web/static/vendor/) are served by
WhiteNoise from the middleware, so no other server is needed. Access log on stdout, errors on
stderr. SIGTERM or Ctrl-C stops gracefully: workers finish the requests in flight (up to
--graceful-timeout seconds) before the process exits. The master loads every URL, catalogue and
template before forking (`warm_up`) and freezes them out of the collector's reach (docs/decisions/0042).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


def start_background() -> None:
    """The in-process background work of the embedded install (docs/decisions/0003).

    Called in each gunicorn worker after it has been forked (`post_worker_init`), never in the
    master: a thread running in the master while it forks can leave a worker with a half-imported
    module and a held import lock (seen: every query in that worker failed). With several workers
    the sweep runs in each of them; sweeps are idempotent and record each event once. Starts
    the periodic thread that runs settings.AFTERSALES_PERIODIC_JOBS (the clock sweep every
    minute) and the task worker thread that runs the jobs users start (imports, large exports:
    core.jobs). Idempotent: a second call starts nothing.
    """
    from aftersales.core.periodic import periodic_start, task_worker_start

    periodic_start()
    task_worker_start()


def warm_up() -> dict[str, Any]:
    """Load, once in the master, what every worker would otherwise load on its first requests: the
    URLs with every view and API module (~1.3 s), both languages' message catalogues and every
    template, compiled (a page's first drawing in a worker took ~20 ms more). Forked after this, each
    worker starts ready and shares these objects with the master (docs/decisions/0042).

    Returns {"urls": top-level URL patterns, "templates": templates compiled, "broken": the names of
    those that do not compile} — a broken template is reported, not fatal: its page answers 500."""
    from django.forms.renderers import EngineMixin, get_default_renderer
    from django.template import Engine, TemplateSyntaxError, engines
    from django.template.backends.django import DjangoTemplates
    from django.urls import get_resolver
    from django.utils import translation

    resolver = get_resolver()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):  # activating a language loads its catalogues
            resolver.reverse_dict  # noqa: B018 — builds the language's reverse lookup table
    compiled, broken = 0, []
    # The pages' engine, every template; the forms' own engine, the widget templates.
    pairs: list[tuple[Engine, str]] = [(b.engine, "") for b in engines.all() if isinstance(b, DjangoTemplates)]
    renderer = get_default_renderer()
    if isinstance(renderer, EngineMixin) and isinstance(renderer.engine, DjangoTemplates):
        pairs.append((renderer.engine.engine, "django/forms/"))
    for engine, prefix in pairs:
        for loader in engine.template_loaders:
            for directory in getattr(loader, "get_dirs", list)():
                root = Path(directory)
                for path in sorted(root.rglob("*")):
                    name = path.relative_to(root).as_posix()
                    if path.suffix not in (".html", ".txt", ".xml") or not name.startswith(prefix):
                        continue
                    try:
                        engine.get_template(name)
                        compiled += 1
                    except TemplateSyntaxError:
                        broken.append(name)
    return {"urls": len(resolver.url_patterns), "templates": compiled, "broken": broken}


class AftersalesServer(BaseApplication):
    """Gunicorn configured from a dict instead of the gunicorn command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        assert self.cfg is not None
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from aftersales.wsgi import application

        loaded = warm_up()
        for name in loaded["broken"]:
            logger.error("template %s does not compile; its page will answer 500", name)
        return application


def _post_worker_init(worker: Any) -> None:
    start_background()


def _pre_fork(server: Any, worker: Any) -> None:
    # A database connection opened in the master must not be shared with the forked workers.
    connections.close_all()
    # The objects the master has loaded and warmed up (Django, every app's modules, the URLs, the
    # compiled templates: about 330,000) live as long as the worker: frozen, the worker's collector
    # never walks them again. A full collection over such a heap took ~170 ms, once every ~20 board
    # pages (docs/decisions/0042). Frozen objects also stay shared with the master (no copy-on-write).
    gc.freeze()


class Command(BaseCommand):
    help = "Run the web server (gunicorn, gthread workers; static files by WhiteNoise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.AFTERSALES_WEB_WORKERS,
            help="worker processes (AFTERSALES_WEB_WORKERS, default %(default)s)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.AFTERSALES_WEB_THREADS,
            help="threads per worker (AFTERSALES_WEB_THREADS, default %(default)s)",
        )
        parser.add_argument(
            "--graceful-timeout",
            type=int,
            default=30,
            help="seconds the workers get to finish requests in flight on shutdown (default 30)",
        )

    def options_for(self, options: dict[str, Any]) -> dict[str, Any]:
        host = options["host"]
        bind = f"[{host}]:{options['port']}" if ":" in host else f"{host}:{options['port']}"
        return {
            "bind": [bind],
            "worker_class": "aftersales.core.workers.BalancedThreadWorker",
            "workers": max(1, options["workers"]),
            "threads": max(1, options["threads"]),
            "graceful_timeout": options["graceful_timeout"],
            "timeout": 60,
            "keepalive": 5,
            # The app (Django) is already set up in this process: load it once, before forking.
            "preload_app": True,
            "accesslog": "-",
            # The default line, with the worker's pid and the time taken (microseconds).
            "access_log_format": '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=%(p)s %(D)sus',
            "errorlog": "-",
            "loglevel": "info",
            "proc_name": "aftersales",
            # No gunicornc control socket in $HOME: one less shared file between installs.
            "control_socket_disable": True,
            "post_worker_init": _post_worker_init,
            "pre_fork": _pre_fork,
        }

    def handle(self, *args: Any, **options: Any) -> None:
        gunicorn_options = self.options_for(options)
        self.stdout.write(
            f"aftersales serve: http://{gunicorn_options['bind'][0]}/ "
            f"({gunicorn_options['workers']} workers × {gunicorn_options['threads']} threads, gunicorn gthread)"
        )
        self.stdout.flush()
        connections.close_all()
        AftersalesServer(gunicorn_options).run()
