"""S13: depot repair — pickup receipt, the product in/out register, repair tag and repair report.

A unit reaches the depot after services.work.service_request_to_depot moved its request to
"in_depot" (the unit is then with the engineer). depot_receive opens the depot job: pickup
receipt SJ<yyyymmdd><seq:04d> and repair tag WK<yyyymmdd><seq:04d>, register lines "picked up"
and "received". depot_move appends one line in the only allowed order (DEPOT_NEXT_MOVE) and
keeps the request's unit_location in step, so where the unit is is always known. depot_report
writes the repair report (维修报表) with its materials (PartUsed rows, P3) and labour.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.service import events
from aftersales.service.choices import DepotMove, RequestState
from aftersales.service.errors import ServiceConflict, ServiceErrorCode
from aftersales.service.models import DepotJob, DepotMovement, PartUsed, ServiceRequest
from aftersales.service.selectors import access_depot_job
from aftersales.service.services.common import request_lock, request_save
from aftersales.service.transitions import DEPOT_NEXT_MOVE, LOCATION_AFTER

DEPOT_PERM = "service.depot_servicerequest"
MAX_LABOUR_MINUTES = 60 * 24 * 30


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


# --- writes ------------------------------------------------------------------------------------


def _job_lock(actor: Actor, tag_number: str) -> tuple[ServiceRequest, DepotJob]:
    """The job's request then the job, row-locked in that order (habit 7), if the actor may see them."""
    job = access_depot_job(actor, tag_number)
    request = request_lock(actor, job.request.number)
    locked = DepotJob.objects.select_for_update(of=("self",)).get(pk=job.pk)
    locked.request = request
    return request, locked


def _last_move(job: DepotJob) -> str:
    return job.movements.order_by("-at", "-id").values_list("move", flat=True).first() or ""


def _append(job: DepotJob, move: str, actor: Actor, at: dt.datetime, note: str = "") -> DepotMovement:
    return DepotMovement.objects.create(job=job, move=move, at=at, by=actor.user, note=(note or "").strip()[:200])


@transaction.atomic
def depot_receive(*, actor: Actor, number: str, accessories: str = "", condition: str = "") -> DepotJob:
    """Open the depot job of a request taken to the depot: pickup receipt, repair tag, first two register lines.

    Rule: S13. The request must be "in_depot" (services.work.service_request_to_depot) with no open job.
    Raises: PermissionDenied, NotFound, ServiceConflict(invalid_transition). Events: depotjob.moved.
    """
    actor.require_perm(DEPOT_PERM)
    request = request_lock(actor, number)
    if request.state != RequestState.IN_DEPOT:
        raise ServiceConflict(
            _("Only a request sent to the depot can be received there (state: %(state)s).")
            % {"state": request.get_state_display()},
            code=ServiceErrorCode.INVALID_TRANSITION,
        )
    if request.depot_jobs.filter(returned_at__isnull=True).exists():
        raise ServiceConflict(
            _("This unit is already in the depot register."), code=ServiceErrorCode.INVALID_TRANSITION
        )
    now = timezone.now()
    day = timezone.localtime(now).strftime("%Y%m%d")
    job = DepotJob(
        request=request,
        receipt_number=f"SJ{day}{number_next(key='depot_receipt', period=day):04d}",
        tag_number=f"WK{day}{number_next(key='depot_tag', period=day):04d}",
        accessories=(accessories or "").strip()[:200],
        condition=(condition or "").strip()[:200],
    )
    full_clean(job)
    job.save()
    _append(job, DepotMove.PICKED_UP, actor, now)
    _append(job, DepotMove.RECEIVED, actor, now)
    request.unit_location = LOCATION_AFTER[DepotMove.RECEIVED]
    request_save(request, ["unit_location"])
    event_record(
        subject=request,
        action=events.DEPOT_MOVED,
        actor=actor,
        rule="S13",
        data={
            "tag": job.tag_number,
            "receipt": job.receipt_number,
            "moves": [DepotMove.PICKED_UP, DepotMove.RECEIVED],
            "location": request.unit_location,
            "accessories": job.accessories,
            "condition": job.condition,
        },
    )
    return job


