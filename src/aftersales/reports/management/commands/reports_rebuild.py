"""`aftersales reports_rebuild [--check]`: recount the statistics' facts and day counts from the base tables.

Run once after installing the reports app on a database with history (the facts start empty), and
after the part key changes (reports.facts.part_key). `--check` changes nothing and fails when the
stored figures differ from a full recount."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.reports.maintain import summaries_rebuild, summaries_recount, summaries_stored


class Command(BaseCommand):
    help = "Recount the statistics' facts and day counts from the base tables (or --check them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="compare only; exit 1 when they differ")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            counts, facts, clocks, groups = summaries_recount()
            stored_counts, stored_facts, stored_clocks, stored_groups = summaries_stored()
            differ: dict[str, set[Any]] = {
                "day counts": {k for k in set(counts) | set(stored_counts) if counts.get(k) != stored_counts.get(k)},
                "request facts": {k for k in set(facts) | set(stored_facts) if facts.get(k) != stored_facts.get(k)},
                "clock facts": {k for k in set(clocks) | set(stored_clocks) if clocks.get(k) != stored_clocks.get(k)},
                "group counts": {k for k in set(groups) | set(stored_groups) if groups.get(k) != stored_groups.get(k)},
            }
            if any(differ.values()):
                raise CommandError("; ".join(f"{name}: {len(rows)} differ" for name, rows in differ.items() if rows))
            self.stdout.write(f"statistics match a full recount ({len(facts)} requests, {len(clocks)} clocks)")
            return
        done = summaries_rebuild()
        self.stdout.write(
            f"rebuilt: {done['requests']} requests, {done['clocks']} clocks, {done['day_counts']} day counts"
        )
