"""P2: the requisition (维修点领用配件表). A service point or engineer asks a store for parts; the approval goes
through the one approvals engine (kind parts_requisition: the parts keeper up to P2.keeper_limit_yuan at
standard cost, the head of after-sales above); approving reserves the quantities in the issuing store; issuing
moves them to in transit for the receiving store; receiving books what arrived, and a shortfall is recorded as
a discrepancy (event + notification), never silently. A job waiting for the parts resumes when they arrive.

Every write locks the requisition (after its pending approval, the engine's order) and checks `version`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from aftersales.accounts.choices import Role
from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import (
    Approval,
    ApprovalKind,
    ApprovalState,
    actor_may_decide_approval,
    approval_decide,
    approval_refuse_pending,
    approval_request,
    role_label,
)
from aftersales.clocks.services import clock_resume_for
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, PermissionDenied, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition, expect_version
from aftersales.parts.flow import events, stock
from aftersales.parts.flow.choices import RequisitionState
from aftersales.parts.flow.errors import FlowErrorCode
from aftersales.parts.flow.selectors import ISSUE_REQUISITIONS, access_requisition
from aftersales.parts.flow.services.common import field_error, move, notify, role_users, version_message
from aftersales.parts.flow.services.demand import reorder_check
from aftersales.parts.flow.transitions import REQUISITION_ACTIONS
from aftersales.parts.models import Requisition, RequisitionLine
from aftersales.policies.selectors import policy_get

KEEPER_LIMIT_KEY = "P2.keeper_limit_yuan"
CENT = Decimal("0.01")
MAX_LINES = 200


def requisition_approver(value: Decimal) -> tuple[str, int]:
    """P2: who approves a requisition of this value (role code) and the policy version that said so."""
    limit = policy_get(KEEPER_LIMIT_KEY)
    role = Role.PARTS_KEEPER if Decimal(value) <= Decimal(limit.value) else Role.CS_MANAGER
    return str(role), limit.version


def _url(found: Requisition) -> str:
    return reverse("parts_flow:requisition_detail", args=[found.number])


def _lock(actor: Actor, number: str, expected_version: int | None) -> Requisition:
    found = access_requisition(actor, number, for_update=True)
    expect_version(found, expected_version, version_message(), code=FlowErrorCode.VERSION_CONFLICT)
    return found


def _parse_lines(lines: Sequence[Any]) -> list[tuple[str, int]]:
    """[(part code, quantity)] from dicts or objects with .part/.quantity; 422 on an empty or bad list."""
    parsed: list[tuple[str, int]] = []
    for line in lines:
        part = line["part"] if isinstance(line, dict) else line.part
        quantity = line["quantity"] if isinstance(line, dict) else line.quantity
        parsed.append((str(part or "").strip(), int(quantity)))
    return parsed


@transaction.atomic
def requisition_create(
    *,
    actor: Actor,
    from_store: str,
    to_store: str,
    reason: str,
    lines: Sequence[Any],
    service_request: str = "",
) -> Requisition:
    """Ask `from_store` for parts for `to_store` (codes), each line a catalogue part and a quantity ≥ 1.

    Rule: P2. Raises: PermissionDenied, ValidationFailed (unknown store or part, quantity ≤ 0, the same
    store twice, a part twice, no line, not your store). Events: requisition.requested, approval.requested.
    """
    actor.require_perm("parts.add_requisition")
    source = stock.store_by_code(from_store, field="from_store")
    target = stock.store_by_code(to_store, field="to_store")
    if source.pk == target.pk:
        raise field_error("to_store", _("A store cannot ask itself for parts."))
    if not (
        actor.has_perm(ISSUE_REQUISITIONS) or actor.has_perm("parts.approve_requisition")
    ) and not stock.store_is_mine(target, actor):
        raise field_error("to_store", _("You may ask for parts only for your own store or van."))
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Give the reason for the requisition."))
    parsed = _parse_lines(lines)
    if not parsed:
        raise field_error("lines", _("Add at least one part."))
    if len(parsed) > MAX_LINES:
        raise field_error("lines", _("At most %(n)s lines.") % {"n": MAX_LINES})
    seen: set[int] = set()
    resolved = []
    for index, (code, quantity) in enumerate(parsed):
        if quantity < 1:
            raise field_error(f"lines.{index}.quantity", _("Give a quantity of at least 1."))
        part = stock.part_by_code(code, field=f"lines.{index}.part")
        if part.pk in seen:
            raise field_error(f"lines.{index}.part", _("This part is already on the requisition."))
        seen.add(part.pk)
        resolved.append((part, quantity))
    request = None
    if service_request:
        request = stock.service_request_for(actor, service_request)
    value = sum((stock.part_cost(part) * quantity for part, quantity in resolved), Decimal(0)).quantize(CENT)
    found = Requisition(
        from_store=source,
        to_store=target,
        reason=reason[:2000],
        value=value,
        service_request=request,
        requested_by=actor.user,
    )
    full_clean(found, exclude=["number", "requested_by", "from_store", "to_store", "service_request"])
    month = timezone.localtime().strftime("%Y%m")
    found.number = f"LY{month}{number_next(key='parts_requisition', period=month):04d}"
    found.save()
    RequisitionLine.objects.bulk_create(
        [
            RequisitionLine(requisition=found, part=part, quantity=quantity, unit_cost=stock.part_cost(part))
            for part, quantity in resolved
        ]
    )
    event_record(
        subject=found,
        action=events.REQUISITION_REQUESTED,
        actor=actor,
        rule="P2",
        data={
            "from_store": source.code,
            "to_store": target.code,
            "lines": [[part.code, quantity] for part, quantity in resolved],
            "value": str(value),
            "service_request": request.number if request else None,
        },
    )
    _ask_approval(actor, found)
    return found


def _ask_approval(actor: Actor, found: Requisition) -> Approval:
    role, _version = requisition_approver(found.value)
    found.approval_role = role
    found.save(update_fields=["approval_role", "updated_at"])
    return approval_request(
        actor=actor,
        subject=found,
        kind=ApprovalKind.REQUISITION,
        rule="P2",
        amount=found.value,
        required_role=role,
        note=found.reason[:500],
    )


def requisition_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → the quantities are reserved in the
    issuing store (409 insufficient_stock undoes the decision) and the issuing keepers are told to issue;
    refused → refused. Rule: P2. Events: requisition.approved / requisition.refused, stock reservations."""
    found = Requisition.objects.select_for_update(of=("self",)).filter(pk=approval.subject_id).first()
    if found is None or found.state != RequisitionState.REQUESTED:
        return
    actor = actor_for(approval.decided_by)
    found.decided_by = approval.decided_by
    found.decided_at = approval.decided_at
    found.decision_note = approval.decision_note[:200]
    fields = ("decided_by", "decided_at", "decision_note")
    data = {"approval": approval.pk, "level": approval.required_role}
    if approval.state == ApprovalState.REFUSED:
        move(
            found,
            REQUISITION_ACTIONS,
            action="refuse",
            to=RequisitionState.REFUSED,
            actor=actor,
            reason=found.decision_note,
            data=data,
            fields=fields,
        )
        return
    for line in found.lines.select_related("part").order_by("part_id"):
        stock.reserve(actor, store=found.from_store, part=line.part, quantity=line.quantity, reference=found.number)
    move(
        found,
        REQUISITION_ACTIONS,
        action="approve",
        to=RequisitionState.APPROVED,
        actor=actor,
        reason=found.decision_note,
        data=data,
        fields=fields,
    )
    reorder_check(found.from_store, [line.part_id for line in found.lines.all()])
    notify(
        [*stock.store_keepers(found.from_store)],
        title=_("Requisition %(number)s approved: issue the parts") % {"number": found.number},
        body=_("%(to)s waits for the parts from %(from)s.") % {"to": found.to_store, "from": found.from_store},
        url=_url(found),
        rule="P2",
    )


