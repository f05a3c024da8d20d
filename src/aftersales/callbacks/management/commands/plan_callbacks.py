"""`aftersales plan_callbacks [--on DATE]`: plan the callbacks due on that day (V1, A5); idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aftersales.callbacks.services import callbacks_plan


class Command(BaseCommand):
    help = "Plan the callbacks due on a day (default today); running it twice plans nothing new."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError("--on must be a date YYYY-MM-DD") from None
        report = callbacks_plan(on=on)
        parts = ", ".join(f"{kind} {count}" for kind, count in sorted(report.planned.items())) or "none"
        self.stdout.write(f"{on}: planned {report.total} callbacks ({parts}), {report.site_checks} site checks")
