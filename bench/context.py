"""What every measured area gets: the target, an actor, a seeded random generator."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

BENCH_USER = "bench_agent"


@dataclass
class Context:
    target: str  # "sqlite" | "postgresql"
    meta: dict[str, Any]  # what bench.dataset loaded (counts, build time)
    actor: Any  # a hotline agent (aftersales.core.access.Actor)
    rng: random.Random = field(default_factory=lambda: random.Random(7))


def make_context(target: str, meta: dict[str, Any]) -> Context:
    """A hotline agent created through the accounts service (once per bench database)."""
    from aftersales.accounts.models import User
    from aftersales.accounts.selectors import actor_for
    from aftersales.accounts.services import user_create

    user = User.objects.filter(username=BENCH_USER).first()
    if user is None:
        user = user_create(actor=None, username=BENCH_USER, password="bench-pass-123", role="agent")
    return Context(target=target, meta=meta, actor=actor_for(user))
