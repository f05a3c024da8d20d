"""P3: parts used on the job. A catalogue part is taken from the engineer's van stock (or the named
store) through the stock ledger — 409 insufficient_stock when the store has fewer available, never
negative stock — and priced from its approved list price for paid work, free in warranty. The old
free-text body records a part outside the catalogue (uncatalogued, no stock move). Major parts carry
serial numbers, so a unit's history shows which board went in and which came out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.parts.selectors import part_resolve, store_resolve, van_store_for
from aftersales.parts.services.hooks import part_consumed
from aftersales.parts.services.stock import stock_consume
from aftersales.service import events
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import PartUsed, ServiceRequest
from aftersales.service.services.common import request_lock, request_save, require_own_job
from aftersales.service.services.quotes import FREE_CHARGING


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def part_unit_price(request: ServiceRequest, list_price: Decimal | None) -> Decimal:
    """B1 with P3: a catalogue part is free in warranty (and on internal jobs), else at its list price."""
    if request.charging_type in FREE_CHARGING:
        return Decimal("0.00")
    return list_price if list_price is not None else Decimal("0.00")


@transaction.atomic
def service_request_part_add(
    *,
    actor: Actor,
    number: str,
    quantity: int,
    part: str = "",
    store: str = "",
    serial: str = "",
    old_serial: str = "",
    part_code: str = "",
    part_name: str = "",
    unit_price: Decimal | None = None,
    return_required: bool = False,
    expected_version: int | None = None,
) -> PartUsed:
    """Record a part used on the job.

    `part` (a catalogue number): consumed from `store` (a store code; default the engineer's van
    stock), priced from the list price for paid work, free in warranty; a `major` part needs the
    fitted `serial` (one unit at a time) and is flagged for return (P4). Without `part`, the old body
    (`part_code`, `part_name`, `unit_price`) records a part outside the catalogue, with no stock move.
    Rule: P3 (P1 stock, P4, B1). Raises: ValidationFailed (unknown part or store, no van store,
    serial), Conflict (insufficient_stock with `available`, ended request, not your job, version).
    Events: stock.consume (catalogue), servicerequest.part_used.
    """
    actor.require_perm("service.work_servicerequest")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise _field_error("quantity", _("The quantity must be at least 1."))
    request = request_lock(actor, number, expected_version)
    require_own_job(actor, request)
    if not request.open:
        raise ServiceConflict(_("This request has ended."), code=ServiceErrorCode.INVALID_TRANSITION)
    if part:
        used = _catalogue_part(actor, request, part, quantity, store, serial, old_serial)
    else:
        used = _uncatalogued_part(actor, request, part_code, part_name, quantity, unit_price, return_required)
    request_save(request, [])
    event_record(
        subject=request,
        action=events.REQUEST_PART_USED,
        actor=actor,
        rule="P3",
        data={
            "part": used.part_code,
            "name": used.part_name,
            "quantity": quantity,
            "unit_price": str(used.unit_price),
            **({"store": used.store.code, "move": used.move.number} if used.store and used.move else {}),
            **({"uncatalogued": True} if used.uncatalogued else {}),
            **({"serial": used.serial} if used.serial else {}),
            **({"old_serial": used.old_serial} if used.old_serial else {}),
        },
    )
    if used.part_id is not None:
        part_consumed(used)
    return used


def _catalogue_part(
    actor: Actor,
    request: ServiceRequest,
    code: str,
    quantity: int,
    store_code: str,
    serial: str,
    old_serial: str,
) -> PartUsed:
    part = part_resolve(code)
    if store_code:
        store = store_resolve(store_code)
    else:
        found = van_store_for(actor.user)
        if found is None:
            raise _field_error("store", _("You have no van stock: choose the store the part came from."))
        store = found
    serial, old_serial = (serial or "").strip().upper(), (old_serial or "").strip().upper()
    if part.major:
        if not serial:
            raise _field_error("serial", _("A major part needs the serial number of the part fitted."))
        if quantity != 1:
            raise _field_error("quantity", _("Record major parts one at a time, each with its serial number."))
    move = stock_consume(
        actor=actor, store=store, part=part, quantity=quantity, reference=request.number, serial=serial
    )
    used = PartUsed(
        request=request,
        part=part,
        store=store,
        move=move,
        part_code=part.code,
        part_name=part.name[:100],
        quantity=quantity,
        unit_price=part_unit_price(request, part.list_price),
        return_required=part.major,
        serial=serial,
        old_serial=old_serial,
        recorded_by=actor.user,
    )
    # request, part, store, move and recorded_by are rows this transaction holds or just wrote: no
    # existence query each; the quantity's CHECK constraint was checked above.
    full_clean(used, exclude=["request", "part", "store", "move", "recorded_by"], validate_constraints=False)
    _insert(used)
    return used


def _uncatalogued_part(
    actor: Actor,
    request: ServiceRequest,
    part_code: str,
    part_name: str,
    quantity: int,
    unit_price: Decimal | None,
    return_required: bool,
) -> PartUsed:
    price = unit_price if unit_price is not None else Decimal("0")
    if price < 0:
        raise _field_error("unit_price", _("The price cannot be negative."))
    if not (part_code or "").strip() or not (part_name or "").strip():
        raise _field_error("part", _("Pick the part from the catalogue."))
    used = PartUsed(
        request=request,
        part_code=part_code.strip().upper(),
        part_name=part_name.strip(),
        quantity=quantity,
        unit_price=price,
        return_required=return_required,
        uncatalogued=True,
        recorded_by=actor.user,
    )
    full_clean(used, exclude=["request", "recorded_by"], validate_constraints=False)
    _insert(used)
    return used


def _insert(used: PartUsed) -> None:
    """One INSERT, without the model signals: the statistics facts of the request are refreshed once,
    by the request's own save that follows in service_request_part_add (not twice, once per save)."""
    PartUsed.objects.bulk_create([used])


def unit_part_history(unit: Any) -> QuerySet[PartUsed]:
    """The parts fitted on a unit's jobs, newest first: which part (and serial) went in, which came out."""
    return (
        PartUsed.objects.filter(request__unit=unit)
        .select_related("request", "part", "store")
        .order_by("-created_at", "-id")
    )
