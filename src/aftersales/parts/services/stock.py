"""P1: the stock ledger's only writer. Every movement locks the store × part level row, checks that
nothing goes negative, updates the level and appends one StockMove (and its audit event) in the
caller's transaction (each function opens one if there is none). A refusal changes nothing.

Rules (issue 14 §3): stock never goes negative (409 `insufficient_stock` with the available
quantity); available = on hand − reserved; in transit counts for the receiving store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.parts.choices import MoveKind, StoreKind
from aftersales.parts.errors import InsufficientStock
from aftersales.parts.models import Part, StockConsumption, StockLevel, StockMove, Store


@dataclass(frozen=True)
class StockLine:
    """One line of a receipt: a part, how many, at what unit cost (optional)."""

    part: Part
    quantity: int
    unit_cost: Decimal | None = None


def _check_quantity(quantity: Any, field: str = "quantity") -> int:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
        raise ValidationFailed(
            _("The quantity must be a whole number of at least 1."), fields={field: [_("At least 1.")]}
        )
    return quantity


def _user_id(actor: Any) -> int | None:
    """The user id behind an Actor (or a user); None for the system."""
    user = getattr(actor, "user", actor)
    return getattr(user, "pk", None)


def level_lock(store: Store, part: Part) -> StockLevel:
    """The level row of store × part, created empty if missing, row-locked for the transaction."""
    assert transaction.get_connection().in_atomic_block, "level_lock() runs inside a transaction"
    # ON CONFLICT DO NOTHING: two first movements of the same pair at once both find the row.
    StockLevel.objects.bulk_create([StockLevel(store=store, part=part, part_code=part.code)], ignore_conflicts=True)
    return StockLevel.objects.select_for_update().get(store=store, part=part)


MOVE_NUMBER_SEQUENCE = "parts_stock_move_number_seq"  # PostgreSQL (migration 0104)


def _move_number(now: Any) -> str:
    """KC<yyyymm><seq:06d>. On PostgreSQL the sequence never waits for another transaction (a row
    counter would queue every concurrent movement of every store behind one lock until commit); its
    numbers are unique, not gapless (a rolled-back movement leaves a gap). SQLite serialises its
    writers anyway and keeps the per-month counter (decision 0033)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [MOVE_NUMBER_SEQUENCE])
            seq = int(cursor.fetchone()[0])
    else:
        seq = number_next(key="stock_move", period=f"{now:%Y%m}")
    return f"KC{now:%Y%m}{seq:06d}"


def _apply(store: Store, part: Part, on_hand: int, reserved: int, in_transit: int) -> StockLevel | None:
    """The common case in one statement: change the level of store × part only if nothing goes negative
    (the row lock is taken by the UPDATE itself; PostgreSQL re-checks the condition on the row it waited
    for). None when there is no row yet or the change is refused: the caller takes the slow path, which
    locks, re-reads and raises the precise error."""
    connection = transaction.get_connection()
    qn = connection.ops.quote_name
    level_table = StockLevel._meta.db_table
    sql = (
        f"UPDATE {qn(level_table)} SET on_hand = on_hand + %s, reserved = reserved + %s, "  # noqa: S608 — our names
        "in_transit = in_transit + %s, available = available + %s, updated_at = %s "
        "WHERE store_id = %s AND part_id = %s AND on_hand + %s >= 0 AND reserved + %s >= 0 "
        "AND in_transit + %s >= 0 AND available + %s >= 0 "
        "RETURNING id, on_hand, reserved, in_transit, available"
    )
    delta = on_hand - reserved
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [on_hand, reserved, in_transit, delta, stamp, store.pk, part.pk, on_hand, reserved, in_transit, delta]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    pk, new_on_hand, new_reserved, new_in_transit, new_available = row
    return StockLevel(
        pk=pk,
        store=store,
        part=part,
        part_code=part.code,
        on_hand=new_on_hand,
        reserved=new_reserved,
        in_transit=new_in_transit,
        available=new_available,
    )


