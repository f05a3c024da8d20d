"""R1–R3: a return request is checked against R1, decided by amount (K7) through the approvals engine
(complaints.services.approvals: every return asks for an approval, in the queue of the level its value
needs), received by the warehouse, booked by finance when the quantities match (R3); an exchange then
ships its replacement.

Every write locks the return (common.return_lock) and checks the caller's `version` when given; deciding
locks the return's pending approval first, in the order approval_decide and its handler take them.
"""

from __future__ import annotations

import datetime as dt
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import MANAGER_ROLES, Role
from aftersales.accounts.models import User
from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import (
    LIMITS_KEY,
    Approval,
    ApprovalKind,
    ApprovalPurpose,
    ApprovalState,
    approval_decide,
    approval_request,
)
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition
from aftersales.customers.selectors import customer_get_for_request
from aftersales.installed_base.models import Unit
from aftersales.policies.selectors import policy_get
from aftersales.returns import events
from aftersales.returns.choices import ReturnCondition, ReturnDisposition, ReturnKind, ReturnState
from aftersales.returns.errors import ReturnNotAllowed, ReturnsConflict, ReturnsErrorCode
from aftersales.returns.models import ReturnRequest
from aftersales.returns.selectors import access_return_request
from aftersales.returns.services.common import (
    complaint_number_of,
    return_lock,
    return_move,
)
from aftersales.returns.transitions import ACTION_TRANSITIONS

CENT = Decimal("0.01")
MAX_VALUE = Decimal("9999999999.99")
# R1: "confirmed and signed by the responsible manager" — a manager of sales, service or the company.
VERIFYING_ROLES = frozenset(MANAGER_ROLES - {Role.ADMIN})


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _verifier(username: str) -> User:
    user = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if user is None:
        raise ReturnNotAllowed(
            _("R1: the verifying manager “%(name)s” is unknown.") % {"name": username},
            fields={"verified_by": [_("Unknown user.")]},
        )
    return user


def _r1_failures(
    *,
    condition: str,
    ship_date: dt.date,
    unopened: bool,
    wanted_model: str,
    verified_by: User | None,
    verified_at: dt.datetime | None,
    today: dt.date,
    fresh_days: int,
) -> dict[str, str]:
    """R1: {field: why} for every condition the request fails; empty when allowed."""
    failed: dict[str, str] = {}
    if ship_date > today:
        failed["ship_date"] = _("The ship date is in the future.")
    if condition == ReturnCondition.WRONG_MODEL_UNOPENED:
        if not unopened:
            failed["unopened"] = _("R1: only unopened goods are taken back for another model.")
        if (today - ship_date).days > fresh_days:
            failed["ship_date"] = _("R1: shipped more than %(days)s days ago, not “just shipped”.") % {
                "days": fresh_days
            }
        if not wanted_model:
            failed["wanted_model"] = _("R1: name the model or specification the customer wants instead.")
        return failed
    # verified_quality_defect
    if verified_by is None:
        failed["verified_by"] = _("R1: a quality defect must be verified and signed by the responsible manager.")
    elif not set(verified_by.groups.values_list("name", flat=True)) & VERIFYING_ROLES:
        failed["verified_by"] = _("R1: “%(name)s” is not a manager.") % {"name": verified_by.username}
    if verified_at is None:
        failed["verified_at"] = _("R1: give the time the defect was verified.")
    else:
        verified_on = timezone.localtime(verified_at).date()
        if verified_on < ship_date:
            failed["verified_at"] = _("R1: the defect was verified before the goods were shipped.")
        elif verified_on > today:
            failed["verified_at"] = _("R1: the verification time is in the future.")
        elif (verified_on - ship_date).days > fresh_days:
            failed["verified_at"] = _(
                "R1: verified more than %(days)s days after shipment, not “shortly after shipment”."
            ) % {"days": fresh_days}
    return failed


