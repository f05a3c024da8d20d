"""The one door from the parts flows to the core's catalogue, stores and stock ledger (aftersales.parts):
every move a requisition or an old-part return makes, and every figure the demand plan reads, goes through
here to the core's services (locked, never negative, 409 insufficient_stock) and its derived levels."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.parts.choices import MoveKind, StoreKind
from aftersales.parts.models import Part, StockConsumption, StockLevel, StockMove, Store
from aftersales.parts.selectors import part_resolve, store_resolve
from aftersales.parts.services import stock as core

CENT = Decimal("0.01")


def store_by_code(code: Any, *, field: str) -> Store:
    return store_resolve(code, field=field)


def part_by_code(code: Any, *, field: str) -> Part:
    return part_resolve(code, field=field)


def stores_by_ids(ids: list[int]) -> list[Store]:
    return list(Store.objects.filter(pk__in=ids).order_by("pk"))


def store_is_mine(store: Store, actor: Actor) -> bool:
    """The actor owns the store, or it is their van."""
    return actor.pk is not None and actor.pk in (store.owner_id, store.engineer_id)


def store_keepers(store: Store) -> list[Any]:
    """Who acts for a store: its owner."""
    return [store.owner] if store.owner_id else []


def part_cost(part: Part) -> Decimal:
    return Decimal(part.standard_cost or 0)


def part_supplier(part: Part) -> str:
    """The part's supplier when the catalogue records one (else "")."""
    return str(getattr(part, "supplier", "") or "")


def defective_store(code: str = "") -> Store:
    """The defective parts store named, or the only active one (P4: old parts go back to the central keeper)."""
    if code:
        store = store_resolve(code, field="store")
    else:
        found = list(Store.objects.filter(kind=StoreKind.DEFECTIVE, active=True).order_by("pk")[:2])
        if len(found) != 1:
            message = _("Choose the defective parts store.")
            raise ValidationFailed(message, fields={"store": [message]})
        store = found[0]
    if store.kind != StoreKind.DEFECTIVE:
        message = _("Old parts are received into a defective parts store.")
        raise ValidationFailed(message, fields={"store": [message]})
    return store


def service_request_for(actor: Actor, number: str) -> Any:
    """The job a requisition is for, if the actor may see it (422 otherwise)."""
    from aftersales.core.errors import NotFound
    from aftersales.service.selectors import access_service_request

    try:
        return access_service_request(actor, (number or "").strip().upper())
    except NotFound:
        message = _("No such service request.")
        raise ValidationFailed(message, fields={"service_request": [message]}) from None


# --- moves -------------------------------------------------------------------------------------------------


def reserve(actor: Actor, *, store: Store, part: Part, quantity: int, reference: str) -> None:
    core.stock_reserve(actor=actor, store=store, part=part, quantity=quantity, reference=reference)


def release(actor: Actor, *, store: Store, part: Part, quantity: int, reference: str) -> None:
    core.stock_unreserve(actor=actor, store=store, part=part, quantity=quantity, reference=reference)


def ship(actor: Actor, *, source: Store, target: Store, part: Part, quantity: int, reference: str) -> None:
    """Issued on a requisition: out of the issuing store (its reservation released with it), in transit for
    the receiving one."""
    core.stock_transfer_out(
        actor=actor,
        from_store=source,
        to_store=target,
        part=part,
        quantity=quantity,
        reference=reference,
        from_reservation=quantity,
    )


def arrive(
    actor: Actor, *, source: Store, target: Store, part: Part, shipped: int, received: int, reference: str
) -> None:
    """Received: in transit − shipped, on hand + received (the shortfall leaves transit; the caller records it)."""
    if shipped <= 0:
        return
    core.stock_transfer_in(
        actor=actor,
        from_store=source,
        to_store=target,
        part=part,
        shipped=shipped,
        received=received,
        reference=reference,
    )


def old_part_in(actor: Actor, *, store: Store, part: Part, quantity: int, reference: str, serial: str = "") -> None:
    core.stock_return_old(actor=actor, store=store, part=part, quantity=quantity, reference=reference, serial=serial)


