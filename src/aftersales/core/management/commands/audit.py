"""aftersales audit verify | chain: the event chain (X3, docs/decisions/0009).

`verify` recomputes every keyed hash in chain order and compares the end with the chain head; it
exits 1 and names the first bad event (id, action, time, why) when the chain is broken. A long
chain (VERIFY_CHUNK_MIN events a process) is cut into `seq` ranges verified by `--workers`
processes at once, joined at the range boundaries: the same report as one pass. `chain`
chains the events waiting to be chained (what the periodic audit_chain_task does).
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from aftersales.core.events import chain_verify, events_chain_pending


class Command(BaseCommand):
    help = "Verify the audit event chain (verify), or chain the events waiting for it (chain)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="recompute the keyed hash chain; exit 1 at the first bad event")
        verify.add_argument(
            "--workers",
            type=int,
            default=min(4, len(os.sched_getaffinity(0))),
            help="processes that verify parts of a long chain at once (default: the CPUs, at most 4; 1: one pass)",
        )
        sub.add_parser("chain", help="chain the events not chained yet")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "chain":
            self.stdout.write(f"{events_chain_pending()} events chained.")
            return
        began = time.perf_counter()
        report = chain_verify(workers=max(1, options["workers"]))
        seconds = time.perf_counter() - began
        if not report.ok:
            raise CommandError(report.describe(), returncode=1)
        self.stdout.write(f"{report.describe()} ({seconds:.1f} s)")