@transaction.atomic
def return_request_create(
    *,
    actor: Actor,
    customer_id: int,
    kind: str,
    condition: str,
    order_number: str,
    ship_date: dt.date,
    quantity: int,
    unit_price: Decimal,
    reason: str,
    serial: str = "",
    model: str = "",
    wanted_model: str = "",
    unopened: bool = False,
    verified_by: str = "",
    verified_at: dt.datetime | None = None,
    disposition: str = "",
    basis: str = "",
    complaint_number: str = "",
    internal_note: str = "",
) -> ReturnRequest:
    """Register a return or exchange request (退库产品申请单) if R1 allows it.

    Rule: R1, R2. Raises: PermissionDenied, NotFound, ReturnNotAllowed (422 return_not_allowed,
    `fields` names each failed condition), ValidationFailed. Events: returnrequest.requested.
    """
    actor.require_perm("returns.add_returnrequest")
    customer = customer_get_for_request(actor, customer_id)
    if kind not in ReturnKind.values:
        raise _field_error("kind", _("Unknown kind."))
    if condition not in ReturnCondition.values:
        raise _field_error("condition", _("Unknown R1 condition."))
    if disposition and disposition not in ReturnDisposition.values:
        raise _field_error("disposition", _("Unknown disposition."))
    if quantity < 1:
        raise _field_error("quantity", _("Give a quantity of at least 1."))
    unit = None
    if serial:
        unit = Unit.objects.select_related("product").filter(serial=serial.strip(), customer=customer).first()
        if unit is None:
            raise _field_error("serial", _("No unit with this serial number belongs to the customer."))
    model_text = (model or "").strip() or (unit.product.model if unit else "")
    if not model_text:
        raise _field_error("model", _("Give the product model or a unit's serial number."))
    value = (Decimal(quantity) * unit_price).quantize(CENT)
    if value > MAX_VALUE:
        raise _field_error("unit_price", _("The amount is too large."))
    fresh = policy_get("R1.fresh_days")
    verifier = _verifier(verified_by) if verified_by else None
    failed = _r1_failures(
        condition=condition,
        ship_date=ship_date,
        unopened=unopened,
        wanted_model=(wanted_model or "").strip(),
        verified_by=verifier,
        verified_at=verified_at,
        today=timezone.localdate(),
        fresh_days=fresh.value,
    )
    if failed:
        raise ReturnNotAllowed(
            _("R1 does not allow this return: %(why)s") % {"why": " ".join(failed.values())},
            fields={key: [message] for key, message in failed.items()},
        )
    found = ReturnRequest(
        customer=customer,
        kind=kind,
        unit=unit,
        model_text=model_text,
        wanted_model=(wanted_model or "").strip(),
        order_number=order_number.strip(),
        ship_date=ship_date,
        quantity_requested=quantity,
        unit_price=unit_price,
        value=value,
        reason=reason.strip(),
        condition=condition,
        unopened=unopened,
        verified_by=verifier if condition == ReturnCondition.VERIFIED_QUALITY_DEFECT else None,
        verified_at=verified_at if condition == ReturnCondition.VERIFIED_QUALITY_DEFECT else None,
        disposition=disposition,
        basis=(basis or "").strip(),
        complaint_number=complaint_number_of(customer, complaint_number),
        internal_note=(internal_note or "").strip(),
        requested_by=actor.user,
    )
    full_clean(found, exclude=["number", "requested_by", "customer"])
    month = timezone.localtime().strftime("%Y%m")
    found.number = f"TH{month}{number_next(key='return_request', period=month):04d}"
    found.save()
    event_record(
        subject=found,
        action=events.RETURN_REQUESTED,
        actor=actor,
        rule="R1",
        policy_version=fresh.version,
        data={
            "kind": kind,
            "condition": condition,
            "quantity": quantity,
            "value": str(value),
            "fresh_days": fresh.value,
            "complaint_number": found.complaint_number,
        },
    )
    _ask_approval(actor, found)
    return found


def _ask_approval(actor: Actor, found: ReturnRequest) -> Approval:
    """R2, K7: the return waits for the approver its value needs, in the approval queue."""
    return approval_request(
        actor=actor,
        subject=found,
        kind=ApprovalKind.RETURN,
        purpose=ApprovalPurpose.RETURN,
        amount=found.value,
        note=found.reason[:500],
        policy_key=LIMITS_KEY,
    )


@dataclass(frozen=True)
class ApprovalTerms:
    """What the approver gave with the decision on the return's page or API: the return note's terms.
    Approving from the approval queue gives none: the whole quantity, the disposition and basis asked for."""

    approved_quantity: int | None = None
    disposition: str = ""
    basis: str = ""


