"""Typed errors of the spare-parts service."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import Conflict


class InsufficientStock(Conflict):
    """409 `insufficient_stock`: more asked than the store has available; `available` says how many."""

    default_code = "insufficient_stock"

    def __init__(self, *, store: str, part: str, available: int, requested: int, message: Any = None) -> None:
        self.store = store
        self.part = part
        self.available = available
        self.requested = requested
        super().__init__(
            message
            if message is not None
            else _("Not enough stock of %(part)s in %(store)s: %(available)s available, %(requested)s asked.")
            % {"part": part, "store": store, "available": available, "requested": requested},
            fields={"available": [str(available)], "part": [part], "store": [store]},
        )

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["available"] = self.available
        return body
