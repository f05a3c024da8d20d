"""Business numbers from per-period counters: unique and gapless under concurrency (K1)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from aftersales.core.models import Counter


def number_next(*, key: str, period: str) -> int:
    """Take the next value of (key, period) inside the caller's transaction.

    The UPDATE takes the row lock, so two concurrent callers get consecutive values, and a
    rolled-back caller gives its value back (no gaps).
    """
    assert transaction.get_connection().in_atomic_block, "number_next() runs inside a transaction"
    Counter.objects.get_or_create(key=key, period=period)
    Counter.objects.filter(key=key, period=period).update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(key=key, period=period)