def _post(
    *,
    actor: Any,
    kind: str,
    store: Store,
    part: Part,
    quantity: int,
    on_hand: int = 0,
    in_transit: int = 0,
    reserved: int = 0,
    reference: str = "",
    counterpart: Store | None = None,
    serial: str = "",
    reason: str = "",
    unit_cost: Decimal | None = None,
    level: StockLevel | None = None,
) -> StockMove:
    """Apply the signed changes to the level (refusing any negative), append the movement."""
    applied = _apply(store, part, on_hand, reserved, in_transit) if level is None else None
    if applied is not None:
        level = applied
    else:
        level = level or level_lock(store, part)
        new_on_hand = level.on_hand + on_hand
        new_reserved = level.reserved + reserved
        new_in_transit = level.in_transit + in_transit
        if new_on_hand - new_reserved < 0 or new_on_hand < 0:
            raise InsufficientStock(store=store.name, part=part.code, available=level.available, requested=quantity)
        if new_reserved < 0 or new_in_transit < 0:
            # Releasing more than reserved, or receiving more in transit than was shipped: a caller's error.
            raise ValidationFailed(
                _("The quantity is more than is reserved or in transit for %(part)s in %(store)s.")
                % {"part": part.code, "store": store.name},
                fields={"quantity": [str(quantity)]},
            )
        level.on_hand, level.reserved, level.in_transit = new_on_hand, new_reserved, new_in_transit
        level.available = new_on_hand - new_reserved
        level.save(update_fields=["on_hand", "reserved", "in_transit", "available", "updated_at"])
    now = timezone.now()
    move = StockMove(
        number=_move_number(now),
        kind=kind,
        occurred_at=now,
        actor_id=_user_id(actor),
        store=store,
        part=part,
        quantity=quantity,
        on_hand_change=on_hand,
        in_transit_change=in_transit,
        reserved_change=reserved,
        unit_cost=unit_cost,
        reference=reference[:40],
        counterpart=counterpart,
        serial=serial[:64],
        reason=reason[:200],
    )
    move.save(force_insert=True)
    if kind == MoveKind.CONSUME:
        _consumption_add(store.pk, part.pk, quantity, now)
    event_record(
        subject=move,
        action=f"stock.{kind}",
        actor=actor,
        rule="P1",
        data={
            "store": store.code,
            "part": part.code,
            "quantity": quantity,
            "on_hand": [level.on_hand - on_hand, level.on_hand],
            **({"reserved": [level.reserved - reserved, level.reserved]} if reserved else {}),
            **({"in_transit": [level.in_transit - in_transit, level.in_transit]} if in_transit else {}),
            **({"reference": reference} if reference else {}),
            **({"serial": serial} if serial else {}),
        },
    )
    return move


# --- the monthly consumption summary (the demand plan's input, P5) -------------------------------------------


def consumption_month(moment: dt.datetime) -> dt.date:
    """The summary's month of a moment: the first day of its local calendar month (TIME_ZONE)."""
    return timezone.localtime(moment).date().replace(day=1)


def _consumption_add(store_id: int, part_id: int, quantity: int, moment: dt.datetime) -> None:
    """Add a consumption to its month's summary row, in the movement's transaction: one UPDATE in the common
    case; the month's first consumption of the pair inserts the row (a concurrent first insert, refused by
    the unique constraint in a savepoint, falls back to the UPDATE). The pair's level row is already locked
    by the movement, so this adds no new wait."""
    month = consumption_month(moment)
    row = StockConsumption.objects.filter(store_id=store_id, part_id=part_id, month=month)
    if row.update(quantity=F("quantity") + quantity):
        return
    try:
        with transaction.atomic():
            StockConsumption.objects.create(store_id=store_id, part_id=part_id, month=month, quantity=quantity)
    except IntegrityError:
        row.update(quantity=F("quantity") + quantity)


