"""P4: replaced major parts go back to the central parts keeper (更换的主要损坏件须送还配件管理人员).

Consuming a `major` part on a job (the core's consumption calls `part_consumed`) opens an outstanding return
owed by the engineer, with a clock (P4.return_within, default 10 working days on the CN calendar); an overdue
one escalates by the clock's ladder (X2.escalation "part_return": the engineer and the parts keepers, a day
later the head of after-sales). The parts keeper receives the old part into the defective store and decides:
repair, scrap (written off the defective store) or a claim from the supplier (K12, for a part in warranty).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import clock_start, clock_stop_for
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.workflow import expect_transition, expect_version
from aftersales.parts.flow import events, stock
from aftersales.parts.flow.choices import PartDisposition, PartReturnState
from aftersales.parts.flow.errors import FlowErrorCode
from aftersales.parts.flow.selectors import access_part_return
from aftersales.parts.flow.services.common import field_error, move, notify, version_message
from aftersales.parts.flow.transitions import PART_RETURN_ACTIONS
from aftersales.parts.models import PartReturn

RETURN_WITHIN_KEY = "P4.return_within"
RETURN_CALENDAR = "CN"


def part_consumed(
    *,
    actor: Actor,
    part: Any,
    quantity: int,
    engineer: Any = None,
    service_request: Any = None,
    serial: str = "",
    old_serial: str = "",
    reference: str = "",
) -> PartReturn | None:
    """The core consumed `quantity` of `part` (on a job): a major part opens an outstanding return with its
    clock; any other part opens nothing. Runs inside the consumption's transaction.

    Rule: P4. Events: partreturn.opened, clock.started.
    """
    if not getattr(part, "major", False) or quantity < 1:
        return None
    owner = engineer or (service_request.engineer if service_request is not None else None) or actor.user
    found = PartReturn.objects.create(
        part=part,
        quantity=quantity,
        serial=(serial or "")[:64],
        old_serial=(old_serial or "")[:64],
        service_request=service_request,
        engineer=owner,
        reference=(reference or "")[:40],
    )
    url = reverse("parts_flow:part_return_list") + f"?engineer={owner.pk}&state=outstanding"
    clock = clock_start(
        subject=found,
        kind=ClockKind.PART_RETURN,
        rule="P4",
        calendar_code=RETURN_CALENDAR,
        actor=actor,
        policy_key=RETURN_WITHIN_KEY,
        owner=owner,
        url=url,
    )
    found.due_at = clock.due_at
    found.save(update_fields=["due_at", "updated_at"])
    event_record(
        subject=found,
        action=events.PART_RETURN_OPENED,
        actor=actor,
        rule="P4",
        data={
            "part": part.code,
            "quantity": quantity,
            "engineer": owner.username,
            "service_request": getattr(service_request, "number", None),
            "due_at": found.due_at.isoformat() if found.due_at else None,
        },
    )
    notify(
        [owner],
        title=_("Send the old %(part)s back to the parts keeper") % {"part": part.name},
        body=_("A replaced major part goes back to the central parts keeper by %(due)s.")
        % {"due": timezone.localtime(found.due_at).strftime("%Y-%m-%d %H:%M") if found.due_at else "—"},
        url=url,
        rule="P4",
    )
    return found


@transaction.atomic
def part_return_receive(
    *,
    actor: Actor,
    pk: int,
    disposition: str,
    store: str = "",
    old_serial: str = "",
    supplier_name: str = "",
    complaint_number: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> PartReturn:
    """The parts keeper receives the old part into the defective store (`store`, default the central defective
    store) and decides it: repair (stays there for repair), scrap (written off at once), supplier_claim (a
    supplier's part in warranty: the supplier is named, the complaint handled jointly may be linked, K12).

    Rule: P4, K12. Raises: PermissionDenied, NotFound, ValidationFailed (unknown disposition, a claim without
    supplier or outside warranty, unknown complaint), Conflict (already received, version_conflict).
    Events: partreturn.received, clock.stopped, stock moves.
    """
    actor.require_perm("parts.receive_partreturn")
    found = access_part_return(actor, pk, for_update=True)
    expect_version(found, expected_version, version_message(), code=FlowErrorCode.VERSION_CONFLICT)
    expect_transition(found, table=PART_RETURN_ACTIONS["receive"], to=PartReturnState.RECEIVED)
    if disposition not in PartDisposition.values:
        raise field_error("disposition", _("Choose repair, scrap or a claim from the supplier."))
    supplier = ""
    complaint = (complaint_number or "").strip().upper()
    if disposition == PartDisposition.SUPPLIER_CLAIM:
        supplier = (supplier_name or "").strip() or stock.part_supplier(found.part)
        if not supplier:
            raise field_error("supplier_name", _("Name the supplier to claim from."))
        if found.service_request is not None and not found.service_request.in_warranty:
            raise field_error("disposition", _("A claim from the supplier is for a part replaced in warranty."))
        if complaint:
            _check_complaint(complaint)
    elif complaint:
        _check_complaint(complaint)
    target = stock.defective_store(store)
    stock.old_part_in(actor, store=target, part=found.part, quantity=found.quantity, reference=f"JJ{found.pk:06d}")
    if disposition == PartDisposition.SCRAP:
        stock.scrap(actor, store=target, part=found.part, quantity=found.quantity, reference=f"JJ{found.pk:06d}")
    found.defective_store = target
    found.disposition = disposition
    found.supplier_name = supplier[:200]
    found.complaint_number = complaint[:20]
    found.old_serial = (old_serial or "").strip()[:64] or found.old_serial
    found.note = (note or "").strip()[:500]
    found.received_by = actor.user
    found.received_at = timezone.now()
    move(
        found,
        PART_RETURN_ACTIONS,
        action="receive",
        to=PartReturnState.RECEIVED,
        actor=actor,
        reason=found.note,
        data={
            "disposition": disposition,
            "store": target.code,
            "supplier": supplier or None,
            "complaint": complaint or None,
            "late": bool(found.due_at and found.received_at > found.due_at),
        },
        fields=(
            "defective_store",
            "disposition",
            "supplier_name",
            "complaint_number",
            "old_serial",
            "note",
            "received_by",
            "received_at",
        ),
    )
    clock_stop_for(subject=found, kind=ClockKind.PART_RETURN, actor=actor)
    return found


def _check_complaint(number: str) -> None:
    from aftersales.complaints.models import Complaint

    if not Complaint.objects.filter(number=number).exists():
        raise ValidationFailed(
            _("No complaint with this number."), fields={"complaint_number": [_("Unknown complaint.")]}
        )
