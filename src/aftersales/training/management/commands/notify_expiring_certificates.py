"""`aftersales notify_expiring_certificates [--on DATE]`: warn of certificates expiring soon (T2); idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aftersales.training.services import certificates_expiry_notify


class Command(BaseCommand):
    help = "Notify engineers and their managers of certificates expiring within the policy's notice days."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--on", default="", help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            on = dt.date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError("--on must be a date YYYY-MM-DD") from None
        self.stdout.write(f"{on}: {certificates_expiry_notify(today=on)} certificates notified")
