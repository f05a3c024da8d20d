"""The approval engine (核决权限, K7): who decides an amount, asking, deciding, and what follows.

Any app asks for an approval of any record (`approval_request`), and registers a handler for its
record type (`register_approval_handler`) that `approval_decide` calls inside its transaction, so
the record follows the decision in the same commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.complaints import events
from aftersales.complaints.choices import ApprovalPurpose, ApprovalState
from aftersales.complaints.errors import BeyondAuthority, ComplaintConflict, ComplaintErrorCode
from aftersales.complaints.models import Approval
from aftersales.complaints.selectors import access_approval
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import Subject, event_record
from aftersales.policies.defaults import policy_def
from aftersales.policies.selectors import policy_get

LIMITS_KEY = "K7.limits"
# Authority order (001 §27): each level may decide what the levels below it may. An administrator
# holds none: nobody approves on another's behalf.
AUTHORITY_ORDER = ("sales_manager", "vp", "gm")

APPROVAL_HANDLERS: dict[str, Callable[[Approval], None]] = {}
APPROVAL_LINKS: dict[str, Callable[[Approval], str]] = {}


def register_approval_handler(
    subject_type: str, fn: Callable[[Approval], None], *, link: Callable[[Approval], str] | None = None
) -> None:
    """Let the app owning `subject_type` ("app_label.model") records follow each decision (call from ready());
    `link` gives the page of an approval's record, for the approval queue."""
    APPROVAL_HANDLERS[subject_type] = fn
    if link is not None:
        APPROVAL_LINKS[subject_type] = link


def approval_link(approval: Approval) -> str:
    """The page of the approval's record when its app registered one, else ""."""
    fn = APPROVAL_LINKS.get(approval.subject_type)
    return fn(approval) if fn is not None else ""


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def authority_rank(role: str) -> int:
    """0 for a role without approval authority, else its place in AUTHORITY_ORDER (1 = lowest)."""
    return AUTHORITY_ORDER.index(role) + 1 if role in AUTHORITY_ORDER else 0


def actor_authority(actor: Actor) -> str:
    """The actor's highest K7 role, or "" when they hold none."""
    held = [role for role in AUTHORITY_ORDER if actor.has_role(role)]
    return held[-1] if held else ""


def actor_may_decide(actor: Actor, role: str) -> bool:
    """K7: the actor's authority reaches `role`'s."""
    return authority_rank(actor_authority(actor)) >= authority_rank(role) > 0


def approval_roles_within(actor: Actor) -> list[str]:
    """The K7 roles whose amounts the actor may decide (theirs and below)."""
    rank = authority_rank(actor_authority(actor))
    return list(AUTHORITY_ORDER[:rank])


def approval_level(
    amount: Decimal, *, at: dt.datetime | None = None, policy_key: str = LIMITS_KEY
) -> tuple[str, dict[str, Any]]:
    """Who decides this amount, and why: (role code, explanation).

    Below the lower limit the sales manager; from it up to and including the upper limit the VP;
    above it the general manager (K7.limits of the policy version in force at `at`). Another rule
    that approves by amount (off-site trips, gifts …) declares its own policy of the same shape
    (policies.defaults.ApprovalLimits) and passes its key: the explanation then names that rule.
    Rule: K7 (or the rule of `policy_key`). Raises: nothing.
    """
    policy = policy_get(policy_key, at=at)
    rule = policy_def(policy_key).rule
    limits = policy.value
    lower, upper = Decimal(limits["lower"]), Decimal(limits["upper"])
    roles = limits["roles"]
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < lower:
        role, band = roles["below"], "below"
    elif amount <= upper:
        role, band = roles["between"], "between"
    else:
        role, band = roles["above"], "above"
    text = _(
        "%(rule)s (version %(version)s): %(amount)s yuan. Below %(lower)s yuan the %(below)s decides, from "
        "%(lower)s up to and including %(upper)s yuan the %(between)s, above %(upper)s yuan the %(above)s; "
        "so the %(role)s decides."
    ) % {
        "rule": rule,
        "version": policy.version,
        "amount": amount,
        "lower": lower,
        "upper": upper,
        "below": role_label(roles["below"]),
        "between": role_label(roles["between"]),
        "above": role_label(roles["above"]),
        "role": role_label(role),
    }
    explanation = {
        "rule": rule,
        "policy_key": policy_key,
        "policy_version": policy.version,
        "amount": str(amount),
        "thresholds": [str(lower), str(upper)],
        "band": band,
        "role": role,
        "text": text,
    }
    return role, explanation