def _decide(actor: Actor, number: str, expected_version: int | None, *, approve: bool, note: str) -> Requisition:
    seen = access_requisition(actor, number)
    approval = pending_approval_lock(seen)
    found = _lock(actor, number, expected_version)
    expect_transition(
        found,
        table=REQUISITION_ACTIONS["approve" if approve else "refuse"],
        to=RequisitionState.APPROVED if approve else RequisitionState.REFUSED,
    )
    if approval is not None and not actor_may_decide_approval(actor, approval):
        raise PermissionDenied(
            _("You may not decide this approval. %(why)s") % {"why": approval.explanation.get("text", "")},
            code="not_decider",
        )
    if approval is None:  # asked before the engine knew the kind: ask on the requester's behalf
        approval = _ask_approval(actor_for(found.requested_by), found)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    found.refresh_from_db()
    return found


@transaction.atomic
def requisition_approve(
    *, actor: Actor, number: str, note: str = "", expected_version: int | None = None
) -> Requisition:
    """Approve through the approvals engine (the approver its value needs; nobody their own request).

    Rule: P2. Raises: NotFound, PermissionDenied (not_decider, own_approval), Conflict (invalid_transition,
    insufficient_stock with the available quantity, version_conflict). Events: approval.decided,
    requisition.approved and the reservations.
    """
    return _decide(actor, number, expected_version, approve=True, note=note)


