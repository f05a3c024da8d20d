"""What the flows do when the core consumes a part on a job (registered with
parts.services.hooks.register_consumption_handler; runs inside the consumption's transaction): a major part
opens its old-part return (P4), and the store's reorder point is checked (P5)."""

from __future__ import annotations

from typing import Any

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import SYSTEM
from aftersales.parts.flow.services.demand import reorder_check
from aftersales.parts.flow.services.part_returns import part_consumed


def consumption_handled(part_used: Any) -> None:
    """`part_used`: a service.PartUsed with part, store, move, serial and old_serial set."""
    part = part_used.part
    if part is None:
        return
    request = part_used.request
    store = part_used.store
    user = getattr(part_used, "recorded_by", None)
    engineer = (
        (request.engineer if request is not None and request.engineer_id else None)
        or (store.engineer if store is not None and store.engineer_id else None)
        or user
    )
    actor = actor_for(user) if user is not None else SYSTEM
    if engineer is not None:
        part_consumed(
            actor=actor,
            part=part,
            quantity=int(part_used.quantity),
            engineer=engineer,
            service_request=request,
            serial=part_used.serial or "",
            old_serial=getattr(part_used, "old_serial", "") or "",
            reference=part_used.move.number if getattr(part_used, "move_id", None) else request.number,
        )
    if store is not None:
        reorder_check(store, [part.pk], falling=True)
