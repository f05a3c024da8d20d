"""aftersales backup [--output PATH]: a consistent copy of the database (core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.core.backup import BackupError, backup_write, default_path, media_write


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup; pg_dump -Fc on PostgreSQL) and the uploaded files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="where to write it (default: var/backups/aftersales-<time>.*)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options["output"] else default_path()
        try:
            written = backup_write(output)
            media, files = media_write(written)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backup written to {written} ({written.stat().st_size:,} bytes).")
        self.stdout.write(f"Uploaded files (MEDIA_ROOT) copied to {media} ({files:,} files).")
        self.stdout.write(
            "Keep the audit key (AFTERSALES_AUDIT_KEY or var/audit.key) with it: it is not in the backup."
        )