@transaction.atomic
def approval_request(
    *,
    actor: Actor,
    subject: models.Model,
    purpose: str,
    amount: Decimal,
    note: str = "",
    policy_key: str = LIMITS_KEY,
) -> Approval:
    """Ask the approver the amount needs (K7, or the limits policy `policy_key`) to grant `amount` for `subject`.

    Runs inside the caller's transaction or its own; the caller has checked the actor's right to ask.
    Rule: K7. Raises: PermissionDenied (portal or anonymous), ValidationFailed. Events: approval.requested
    (on the subject).
    """
    if not actor.is_authenticated or actor.has_role("customer"):
        raise PermissionDenied()
    if purpose not in ApprovalPurpose.values:
        raise ValidationFailed(_("Unknown approval purpose."), fields={"purpose": [_("Unknown approval purpose.")]})
    amount = Decimal(amount)
    if amount < 0:
        message = _("The amount cannot be negative.")
        raise ValidationFailed(message, fields={"amount": [message]})
    role, explanation = approval_level(amount, policy_key=policy_key)
    approval = Approval(
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        subject_label=str(subject)[:200],
        purpose=purpose,
        amount=amount,
        required_role=role,
        rule=explanation["rule"],
        policy_version=explanation["policy_version"],
        requested_by=actor.user,
        note=(note or "").strip(),
        explanation=explanation,
    )
    full_clean(approval)
    approval.save()
    event_record(
        subject=subject,
        action=events.APPROVAL_REQUESTED,
        actor=actor,
        rule=approval.rule,
        policy_version=approval.policy_version,
        data={"approval": approval.pk, "purpose": purpose, "amount": str(amount), "required_role": role},
    )
    return approval


@transaction.atomic
def approval_decide(*, actor: Actor, approval_id: int, approve: bool, note: str = "") -> Approval:
    """Approve or refuse an amount; the record's handler follows in the same transaction.

    Rule: K7. Raises: NotFound, BeyondAuthority (403 beyond_authority: the actor's authority is below
    the amount's), PermissionDenied (own request), Conflict (approval_already_decided).
    Events: approval.decided (on the subject), then whatever the handler records.
    """
    approval = access_approval(actor, approval_id, for_update=True)
    if approval.state != ApprovalState.PENDING:
        raise ComplaintConflict(_("This approval has already been decided."), code=ComplaintErrorCode.APPROVAL_DECIDED)
    if not actor_may_decide(actor, approval.required_role):
        raise BeyondAuthority(
            _("%(amount)s yuan is beyond your authority: the %(role)s decides it (%(rule)s).")
            % {"amount": approval.amount, "role": role_label(approval.required_role), "rule": approval.rule}
        )
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("Nobody decides their own request."), code=ComplaintErrorCode.OWN_APPROVAL)
    approval.state = ApprovalState.APPROVED if approve else ApprovalState.REFUSED
    approval.decided_by = actor.user
    approval.decided_at = timezone.now()
    approval.decision_note = (note or "").strip()
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_note", "updated_at"])
    event_record(
        subject=_subject_of(approval),
        action=events.APPROVAL_DECIDED,
        actor=actor,
        rule=approval.rule,
        policy_version=approval.policy_version,
        data={
            "approval": approval.pk,
            "state": approval.state,
            "amount": str(approval.amount),
            "note": approval.decision_note,
        },
    )
    handler = APPROVAL_HANDLERS.get(approval.subject_type)
    if handler is not None:
        handler(approval)
    return approval


def _subject_of(approval: Approval) -> Any:
    return Subject(type=approval.subject_type, id=approval.subject_id, label=approval.subject_label)
