"""Related rows a service already holds, handed to Django as if prefetched (no query to read them back).

A record just registered has no work steps or quotes yet, and the clocks its service started
are in memory: its API body need not ask the database for them. `prefetched_set` fills the same
cache `prefetch_related` fills, so `instance.<relation>.all()` (and `.select_related(…)`,
`.order_by(…)`, `.first()` on it) answer from the given rows. Writing through the relation
(`.add`, `.create`) drops the cache as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models


def _cache_name(manager: Any) -> str:
    """Where prefetch_related keeps a relation's rows: a many-to-many manager names it, a reverse
    foreign key's is its field's."""
    return getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name


def prefetched_set(instance: models.Model, relation: str, rows: Iterable[models.Model] = ()) -> None:
    """Make `instance.<relation>` (a reverse foreign key or a many-to-many) answer with `rows`, in that
    order, without a query.

    `.all()` answers from them; anything chained on it (`.filter`, `.select_related`) is a new
    query, filtered on `instance` as usual: readers that want the rows use `prefetched_rows`.
    """
    manager = getattr(instance, relation)
    queryset = manager.get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[_cache_name(manager)] = queryset


def prefetched_rows(instance: models.Model, relation: str) -> list[Any] | None:
    """The rows of `instance.<relation>` when they were prefetched (or set above), else None."""
    cache = getattr(instance, "_prefetched_objects_cache", None)
    if not cache:
        return None
    name = _cache_name(getattr(instance, relation))
    return list(cache[name]) if name in cache else None