@transaction.atomic
def requisition_refuse(*, actor: Actor, number: str, note: str, expected_version: int | None = None) -> Requisition:
    """Refuse through the approvals engine. Rule: P2. Raises: as requisition_approve; ValidationFailed (no reason)."""
    if not (note or "").strip():
        raise field_error("note", pgettext("parts requisitions and returns", "Give the reason for the refusal."))
    return _decide(actor, number, expected_version, approve=False, note=note.strip())


@transaction.atomic
def requisition_issue(*, actor: Actor, number: str, expected_version: int | None = None) -> Requisition:
    """The issuing store ships what was approved: out of its stock with the reservation released, in transit
    for the receiving store (the core's transfer_out). Rule: P2. Raises: PermissionDenied, NotFound, Conflict
    (invalid_transition, insufficient_stock, version_conflict). Events: requisition.issued, stock moves."""
    actor.require_perm(ISSUE_REQUISITIONS)
    found = _lock(actor, number, expected_version)
    expect_transition(found, table=REQUISITION_ACTIONS["issue"], to=RequisitionState.ISSUED)
    lines = list(found.lines.select_related("part").order_by("part_id"))
    for line in lines:
        stock.ship(
            actor,
            source=found.from_store,
            target=found.to_store,
            part=line.part,
            quantity=line.quantity,
            reference=found.number,
        )
        line.issued_quantity = line.quantity
    RequisitionLine.objects.bulk_update(lines, ["issued_quantity"])
    reorder_check(found.from_store, [line.part_id for line in lines])
    found.issued_by = actor.user
    found.issued_at = timezone.now()
    move(
        found,
        REQUISITION_ACTIONS,
        action="issue",
        to=RequisitionState.ISSUED,
        actor=actor,
        data={"lines": [[line.part.code, line.issued_quantity] for line in lines]},
        fields=("issued_by", "issued_at"),
    )
    notify(
        [found.requested_by, *stock.store_keepers(found.to_store)],
        title=_("Parts of requisition %(number)s are on the way") % {"number": found.number},
        body=_("Record what arrives on the requisition's page."),
        url=_url(found),
        rule="P2",
    )
    return found


def _may_receive(actor: Actor, found: Requisition) -> bool:
    return (
        actor.has_perm(ISSUE_REQUISITIONS)
        or found.requested_by_id == actor.pk
        or stock.store_is_mine(found.to_store, actor)
    )


@transaction.atomic
def requisition_receive(
    *, actor: Actor, number: str, lines: Sequence[Any], note: str = "", expected_version: int | None = None
) -> Requisition:
    """The receiving store books what arrived, line by line (every issued line, its quantity 0 … issued). What
    arrived moves from in transit to on hand; a shortfall (issued − received) is written off in transit by the
    core and recorded on the line as the discrepancy, with an event and a note to the issuing keepers. A job
    waiting for the parts goes back to work and its paused clocks resume (S9).

    Rule: P2, S9. Raises: PermissionDenied, NotFound, ValidationFailed (a line missing, a part not on the
    requisition, a quantity below 0 or above the issued one), Conflict. Events: requisition.received,
    requisition.discrepancy (when short), stock moves, the job's parts_arrived.
    """
    found = _lock(actor, number, expected_version)
    if not _may_receive(actor, found):
        raise PermissionDenied(_("Only the receiving store or the parts keeper records what arrived."))
    expect_transition(found, table=REQUISITION_ACTIONS["receive"], to=RequisitionState.RECEIVED)
    own = {line.part.code: line for line in found.lines.select_related("part")}
    given: dict[str, int] = {}
    for index, (code, quantity) in enumerate(_parse_lines(lines)):
        line = own.get(code)
        if line is None:
            raise field_error(f"lines.{index}.part", _("This part is not on the requisition."))
        if code in given:
            raise field_error(f"lines.{index}.part", _("This part is given twice."))
        if quantity < 0:
            raise field_error(
                f"lines.{index}.quantity",
                pgettext("parts requisitions and returns", "The quantity cannot be negative."),
            )
        if quantity > line.issued_quantity:
            raise field_error(
                f"lines.{index}.quantity",
                _("%(received)s received but only %(issued)s issued.")
                % {"received": quantity, "issued": line.issued_quantity},
            )
        given[code] = quantity
    missing = [code for code in own if code not in given]
    if missing:
        raise field_error(
            "lines",
            _("Give the quantity received of every part (also 0): %(parts)s") % {"parts": ", ".join(sorted(missing))},
        )
    short: list[list[Any]] = []
    for code, line in sorted(own.items()):
        line.received_quantity = given[code]
        stock.arrive(
            actor,
            source=found.from_store,
            target=found.to_store,
            part=line.part,
            shipped=line.issued_quantity,
            received=line.received_quantity or 0,
            reference=found.number,
        )
        if line.discrepancy:
            short.append([code, line.issued_quantity, line.received_quantity, line.discrepancy])
    RequisitionLine.objects.bulk_update(list(own.values()), ["received_quantity"])
    reorder_check(found.to_store, [line.part_id for line in own.values()])
    found.received_by = actor.user
    found.received_at = timezone.now()
    move(
        found,
        REQUISITION_ACTIONS,
        action="receive",
        to=RequisitionState.RECEIVED,
        actor=actor,
        reason=(note or "").strip()[:500],
        data={"lines": [[code, line.received_quantity] for code, line in sorted(own.items())]},
        fields=("received_by", "received_at"),
    )
    if short:
        event_record(
            subject=found,
            action=events.REQUISITION_DISCREPANCY,
            actor=actor,
            rule="P2",
            data={"short": short, "note": (note or "").strip()[:500]},
        )
        notify(
            [found.issued_by, *stock.store_keepers(found.from_store), *role_users(Role.PARTS_KEEPER)],
            title=_("Shortfall on requisition %(number)s") % {"number": found.number},
            body="; ".join(
                _("%(part)s: %(issued)s issued, %(received)s received")
                % {"part": s[0], "issued": s[1], "received": s[2]}
                for s in short
            ),
            url=_url(found),
            rule="P2",
        )
    _resume_job(actor, found)
    return found


