"""R1–R3: a return request is checked against R1, decided by amount (K7), received by the warehouse,
booked by finance when the quantities match (R3); an exchange then ships its replacement.

Every write locks the return first (common.return_lock) and checks the caller's `version` when given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import MANAGER_ROLES, Role
from aftersales.accounts.models import User
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.customers.selectors import customer_get_for_request
from aftersales.installed_base.models import Unit
from aftersales.policies.selectors import policy_get
from aftersales.returns import events
from aftersales.returns.choices import ReturnCondition, ReturnDisposition, ReturnKind, ReturnState
from aftersales.returns.errors import ReturnNotAllowed, ReturnsConflict, ReturnsErrorCode
from aftersales.returns.models import ReturnRequest
from aftersales.returns.services.common import (
    ApprovalLevel,
    actor_may_decide,
    return_approval_level,
    return_lock,
    return_move,
    role_label,
)

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
        complaint_number=(complaint_number or "").strip().upper(),
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
    return found


def _require_authority(actor: Actor, found: ReturnRequest) -> ApprovalLevel:
    """K7: the level the return's value needs, reached by the actor's role."""
    level = return_approval_level(found.value)
    if not actor_may_decide(actor, level):
        raise PermissionDenied(
            _("K7: a return of %(amount)s yuan is decided by the %(role)s, above your authority.")
            % {"amount": found.value, "role": role_label(level.role)},
            code=ReturnsErrorCode.APPROVAL_LIMIT,
        )
    return level


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

    Rule: K7, R2. Raises: NotFound, PermissionDenied(approval_limit_exceeded), Conflict,
    ValidationFailed. Events: returnrequest.approved.
    """
    actor.require_perm("returns.approve_returnrequest")
    found = return_lock(actor, number, expected_version)
    level = _require_authority(actor, found)
    quantity = found.quantity_requested if approved_quantity is None else approved_quantity
    if not 1 <= quantity <= found.quantity_requested:
        raise _field_error(
            "approved_quantity",
            _("Approve between 1 and %(requested)s (the quantity requested).")
            % {"requested": found.quantity_requested},
        )
    if disposition and disposition not in ReturnDisposition.values:
        raise _field_error("disposition", _("Unknown disposition."))
    found.disposition = disposition or found.disposition
    if not found.disposition:
        raise _field_error("disposition", _("R2: the return note states the disposition."))
    found.basis = (basis or "").strip() or found.basis
    found.approved_quantity = quantity
    found.approval_role = level.role
    found.decided_by = actor.user
    found.decided_at = timezone.now()
    found.decision_note = (note or "").strip()
    return_move(
        found,
        action="approve",
        to=ReturnState.APPROVED,
        actor=actor,
        reason=found.decision_note,
        policy_version=level.policy_version,
        data={"approved_quantity": quantity, "level": level.role, "explanation": level.explanation},
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
    return found


@transaction.atomic
def return_request_refuse(
    *, actor: Actor, number: str, note: str, expected_version: int | None = None
) -> ReturnRequest:
    """Refuse a return; it ends. The same authority by amount as approving.

    Rule: K7. Raises: NotFound, PermissionDenied(approval_limit_exceeded), Conflict, ValidationFailed.
    Events: returnrequest.refused.
    """
    actor.require_perm("returns.approve_returnrequest")
    found = return_lock(actor, number, expected_version)
    level = _require_authority(actor, found)
    if not (note or "").strip():
        raise _field_error("note", _("Give the reason for the refusal."))
    found.approval_role = level.role
    found.decided_by = actor.user
    found.decided_at = timezone.now()
    found.decision_note = note.strip()
    return_move(
        found,
        action="refuse",
        to=ReturnState.REFUSED,
        actor=actor,
        reason=found.decision_note,
        policy_version=level.policy_version,
        data={"level": level.role, "explanation": level.explanation},
        fields=("approval_role", "decided_by", "decided_at", "decision_note"),
    )
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
