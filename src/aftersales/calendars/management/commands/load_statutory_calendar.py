"""aftersales load_statutory_calendar [--calendar CN] [--year 2027 …] [--refresh]

Loads official holidays and 调休 make-up working days from the installed chinesecalendar package
into a statutory calendar (X1): run it after upgrading the package (its new version carries the
next year's notice). Years entered by an administrator are never overwritten.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.calendars import services
from aftersales.calendars.statutory import package_version, package_years
from aftersales.core.access import SYSTEM
from aftersales.core.errors import DomainError


class Command(BaseCommand):
    help = "Load China's official holidays and make-up working days from the chinesecalendar package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--calendar", default="CN", help="statutory calendar code (default CN)")
        parser.add_argument("--year", type=int, action="append", dest="years", help="only this year (repeatable)")
        parser.add_argument(
            "--refresh", action="store_true", help="reload years already loaded from the package (admin years stay)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = services.statutory_years_load(
                actor=SYSTEM, code=options["calendar"], years=options["years"], refresh=options["refresh"]
            )
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        years = package_years()
        self.stdout.write(
            f"{package_version()}: {years[0]}–{years[-1]}; loaded into {options['calendar']}: "
            f"{', '.join(map(str, loaded)) or 'nothing new'}"
        )