# The terms of the decision being made in this context, read by the approval handler below.
_TERMS: ContextVar[ApprovalTerms | None] = ContextVar("return_approval_terms", default=None)


def _decide(actor: Actor, found: ReturnRequest, approval: Approval | None, *, approve: bool, note: str) -> None:
    """Decide the return's K7 approval through the engine (level, authority order, nobody decides their
    own request); its handler moves the return in this transaction, with `_TERMS` set by the caller."""
    if approval is None:  # a return registered before returns asked the engine: ask on the requester's behalf
        approval = _ask_approval(actor_for(found.requested_by), found)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)


def return_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → the return note (approved);
    refused → refused. The decider, the level and the note come from the approval.

    Rule: K7, R2. Raises: ValidationFailed (no disposition, a refusal without its reason), which
    undoes the decision. Events: returnrequest.approved / returnrequest.refused.
    """
    found = ReturnRequest.objects.select_for_update(of=("self",)).filter(pk=approval.subject_id).first()
    if found is None or found.state != ReturnState.REQUESTED:
        return
    note = approval.decision_note[:200]
    found.approval_role = approval.required_role
    found.decided_by = approval.decided_by
    found.decided_at = approval.decided_at
    found.decision_note = note
    data = {"approval": approval.pk, "level": approval.required_role, "explanation": approval.explanation.get("text")}
    if approval.state == ApprovalState.REFUSED:
        if not note:
            raise _field_error("note", _("Give the reason for the refusal."))
        return_move(
            found,
            action="refuse",
            to=ReturnState.REFUSED,
            actor=approval.decided_by,
            reason=note,
            policy_version=approval.policy_version,
            data=data,
            fields=("approval_role", "decided_by", "decided_at", "decision_note"),
        )
        return
    terms = _TERMS.get() or ApprovalTerms()
    quantity = found.quantity_requested if terms.approved_quantity is None else terms.approved_quantity
    if not 1 <= quantity <= found.quantity_requested:
        raise _field_error(
            "approved_quantity",
            _("Approve between 1 and %(requested)s (the quantity requested).")
            % {"requested": found.quantity_requested},
        )
    if terms.disposition and terms.disposition not in ReturnDisposition.values:
        raise _field_error("disposition", _("Unknown disposition."))
    found.disposition = terms.disposition or found.disposition
    if not found.disposition:
        raise _field_error(
            "disposition",
            _("R2: the return note states the disposition. Choose it on the return's page and approve it there."),
        )
    found.basis = terms.basis.strip() or found.basis
    found.approved_quantity = quantity
    return_move(
        found,
        action="approve",
        to=ReturnState.APPROVED,
        actor=approval.decided_by,
        reason=note,
        policy_version=approval.policy_version,
        data={"approved_quantity": quantity, **data},
        fields=(
            "approved_quantity",
            "approval_role",
            "decided_by",
            "decided_at",
            "decision_note",
            "disposition",
            "basis",
        ),
    )


def _lock_for_decision(
    actor: Actor, number: str, expected_version: int | None, *, action: str, to: str
) -> tuple[ReturnRequest, Approval | None]:
    """The return's pending approval and then the return, both locked (approval_decide's order), after
    the version and state checks."""
    seen = access_return_request(actor, number)
    approval = pending_approval_lock(seen)
    found = return_lock(actor, number, expected_version)
    expect_transition(found, table=ACTION_TRANSITIONS[action], to=to)
    return found, approval


@transaction.atomic
def return_request_approve(
    *,
    actor: Actor,
    number: str,
    approved_quantity: int | None = None,
    disposition: str = "",
    basis: str = "",
    note: str = "",
    expected_version: int | None = None,
) -> ReturnRequest:
    """Approve a return: it becomes the return note (产品退货单) with its three copies.

    The decision is the return's K7 approval, decided through the approvals engine: the actor's
    authority must reach the level its value needs, and nobody decides their own request.
    Rule: K7, R2. Raises: NotFound, PermissionDenied (own_approval), BeyondAuthority (403
    beyond_authority), Conflict, ValidationFailed. Events: approval.decided, returnrequest.approved.
    """
    actor.require_perm("returns.approve_returnrequest")
    found, approval = _lock_for_decision(actor, number, expected_version, action="approve", to=ReturnState.APPROVED)
    token = _TERMS.set(
        ApprovalTerms(approved_quantity=approved_quantity, disposition=disposition, basis=(basis or "").strip())
    )
    try:
        _decide(actor, found, approval, approve=True, note=note)
    finally:
        _TERMS.reset(token)
    found.refresh_from_db()
    return found


@transaction.atomic
def return_request_refuse(
    *, actor: Actor, number: str, note: str, expected_version: int | None = None
) -> ReturnRequest:
    """Refuse a return; it ends. Decided through the approvals engine like approving (same authority).

    Rule: K7. Raises: NotFound, PermissionDenied (own_approval), BeyondAuthority (403 beyond_authority),
    Conflict, ValidationFailed. Events: approval.decided, returnrequest.refused.
    """
    actor.require_perm("returns.approve_returnrequest")
    found, approval = _lock_for_decision(actor, number, expected_version, action="refuse", to=ReturnState.REFUSED)
    _decide(actor, found, approval, approve=False, note=(note or "").strip())
    found.refresh_from_db()
    return found


@transaction.atomic
def return_receive(
    *, actor: Actor, number: str, quantity: int, note: str = "", expected_version: int | None = None
) -> ReturnRequest:
    """The warehouse records the quantity that came back (its copy of the note); a recount corrects it.

    Rule: R2. Raises: NotFound, PermissionDenied, Conflict, ValidationFailed. Events: returnrequest.received.
    """
    actor.require_perm("returns.receive_returnrequest")
    found = return_lock(actor, number, expected_version)
    if quantity < 0:
        raise _field_error("quantity", _("The quantity cannot be negative."))
    before = found.received_quantity
    found.received_quantity = quantity
    found.received_by = actor.user
    found.received_at = timezone.now()
    return_move(
        found,
        action="receive",
        to=ReturnState.RECEIVED,
        actor=actor,
        reason=(note or "").strip(),
        data={"received_quantity": [before, quantity], "approved_quantity": found.approved_quantity},
        fields=("received_quantity", "received_by", "received_at"),
    )
    return found


@transaction.atomic
def return_book(*, actor: Actor, number: str, expected_version: int | None = None) -> ReturnRequest:
    """Finance books the return (its copy of the note) when the quantity received is the quantity approved.

    Rule: R3. Raises: NotFound, PermissionDenied, Conflict(quantity_mismatch, invalid_transition).
    Events: returnrequest.booked.
    """
    actor.require_perm("returns.book_returnrequest")
    found = return_lock(actor, number, expected_version)
    if found.state == ReturnState.RECEIVED and not found.can_book():
        raise ReturnsConflict(
            _("R3: %(received)s received but %(approved)s approved; the quantities must match before booking.")
            % {"received": found.received_quantity, "approved": found.approved_quantity},
            code=ReturnsErrorCode.QUANTITY_MISMATCH,
        )
    found.booked_by = actor.user
    found.booked_at = timezone.now()
    return_move(
        found,
        action="book",
        to=ReturnState.BOOKED,
        actor=actor,
        data={"quantity": found.approved_quantity, "value": str(found.value)},
        fields=("booked_by", "booked_at"),
    )
    return found


@transaction.atomic
def return_reissue(*, actor: Actor, number: str, note: str = "", expected_version: int | None = None) -> ReturnRequest:
    """Exchange: the warehouse ships the replacement once the return is booked.

    Rule: R2. Raises: NotFound, PermissionDenied, Conflict(not_an_exchange, invalid_transition).
    Events: returnrequest.reissued.
    """
    actor.require_perm("returns.receive_returnrequest")
    found = return_lock(actor, number, expected_version)
    if found.kind != ReturnKind.EXCHANGE:
        raise ReturnsConflict(_("Only an exchange ships a replacement."), code=ReturnsErrorCode.NOT_AN_EXCHANGE)
    found.reissued_by = actor.user
    found.reissued_at = timezone.now()
    return_move(
        found,
        action="reissue",
        to=ReturnState.REISSUED,
        actor=actor,
        reason=(note or "").strip(),
        data={"wanted_model": found.wanted_model},
        fields=("reissued_by", "reissued_at"),
    )
    return found