def _resume_job(actor: Actor, found: Requisition) -> None:
    """S9: the parts a job waits for have arrived: it goes back on site (or to the depot) and its paused
    clocks resume. A job no longer waiting is left alone."""
    if found.service_request_id is None:
        return
    from aftersales.service.choices import RequestState
    from aftersales.service.models import ServiceRequest
    from aftersales.service.services.common import request_move

    request = ServiceRequest.objects.select_for_update(of=("self",)).filter(pk=found.service_request_id).first()
    if request is None or request.state != RequestState.WAITING_PARTS:
        return
    to = request.resume_state or RequestState.ON_SITE
    request.resume_state = ""
    request_move(
        request,
        action="parts_arrived",
        to=to,
        actor=actor,
        reason=_("Parts of requisition %(number)s received") % {"number": found.number},
        data={"requisition": found.number},
        fields=("resume_state",),
    )
    clock_resume_for(subject=request, actor=actor)
    notify(
        [request.engineer],
        title=_("Parts for %(request)s have arrived") % {"request": request.number},
        url=reverse("service:request_detail", args=[request.number]),
        rule="S9",
    )


@transaction.atomic
def requisition_cancel(
    *, actor: Actor, number: str, note: str = "", expected_version: int | None = None
) -> Requisition:
    """The requester (or a keeper) withdraws a requisition not yet issued: a pending approval is closed, a
    reservation released. Rule: P2. Raises: PermissionDenied, NotFound, Conflict. Events: requisition.cancelled."""
    seen = access_requisition(actor, number)
    if seen.requested_by_id != actor.pk and not actor.has_perm(ISSUE_REQUISITIONS):
        raise PermissionDenied(_("Only the requester or a parts keeper may cancel a requisition."))
    approval_refuse_pending(
        actor=actor,
        subject=seen,
        kind=ApprovalKind.REQUISITION,
        note=(note or "").strip() or pgettext("parts requisitions and returns", "Cancelled"),
    )
    found = _lock(actor, number, expected_version)
    expect_transition(found, table=REQUISITION_ACTIONS["cancel"], to=RequisitionState.CANCELLED)
    was_approved = found.state == RequisitionState.APPROVED
    if was_approved:
        for line in found.lines.select_related("part").order_by("part_id"):
            stock.release(actor, store=found.from_store, part=line.part, quantity=line.quantity, reference=found.number)
    move(
        found,
        REQUISITION_ACTIONS,
        action="cancel",
        to=RequisitionState.CANCELLED,
        actor=actor,
        reason=(note or "").strip()[:500],
    )
    # Those who had something to do with it stop: the issuing keepers (asked to issue it once approved) and
    # the requester when someone else cancelled it.
    told = [*(stock.store_keepers(found.from_store) if was_approved else [])]
    if found.requested_by_id != actor.pk:
        told.append(found.requested_by)
    notify(
        [u for u in told if u.pk != actor.pk],
        title=_("Requisition %(number)s cancelled") % {"number": found.number},
        body=(note or "").strip()[:500],
        url=_url(found),
        rule="P2",
    )
    return found


def approver_label(found: Requisition) -> str:
    return role_label(found.approval_role) if found.approval_role else ""


__all__ = [
    "Conflict",
    "requisition_approval_decided",
    "requisition_approve",
    "requisition_approver",
    "requisition_cancel",
    "requisition_create",
    "requisition_issue",
    "requisition_receive",
    "requisition_refuse",
]