@transaction.atomic
def depot_move(*, actor: Actor, tag_number: str, move: str, note: str = "") -> DepotMovement:
    """Append one line to the in/out register, in the order picked up → received → on the bench →
    repaired → returned; returning the unit puts it back at the customer, and needs the repair report
    (depot_report) written first, since the report is closed once the unit is returned.

    Rule: S13. Raises: PermissionDenied, NotFound, ValidationFailed, ServiceConflict(invalid_transition,
    repair_report_required).
    Events: depotjob.moved.
    """
    actor.require_perm(DEPOT_PERM)
    if move not in DepotMove.values:
        raise _field_error("move", _("Unknown register entry."))
    request, job = _job_lock(actor, tag_number)
    last = _last_move(job)
    allowed = DEPOT_NEXT_MOVE.get(last)
    if move != allowed:
        labels = dict(DepotMove.choices)
        raise ServiceConflict(
            _("“%(move)s” cannot follow “%(last)s” in the depot register; next is “%(next)s”.")
            % {
                "move": labels.get(move, move),
                "last": labels.get(last, last or "—"),
                "next": labels.get(allowed, "—") if allowed else _("nothing (the unit was returned)"),
            },
            code=ServiceErrorCode.INVALID_TRANSITION,
        )
    if move == DepotMove.RETURNED and not job.report.strip():
        # S13: the repair report is closed once the unit is back at the customer, so it is written first.
        raise ServiceConflict(
            _("Write the repair report before returning the unit to the customer."),
            code=ServiceErrorCode.REPORT_REQUIRED,
        )
    now = timezone.now()
    line = _append(job, move, actor, now, note)
    if move == DepotMove.RETURNED:
        job.returned_at = now
        job.save(update_fields=["returned_at", "updated_at"])
    request.unit_location = LOCATION_AFTER[move]
    request_save(request, ["unit_location"])
    event_record(
        subject=request,
        action=events.DEPOT_MOVED,
        actor=actor,
        rule="S13",
        data={"tag": job.tag_number, "moves": [move], "location": request.unit_location, "note": line.note},
    )
    return line


def _part(raw: dict[str, Any], request: ServiceRequest, actor: Actor, index: int) -> PartUsed:
    name = f"parts.{index}"
    try:
        quantity = int(raw.get("quantity") or 0)
        unit_price = Decimal(str(raw.get("unit_price") or "0"))
    except (TypeError, ValueError, InvalidOperation):
        raise _field_error(name, _("Give the quantity and the unit price as numbers.")) from None
    if quantity < 1:
        raise _field_error(name, _("The quantity must be at least 1."))
    if unit_price < 0:
        raise _field_error(name, _("The price cannot be negative."))
    part = PartUsed(
        request=request,
        part_code=str(raw.get("part_code") or "").strip().upper(),
        part_name=str(raw.get("part_name") or "").strip(),
        quantity=quantity,
        unit_price=unit_price,
        return_required=bool(raw.get("return_required")),
        recorded_by=actor.user,
    )
    full_clean(part, exclude=["request", "recorded_by"])
    return part


@transaction.atomic
def depot_report(
    *,
    actor: Actor,
    tag_number: str,
    report: str,
    labour_minutes: int,
    parts: Sequence[dict[str, Any]] = (),
) -> DepotJob:
    """Write the repair report (维修报表): what was repaired, labour, and the materials used.

    Materials become PartUsed rows of the request (P3), so the repair order lists them. The report
    may be rewritten until the unit is returned; parts are added, never replaced.
    Rule: S13, P3. Raises: PermissionDenied, NotFound, ValidationFailed, ServiceConflict(invalid_transition).
    Events: depotjob.reported, servicerequest.part_used (per part).
    """
    actor.require_perm(DEPOT_PERM)
    request, job = _job_lock(actor, tag_number)
    if job.returned_at is not None:
        raise ServiceConflict(
            _("The unit has been returned; the repair report is closed."), code=ServiceErrorCode.INVALID_TRANSITION
        )
    text = (report or "").strip()
    if not text:
        raise _field_error("report", _("Describe the repair."))
    if labour_minutes is None or not 0 <= int(labour_minutes) <= MAX_LABOUR_MINUTES:
        raise _field_error("labour_minutes", _("Give the labour time in minutes."))
    rows = [_part(raw, request, actor, i) for i, raw in enumerate(parts)]
    job.report = text[:4000]
    job.labour_minutes = int(labour_minutes)
    job.save(update_fields=["report", "labour_minutes", "updated_at"])
    PartUsed.objects.bulk_create(rows)
    request_save(request, [])
    for part in rows:
        event_record(
            subject=request,
            action=events.REQUEST_PART_USED,
            actor=actor,
            rule="P3",
            data={
                "part": part.part_code,
                "name": part.part_name,
                "quantity": part.quantity,
                "unit_price": str(part.unit_price),
                "tag": job.tag_number,
            },
        )
    event_record(
        subject=request,
        action=events.DEPOT_REPORTED,
        actor=actor,
        rule="S13",
        data={
            "tag": job.tag_number,
            "labour_minutes": job.labour_minutes,
            "parts": [f"{p.part_code} × {p.quantity}" for p in rows],
        },
    )
    return job
