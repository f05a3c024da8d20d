"""Row locks of complaints and approvals (habit 7)."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def qs_for_update(qs: QuerySet[M]) -> QuerySet[M]:
    """`qs` locking the records' own rows (not nullable joined ones, which PostgreSQL refuses); apply last."""
    return qs.select_for_update(of=("self",))