def consumption_recount() -> dict[tuple[int, int, dt.date], int]:
    """{(store id, part id, month): units} recounted from the whole ledger (what the summary must hold)."""
    rows = (
        StockMove.objects.filter(kind=MoveKind.CONSUME)
        .annotate(month=TruncMonth("occurred_at", output_field=StockConsumption._meta.get_field("month")))
        .values("store_id", "part_id", "month")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {(r["store_id"], r["part_id"], r["month"]): int(r["total"]) for r in rows}


@transaction.atomic
def consumption_rebuild() -> int:
    """Rebuild the monthly consumption summary from the ledger (after a bulk load); the rows written."""
    StockConsumption.objects.all().delete()
    rows = [
        StockConsumption(store_id=store_id, part_id=part_id, month=month, quantity=total)
        for (store_id, part_id, month), total in consumption_recount().items()
    ]
    StockConsumption.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


@transaction.atomic
def stock_receive(
    *,
    actor: Any,
    store: Store,
    part: Part,
    quantity: int,
    reference: str = "",
    unit_cost: Decimal | None = None,
    serial: str = "",
) -> StockMove:
    """Receipt (入库): on hand + quantity."""
    q = _check_quantity(quantity)
    return _post(
        actor=actor,
        kind=MoveKind.RECEIPT,
        store=store,
        part=part,
        quantity=q,
        on_hand=q,
        reference=reference,
        unit_cost=unit_cost,
        serial=serial,
    )


@transaction.atomic
def stock_receive_lines(*, actor: Any, store: Store, reference: str, lines: Iterable[StockLine]) -> list[StockMove]:
    """A receipt note with several lines (POST /stock/receipts): all lines post or none."""
    lines = list(lines)
    if not lines:
        raise ValidationFailed(_("A receipt needs at least one line."), fields={"lines": [_("At least one line.")]})
    for i, line in enumerate(lines):
        _check_quantity(line.quantity, f"lines.{i}.quantity")
    return [
        _post(
            actor=actor,
            kind=MoveKind.RECEIPT,
            store=store,
            part=line.part,
            quantity=line.quantity,
            on_hand=line.quantity,
            reference=reference,
            unit_cost=line.unit_cost,
        )
        for line in lines
    ]


def _ordered_levels(a: Store, b: Store, part: Part) -> tuple[StockLevel, StockLevel]:
    """Lock two levels of one part in a fixed order (store id), so two opposite transfers never deadlock."""
    first, second = sorted([a, b], key=lambda s: s.pk)
    locked = {first.pk: level_lock(first, part), second.pk: level_lock(second, part)}
    return locked[a.pk], locked[b.pk]


@transaction.atomic
def stock_transfer_out(
    *,
    actor: Any,
    from_store: Store,
    to_store: Store,
    part: Part,
    quantity: int,
    reference: str = "",
    from_reservation: int = 0,
    serial: str = "",
) -> tuple[StockMove, StockMove]:
    """Ship to another store (调出 → 在途): on hand − at the sender (its reservation of
    `from_reservation` released with it), in transit + at the receiver. Received by stock_transfer_in."""
    q = _check_quantity(quantity)
    if from_store.pk == to_store.pk:
        raise ValidationFailed(_("The stores must differ."), fields={"to_store": [_("The stores must differ.")]})
    if not 0 <= from_reservation <= q:
        raise ValidationFailed(_("The reserved quantity taken is out of range."), fields={"from_reservation": ["0…"]})
    sender, receiver = _ordered_levels(from_store, to_store, part)
    out = _post(
        actor=actor,
        kind=MoveKind.TRANSFER_OUT,
        store=from_store,
        part=part,
        quantity=q,
        on_hand=-q,
        reserved=-from_reservation,
        reference=reference,
        counterpart=to_store,
        serial=serial,
        level=sender,
    )
    transit = _post(
        actor=actor,
        kind=MoveKind.IN_TRANSIT,
        store=to_store,
        part=part,
        quantity=q,
        in_transit=q,
        reference=reference,
        counterpart=from_store,
        serial=serial,
        level=receiver,
    )
    return out, transit


@transaction.atomic
def stock_transfer_in(
    *,
    actor: Any,
    from_store: Store,
    to_store: Store,
    part: Part,
    shipped: int,
    received: int,
    reference: str = "",
    serial: str = "",
) -> StockMove:
    """Receive a shipment (调入): in transit − shipped, on hand + received at the receiver. A shortfall
    (received < shipped) is the caller's discrepancy to record; it never stays in transit silently."""
    s = _check_quantity(shipped, "shipped")
    if isinstance(received, bool) or not isinstance(received, int) or not 0 <= received <= s:
        raise ValidationFailed(
            _("The quantity received must be between 0 and the quantity shipped."), fields={"received": [str(s)]}
        )
    return _post(
        actor=actor,
        kind=MoveKind.TRANSFER_IN,
        store=to_store,
        part=part,
        quantity=s,
        on_hand=received,
        in_transit=-s,
        reference=reference,
        counterpart=from_store,
        serial=serial,
    )


@transaction.atomic
def stock_transfer(
    *, actor: Any, from_store: Store, to_store: Store, part: Part, quantity: int, reference: str = "", serial: str = ""
) -> tuple[StockMove, StockMove, StockMove]:
    """A transfer handed over at once (e.g. the keeper fills a van at the counter): out, in transit, in."""
    out, transit = stock_transfer_out(
        actor=actor,
        from_store=from_store,
        to_store=to_store,
        part=part,
        quantity=quantity,
        reference=reference,
        serial=serial,
    )
    arrived = stock_transfer_in(
        actor=actor,
        from_store=from_store,
        to_store=to_store,
        part=part,
        shipped=quantity,
        received=quantity,
        reference=reference,
        serial=serial,
    )
    return out, transit, arrived


@transaction.atomic
def stock_reserve(*, actor: Any, store: Store, part: Part, quantity: int, reference: str = "") -> StockMove:
    """Reserve (预留) for an approved requisition not yet issued or a request waiting for the part:
    reserved +, available −. 409 insufficient_stock when fewer are available."""
    q = _check_quantity(quantity)
    return _post(
        actor=actor, kind=MoveKind.RESERVE, store=store, part=part, quantity=q, reserved=q, reference=reference
    )


@transaction.atomic
def stock_unreserve(*, actor: Any, store: Store, part: Part, quantity: int, reference: str = "") -> StockMove:
    """Release a reservation (释放预留): reserved −, available +."""
    q = _check_quantity(quantity)
    return _post(
        actor=actor, kind=MoveKind.RELEASE, store=store, part=part, quantity=q, reserved=-q, reference=reference
    )


def _outflow(
    kind: str,
    *,
    actor: Any,
    store: Store,
    part: Part,
    quantity: int,
    reference: str,
    from_reservation: int,
    serial: str,
    reason: str = "",
) -> StockMove:
    q = _check_quantity(quantity)
    if not 0 <= from_reservation <= q:
        raise ValidationFailed(_("The reserved quantity taken is out of range."), fields={"from_reservation": ["0…"]})
    return _post(
        actor=actor,
        kind=kind,
        store=store,
        part=part,
        quantity=q,
        on_hand=-q,
        reserved=-from_reservation,
        reference=reference,
        serial=serial,
        reason=reason,
    )


@transaction.atomic
def stock_consume(
    *,
    actor: Any,
    store: Store,
    part: Part,
    quantity: int,
    reference: str = "",
    serial: str = "",
    from_reservation: int = 0,
) -> StockMove:
    """Used on a job (维修耗用, P3): on hand − quantity (and the request's own reservation of
    `from_reservation` released with it). 409 insufficient_stock when fewer are available."""
    return _outflow(
        MoveKind.CONSUME,
        actor=actor,
        store=store,
        part=part,
        quantity=quantity,
        reference=reference,
        from_reservation=from_reservation,
        serial=serial,
    )


@transaction.atomic
def stock_issue(
    *,
    actor: Any,
    store: Store,
    part: Part,
    quantity: int,
    reference: str = "",
    serial: str = "",
    from_reservation: int = 0,
) -> StockMove:
    """Issue out of the stores (发料) with no receiving store: on hand −."""
    return _outflow(
        MoveKind.ISSUE,
        actor=actor,
        store=store,
        part=part,
        quantity=quantity,
        reference=reference,
        from_reservation=from_reservation,
        serial=serial,
    )


@transaction.atomic
def stock_scrap(
    *, actor: Any, store: Store, part: Part, quantity: int, reason: str, reference: str = "", serial: str = ""
) -> StockMove:
    """Scrap (报废): on hand −, with a reason."""
    if not reason.strip():
        raise ValidationFailed(_("Give the reason."), fields={"reason": [_("Required.")]})
    return _outflow(
        MoveKind.SCRAP,
        actor=actor,
        store=store,
        part=part,
        quantity=quantity,
        reference=reference,
        from_reservation=0,
        serial=serial,
        reason=reason,
    )


@transaction.atomic
def stock_return_old(
    *, actor: Any, store: Store, part: Part, quantity: int, reference: str = "", serial: str = ""
) -> StockMove:
    """An old part received back (旧件返还, P4), normally into the defective store: on hand +."""
    q = _check_quantity(quantity)
    if store.kind != StoreKind.DEFECTIVE:
        raise ValidationFailed(
            _("Old parts are received into a defective parts store."),
            fields={"store": [_("Not a defective parts store.")]},
        )
    return _post(
        actor=actor,
        kind=MoveKind.RETURN_OLD,
        store=store,
        part=part,
        quantity=q,
        on_hand=q,
        reference=reference,
        serial=serial,
    )


@transaction.atomic
def stock_adjust(
    *, actor: Any, store: Store, part: Part, change: int, reason: str, reference: str = "", serial: str = ""
) -> StockMove:
    """A count adjustment (盘点调整) posted: on hand ± change, with its reason. Called once the parts
    keeper approved it (parts.services.counts); a minus below the available stock is refused."""
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise ValidationFailed(_("The change must be a whole number other than 0."), fields={"change": [str(change)]})
    if not reason.strip():
        raise ValidationFailed(_("Give the reason."), fields={"reason": [_("Required.")]})
    return _post(
        actor=actor,
        kind=MoveKind.ADJUST,
        store=store,
        part=part,
        quantity=abs(change),
        on_hand=change,
        reference=reference,
        serial=serial,
        reason=reason,
    )
