"""Q6: archive a record kind past its minimum keep time to a file and remove it (an administrator's step).

Without --confirm it only shows what would go; --confirm N archives and removes when exactly N
records are removable now (the count the administrator checked)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.core.errors import DomainError
from aftersales.reports import retention


class Command(BaseCommand):
    help = "Archive records past their minimum keep time (Q6) to a file and remove them, after a confirmation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=sorted(retention.KINDS))
        parser.add_argument("--by", required=True, help="the administrator's account")
        parser.add_argument("--confirm", type=int, default=None, help="the removable count shown by the preview")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["by"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['by']!r}")
        actor = actor_for(user)
        try:
            if options["confirm"] is None:
                preview = retention.retention_preview(actor, options["kind"])
                self.stdout.write(
                    f"{options['kind']}: {preview.removable} removable of {preview.older} created before "
                    f"{preview.cutoff:%Y-%m-%d}; run again with --confirm {preview.removable} to archive and remove."
                )
                return
            archive = retention.retention_archive(actor=actor, code=options["kind"], expected=options["confirm"])
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"{archive.count} records archived to {archive.file_name} (sha256 {archive.sha256}) and removed."
        )
