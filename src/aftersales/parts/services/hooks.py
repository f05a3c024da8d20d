"""What other parts of the parts service do when a part is used on a job (P3 → P4).

The service app (which parts never imports) calls `part_consumed(part_used)` inside the consumption's
transaction, after the stock moved; e.g. the old-part returns register a handler that opens an
outstanding return for a `major` part. A handler's error rolls the consumption back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ConsumptionHandler = Callable[[Any], None]
_HANDLERS: list[ConsumptionHandler] = []


def register_consumption_handler(handler: ConsumptionHandler) -> None:
    """Call `handler(part_used)` (a service.PartUsed with part, store, move, serial, old_serial set)
    after each catalogue part is consumed on a request; registered once, from an app's ready()."""
    if handler not in _HANDLERS:
        _HANDLERS.append(handler)


def part_consumed(part_used: Any) -> None:
    for handler in list(_HANDLERS):
        handler(part_used)