def scrap(actor: Actor, *, store: Store, part: Part, quantity: int, reference: str, serial: str = "") -> None:
    core.stock_scrap(
        actor=actor,
        store=store,
        part=part,
        quantity=quantity,
        reason=_("Old part scrapped"),
        reference=reference,
        serial=serial,
    )


# --- reads for the demand plan ----------------------------------------------------------------------------


def consumed_by_part(store_id: int, *, since: dt.datetime) -> dict[int, int]:
    """Units used on jobs from this store since `since`, per part, in two grouped range reads: the whole
    months after since's month from the monthly summary (StockConsumption, one row per part and month), and
    the rest of since's own month from the ledger (the covering index store, kind, occurred_at, part,
    quantity). Read by a plain cursor (20,000 rows through the ORM's row machinery cost more than the query)."""
    edge_month = core.consumption_month(since)
    following = (edge_month + dt.timedelta(days=32)).replace(day=1)
    edge = timezone.make_aware(dt.datetime.combine(following, dt.time.min))
    months = (
        StockConsumption.objects.filter(store_id=store_id, month__gte=following)
        .values("part_id")
        .annotate(total=Sum("quantity"))
        .order_by()
        .values_list("part_id", "total")
    )
    ledger = (
        StockMove.objects.filter(store_id=store_id, kind=MoveKind.CONSUME, occurred_at__gte=since, occurred_at__lt=edge)
        .values("part_id")
        .annotate(total=Sum("quantity"))
        .order_by()
        .values_list("part_id", "total")
    )
    out: dict[int, int] = {}
    with connection.cursor() as cursor:
        for qs in (months, ledger):
            sql, params = qs.query.sql_with_params()
            cursor.execute(sql, params)
            for part_id, total in cursor.fetchall():
                out[part_id] = out.get(part_id, 0) + int(total or 0)
    return out


def levels_by_part(store_id: int, *, part_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int, int]]:
    """{part id: (on hand, reserved, in transit)} of the store's derived levels."""
    qs = StockLevel.objects.filter(store_id=store_id)
    if part_ids is not None:
        qs = qs.filter(part_id__in=list(part_ids))
    return {
        part_id: (on_hand, reserved, in_transit)
        for part_id, on_hand, reserved, in_transit in qs.values_list("part_id", "on_hand", "reserved", "in_transit")
    }


def levels_with_parts(store_id: int) -> tuple[dict[int, tuple[int, int, int]], dict[int, tuple[str, str, Decimal]]]:
    """The store's levels and the catalogue data of their parts in one joined query (the demand plan), read by
    a plain cursor: only the cost needs converting (to Decimal; PostgreSQL's driver gives one already)."""
    levels: dict[int, tuple[int, int, int]] = {}
    brief: dict[int, tuple[str, str, Decimal]] = {}
    qs = (
        StockLevel.objects.filter(store_id=store_id)
        .values_list("part_id", "on_hand", "reserved", "in_transit", "part__code", "part__name", "part__standard_cost")
        .order_by()  # the plan sorts its items itself: no sort, and no join of the store for the default ordering
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    costs: dict[Any, Decimal] = {}  # a few hundred distinct costs over 20,000 parts: convert each once
    for part_id, on_hand, reserved, in_transit, code, name, cost in rows:
        levels[part_id] = (on_hand, reserved, in_transit)
        unit = costs.get(cost)
        if unit is None:
            unit = costs[cost] = cost if isinstance(cost, Decimal) else Decimal(str(cost)).quantize(CENT)
        brief[part_id] = (code, name, unit)
    return levels, brief


def parts_brief(part_ids: Iterable[int]) -> dict[int, tuple[str, str, Decimal]]:
    """{part id: (code, name, standard cost)} in chunks (SQLite's variable limit)."""
    ids = list(part_ids)
    out: dict[int, tuple[str, str, Decimal]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for pk, code, name, cost in Part.objects.filter(pk__in=chunk).values_list(
            "pk", "code", "name", "standard_cost"
        ):
            out[pk] = (code, name, cost)
    return out
