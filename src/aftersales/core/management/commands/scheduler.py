"""aftersales scheduler: the scale-out trigger of periodic jobs (docs/decisions/0003).

Runs APScheduler in the foreground; each job of settings.AFTERSALES_PERIODIC_JOBS (dotted path →
seconds, 60 = a cron trigger at second 0 of every minute; or a crontab line such as "5 0 * * *" in
settings.TIME_ZONE) is *enqueued* on the task backend, and
any number of `aftersales db_worker` processes run it. Jobs are idempotent and driven by stored
due times, so a second scheduler or a missed minute does no harm. Ctrl-C / SIGTERM stops it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string


def enqueue(path: str) -> None:
    import_string(path).enqueue()


class Command(BaseCommand):
    help = "Enqueue the periodic jobs (clock sweep every minute) for the task workers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="enqueue every job once and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs: dict[str, float | str] = dict(settings.AFTERSALES_PERIODIC_JOBS)
        if options["once"]:
            for path in jobs:
                enqueue(path)
                self.stdout.write(f"enqueued {path}")
            return
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.cron import CronTrigger
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = BlockingScheduler(timezone=settings.TIME_ZONE)
        for path, every in jobs.items():
            if isinstance(every, str):
                trigger = CronTrigger.from_crontab(every, timezone=settings.TIME_ZONE)
            else:
                trigger = CronTrigger(second=0) if every == 60 else IntervalTrigger(seconds=every)
            scheduler.add_job(
                enqueue, trigger, args=[path], id=path, coalesce=True, max_instances=1, misfire_grace_time=30
            )
            self.stdout.write(f"{path}: {trigger}")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            scheduler.shutdown(wait=False)
