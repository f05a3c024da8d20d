"""What every service of returns shares: the K7 approval level and the record's pending approval (the
approvals engine's), locking with the version check, state moves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from aftersales.approvals.services import approval_level
from aftersales.complaints.models import Complaint
from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.core.workflow import locked_for_change, versioned_transition
from aftersales.returns.errors import ReturnsErrorCode
from aftersales.returns.models import ReturnRequest
from aftersales.returns.selectors import access_return_request
from aftersales.returns.transitions import ACTION_TRANSITIONS


@dataclass(frozen=True)
class ApprovalLevel:
    """Who decides a return of some value (K7), with the sentence that says why."""

    role: str
    explanation: str
    policy_version: int


def return_approval_level(amount: Decimal) -> ApprovalLevel:
    """K7: who decides a return of this value — the approvals engine's answer (approvals app).

    Rule: K7.
    """
    role, why = approval_level(amount)
    return ApprovalLevel(role=role, explanation=why["text"], policy_version=why["policy_version"])


def return_lock(actor: Actor, number: str, expected_version: int | None = None) -> ReturnRequest:
    """The return, row-locked, if the actor may see it and nobody changed it since `expected_version`."""
    return locked_for_change(
        access_return_request,
        actor,
        number,
        expected_version,
        message=_("Someone else changed this return in the meantime (version %(theirs)s, yours %(yours)s). Reload it."),
        code=ReturnsErrorCode.VERSION_CONFLICT,
    )


def return_move(
    found: ReturnRequest,
    *,
    action: str,
    to: str,
    actor: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    policy_version: int | None = None,
) -> str:
    """Apply one move of `action` (returns.transitions), bump the version, save `fields` with it; one event."""
    return versioned_transition(
        found,
        to=to,
        table=ACTION_TRANSITIONS[action],
        actor=actor,
        reason=reason,
        data=data,
        policy_version=policy_version,
        fields=fields,
    )


def complaint_number_of(customer: Any, number: str) -> str:
    """The complaint a return or a discount certificate settles (K9, R4), by its number: one of the
    customer's complaints, or "" when none is given. Raises: ValidationFailed (complaint_number)."""
    number = (number or "").strip().upper()
    if number and not Complaint.objects.filter(number=number, customer=customer).exists():
        message = _("No complaint with this number belongs to the customer.")
        raise ValidationFailed(message, fields={"complaint_number": [message]})
    return number
