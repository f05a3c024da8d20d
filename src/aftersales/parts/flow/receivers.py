"""Hooks on the core's ledger: every appended StockMove (post_save, in the move's transaction) is seen here, so
every path that consumes stock — the job's parts API, the pages, the van — opens the old-part return of a
major part (P4) and every change of the available quantity checks the reorder point (P5), without the core calling the flows."""

from __future__ import annotations

from typing import Any

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import SYSTEM
from aftersales.parts.choices import MoveKind
from aftersales.parts.flow.services.demand import reorder_check
from aftersales.parts.flow.services.part_returns import part_consumed
from aftersales.parts.models import StockMove

# Moves that change a store's available quantity: an alert opens below the reorder point, closes above it.
AVAILABLE_MOVES = frozenset(
    {MoveKind.CONSUME, MoveKind.ISSUE, MoveKind.TRANSFER_OUT, MoveKind.SCRAP, MoveKind.ADJUST, MoveKind.RESERVE,
     MoveKind.RECEIPT, MoveKind.TRANSFER_IN, MoveKind.RELEASE}
)


def stock_move_appended(sender: Any, instance: StockMove, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    if instance.kind == MoveKind.CONSUME:
        _consumed(instance)
    if instance.kind in AVAILABLE_MOVES:
        reorder_check(instance.store, [instance.part_id])


def _consumed(move: StockMove) -> None:
    from aftersales.service.models import ServiceRequest

    request = None
    if move.reference:
        request = ServiceRequest.objects.filter(number=move.reference).select_related("engineer").first()
    store = move.store
    engineer = (
        (request.engineer if request is not None and request.engineer_id else None)
        or (store.engineer if store.engineer_id else None)
        or move.actor
    )
    actor = actor_for(move.actor) if move.actor_id else SYSTEM
    if engineer is None:
        return
    part_consumed(
        actor=actor,
        part=move.part,
        quantity=move.quantity,
        engineer=engineer,
        service_request=request,
        serial=move.serial,
        reference=move.number,
    )
