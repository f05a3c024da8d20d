"""aftersales restore PATH: replace the database with a backup, then verify the audit chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.core.backup import BackupError, media_read, restore_read
from aftersales.core.events import chain_verify


class Command(BaseCommand):
    help = "Replace the database with a backup made by `aftersales backup` (stop the server first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="do not ask for confirmation"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["path"])
        if options["interactive"]:
            answer = input(
                f"Every row of the database (and the uploaded files) will be replaced by {source}. Type 'yes' to go on: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore_read(source)
        except BackupError as error:
            raise CommandError(f"{error}; nothing was changed.") from error
        media = media_read(source)
        if media is None:
            self.stdout.write("No copy of the uploaded files next to this backup: MEDIA_ROOT was left as it is.")
        else:
            self.stdout.write(f"Uploaded files restored to {media[0]} ({media[1]:,} files).")
        report = chain_verify()
        if not report.ok:
            raise CommandError(f"Restored from {source}, but the audit chain does not verify: {report.describe()}")
        self.stdout.write(f"Restored from {source}. {report.describe()}")
