"""`aftersales audit verify` over 1M events (issue 12; goal < 10 s).

The chain is brought to AFTERSALES_BENCH_AUDIT_EVENTS (default 1,000,000) chained events once and
kept between runs: whatever waits to be chained is chained first (core.events.events_chain_pending),
then the missing events are hashed here with the real recipe (core.events.event_payload,
event_mac: HMAC-SHA256 under the bench's key) and bulk-inserted (COPY on PostgreSQL) with the
head moved to their end. Then `aftersales audit verify` runs as its own process on the bench
database, as an operator would run it: the wall time (Django start included) is the figure.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

from bench.context import Context
from bench.database import REPO_ROOT, analyze, insert_rows, log, reset_sequences
from bench.http import database_url
from bench.report import Figure

AREA = "audit"
ACTIONS = ["service.request_registered", "clocks.clock_warned", "clocks.clock_breached", "service.request_dispatched"]


def _total() -> int:
    return int(os.environ.get("AFTERSALES_BENCH_AUDIT_EVENTS", "1000000"))


def _rows(count: int, first_id: int, seq: int, prev: str, actor_id: int) -> Iterator[dict[str, Any]]:
    """`count` chained events after position `seq` (hash `prev`); the last hash lands in _rows.last."""
    from django.utils import timezone

    from aftersales.core.events import audit_key, event_mac, event_payload

    key = audit_key()
    now = timezone.now().replace(microsecond=0)
    iso = now.isoformat()
    for i in range(count):
        event_id, seq = first_id + i, seq + 1
        action = ACTIONS[i % len(ACTIONS)]
        subject_id = str(1 + i // 4)
        data_text = f'{{"n":{i},"state":["registered","dispatched"]}}'  # canonical: sorted keys
        digest = event_mac(
            key, event_payload(event_id, seq, iso, actor_id, "service.servicerequest", subject_id, action, "S1", None,
                               data_text, prev),
        )  # fmt: skip
        yield {
            "id": event_id,
            "occurred_at": now,
            "actor_id": actor_id,
            "subject_type": "service.servicerequest",
            "subject_id": subject_id,
            "action": action,
            "rule": "S1",
            "policy_version": None,
            "data": data_text,  # stored as core.events writes it: the canonical text
            "seq": seq,
            "prev_hash": prev,
            "hash": digest,
        }
        prev = digest
    _rows.last = prev  # type: ignore[attr-defined]


def _load(total: int, ctx: Context) -> tuple[float, int]:
    from django.db import transaction
    from django.db.models import Max

    from aftersales.core.events import audit_key, events_chain_pending, head_mac
    from aftersales.core.models import Event, EventChainHead

    events_chain_pending()
    have = Event.objects.filter(seq__isnull=False).count()
    if have >= total:
        return 0.0, have
    log(f"{AREA}: adding {total - have:,} chained events (once; kept between runs) …")
    start = time.perf_counter()
    with transaction.atomic():
        head = EventChainHead.objects.select_for_update().filter(pk=1).first()
        prev, count = (head.last_hash, head.count) if head else ("0" * 64, 0)
        first_id = (Event.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        insert_rows(Event, _rows(total - have, first_id, count, prev, ctx.actor.pk), batch=20_000, raw=["data"])
        last = _rows.last  # type: ignore[attr-defined]
        EventChainHead.objects.update_or_create(
            pk=1, defaults={"last_hash": last, "count": total, "mac": head_mac(audit_key(), total, last)}
        )
    reset_sequences([Event])
    analyze()
    return time.perf_counter() - start, total


def run(ctx: Context) -> list[Figure]:
    total = _total()
    load_seconds, chained = _load(total, ctx)
    env = {**os.environ, "AFTERSALES_DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "aftersales.settings"}
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 — our own interpreter and module, fixed arguments
        [sys.executable, "-m", "aftersales", "audit", "verify"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    said = (done.stdout + done.stderr).strip().splitlines()
    figures = [
        Figure(
            AREA,
            f"aftersales audit verify, {chained:,} events",
            seconds,
            "s",
            goal="< 10 s, exit 0",
            ok=seconds < 10 and done.returncode == 0,
            note=f"exit {done.returncode}: {said[-1] if said else ''} (wall time of the command, Django start included)",
        ),
        # On a shared machine the wall time includes waiting for a core; the CPU time does not.
        Figure(AREA, "aftersales audit verify, CPU time of the command (user + system)", cpu, "s"),
    ]
    if load_seconds:
        figures.append(Figure(AREA, f"hash and bulk-insert {total:,} chained events", load_seconds, "s"))
    return figures
