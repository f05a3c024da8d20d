"""The approval engine (审批): asking, deciding, and what follows — one engine for every kind.

Any app asks for an approval of any record (`approval_request`) and registers, per kind, the handler
that `approval_decide` calls inside its transaction (registry.register_approval_kind), so the record
follows the decision in the same commit. Nobody decides their own request; nobody beyond their
authority (K7 ladder, the role or the right the approval needs); the decision goes through
core.workflow.transition() (approval.approved / approval.refused, state old → new). The approver is
notified when an approval waits for them, the requester when it is decided (bell and e-mail).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.approvals import events
from aftersales.approvals.authority import (
    AUTHORITY_ORDER,
    LIMITS_KEY,
    actor_authority,
    actor_may_decide,
    actor_may_decide_approval,
    approval_level,
    approval_roles_within,
    role_label,
)
from aftersales.approvals.choices import ApprovalKind, ApprovalPurpose, ApprovalState
from aftersales.approvals.errors import ApprovalConflict, ApprovalErrorCode, BeyondAuthority
from aftersales.approvals.models import Approval
from aftersales.approvals.registry import approval_link, kind_registration, register_approval_kind
from aftersales.approvals.selectors import access_approval, approval_deciders, pending_approvals_lock
from aftersales.approvals.transitions import approval_transitions
from aftersales.core.access import Actor
from aftersales.core.errors import PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import Subject, event_record
from aftersales.core.workflow import transition
from aftersales.notifications.services import notification_language, notify_users

__all__ = [
    "LIMITS_KEY",
    "Approval",
    "ApprovalKind",
    "ApprovalPurpose",
    "ApprovalState",
    "actor_authority",
    "actor_may_decide",
    "actor_may_decide_approval",
    "approval_decide",
    "approval_refuse_pending",
    "approval_level",
    "approval_link",
    "approval_request",
    "approval_roles_within",
    "register_approval_kind",
    "role_label",
]


def _explain(*, rule: str, amount: Decimal | None, role: str, perm_label: str) -> dict[str, Any]:
    """The plain-language reason of an approver chosen by role or right (no amount ladder)."""
    who = role_label(role) if role else perm_label
    if amount is not None:
        text = _("%(amount)s yuan; the %(who)s decides.") % {"amount": amount, "who": who}
    else:
        text = _("The %(who)s decides.") % {"who": who}
    return {"rule": rule, "amount": str(amount) if amount is not None else None, "role": role, "text": text}


@transaction.atomic
def approval_request(
    *,
    actor: Actor,
    subject: models.Model | Subject,
    kind: str,
    rule: str = "",
    amount: Decimal | None = None,
    purpose: str = "",
    note: str = "",
    policy_key: str | None = None,
    required_role: str = "",
    required_perm: str = "",
    approver_label: str = "",
    payload: dict[str, Any] | None = None,
    decider: Any = None,
) -> Approval:
    """Ask for a decision on `subject` (a record, or a core.events.Subject): by amount (`policy_key`, a limits policy like K7.limits: the band
    names the approver) or by the `required_role` / `required_perm` the caller names; `decider` (a user,
    e.g. the owner of the record, C3) may decide it as well, unless it is their own request.

    Runs inside the caller's transaction or its own; the caller has checked the actor's right to ask.
    Rule: K7 (or the caller's). Raises: PermissionDenied (portal or anonymous), ValidationFailed.
    Events: approval.requested (on the subject).
    """
    if not actor.is_authenticated or actor.has_role("customer"):
        raise PermissionDenied()
    if kind not in ApprovalKind.values:
        raise ValidationFailed(_("Unknown kind of approval."), fields={"kind": [_("Unknown kind of approval.")]})
    if purpose and purpose not in ApprovalPurpose.values:
        raise ValidationFailed(_("Unknown approval purpose."), fields={"purpose": [_("Unknown approval purpose.")]})
    if amount is not None:
        amount = Decimal(amount)
        if amount < 0:
            message = _("The amount cannot be negative.")
            raise ValidationFailed(message, fields={"amount": [message]})
    if policy_key is not None:
        if amount is None:
            message = _("Give the amount.")
            raise ValidationFailed(message, fields={"amount": [message]})
        required_role, explanation = approval_level(amount, policy_key=policy_key)
        required_perm = ""
        rule = explanation["rule"]
        policy_version = explanation["policy_version"]
    else:
        if not (required_role or required_perm) or not rule:
            raise ValidationFailed(_("Unknown kind of approval."))
        explanation = _explain(rule=rule, amount=amount, role=required_role, perm_label=approver_label)
        policy_version = 0
    subject_type, subject_id, subject_label = _subject_ref(subject)
    approval = Approval(
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        kind=kind,
        purpose=purpose,
        amount=amount,
        required_role=required_role,
        required_perm=required_perm or (kind_registration(kind).decided_by_perm if not required_role else ""),
        rule=rule,
        policy_version=policy_version,
        requested_by=actor.user,
        decider=decider if decider is not None and getattr(decider, "pk", None) != actor.pk else None,
        note=(note or "").strip(),
        explanation=explanation,
        payload=payload or {},
    )
    full_clean(approval)
    approval.save()
    event_record(
        subject=subject,
        action=events.APPROVAL_REQUESTED,
        actor=actor,
        rule=approval.rule,
        policy_version=approval.policy_version or None,
        data={
            "approval": approval.pk,
            "kind": kind,
            "purpose": purpose,
            "amount": str(amount) if amount is not None else None,
            "required_role": required_role,
        },
    )
    _notify_deciders(approval)
    return approval


@transaction.atomic
def approval_decide(*, actor: Actor, approval_id: int, approve: bool, note: str = "") -> Approval:
    """Approve or refuse; the kind's handler follows in the same transaction.

    Rule: K7 (the approval's rule). Raises: NotFound (missing or not readable), Conflict
    (approval_already_decided), BeyondAuthority (403 beyond_authority: the actor's K7 authority is below
    the amount's, with the rule and numbers), PermissionDenied (not_decider; own_approval: nobody decides
    their own request). Events: approval.approved / approval.refused (on the approval, state old → new),
    approval.decided (on the subject), then whatever the handler records.
    """
    approval = access_approval(actor, approval_id, for_update=True)
    if approval.state != ApprovalState.PENDING:
        raise ApprovalConflict(_("This approval has already been decided."), code=ApprovalErrorCode.APPROVAL_DECIDED)
    if not actor_may_decide_approval(actor, approval):
        if approval.required_role in AUTHORITY_ORDER:
            raise BeyondAuthority(
                _("%(amount)s yuan is beyond your authority: the %(role)s decides it (%(rule)s). %(why)s")
                % {
                    "amount": approval.amount,
                    "role": role_label(approval.required_role),
                    "rule": approval.rule,
                    "why": approval.explanation.get("text", ""),
                }
            )
        raise PermissionDenied(
            _("You may not decide this approval. %(why)s") % {"why": approval.explanation.get("text", "")},
            code=ApprovalErrorCode.NOT_DECIDER,
        )
    if approval.requested_by_id == actor.pk:
        raise PermissionDenied(_("Nobody decides their own request."), code=ApprovalErrorCode.OWN_APPROVAL)
    approval.decided_by = actor.user
    approval.decided_at = timezone.now()
    approval.decision_note = (note or "").strip()
    transition(
        approval,
        to=ApprovalState.APPROVED if approve else ApprovalState.REFUSED,
        table=approval_transitions(approval.rule),
        actor=actor,
        reason=approval.decision_note,
        policy_version=approval.policy_version or None,
        data={"kind": approval.kind, "amount": str(approval.amount) if approval.amount is not None else None},
        extra_update_fields=("decided_by", "decided_at", "decision_note"),
    )
    event_record(
        subject=Subject(type=approval.subject_type, id=approval.subject_id, label=approval.subject_label),
        action=events.APPROVAL_DECIDED,
        actor=actor,
        rule=approval.rule,
        policy_version=approval.policy_version or None,
        data={
            "approval": approval.pk,
            "kind": approval.kind,
            "state": approval.state,
            "amount": str(approval.amount) if approval.amount is not None else None,
            "note": approval.decision_note,
        },
    )
    handler = kind_registration(approval.kind).handler
    if handler is not None:
        handler(approval)
    _notify_requester(approval)
    return approval


def approval_refuse_pending(*, actor: Actor, subject: models.Model, kind: str, note: str) -> list[Approval]:
    """The record went back (one of its deciders refused): its other pending approvals of `kind` are refused
    with it, in the caller's transaction (a kind's handler), so none waits in a queue for nothing.

    Not a decision by the actor on those approvals: their handler is not called and their requester,
    told of the first refusal, is not told again. Rule: the approval's. Events: approval.refused
    (state pending → refused, `closed_with` the refusal), approval.decided on the subject.
    """
    closed = pending_approvals_lock(subject, kind=kind)
    for approval in closed:
        approval.decided_by = actor.user
        approval.decided_at = timezone.now()
        approval.decision_note = (note or "").strip()[:200]
        transition(
            approval,
            to=ApprovalState.REFUSED,
            table=approval_transitions(approval.rule),
            actor=actor,
            reason=approval.decision_note,
            data={"kind": approval.kind, "closed_with": True},
            extra_update_fields=("decided_by", "decided_at", "decision_note"),
        )
        event_record(
            subject=subject,
            action=events.APPROVAL_DECIDED,
            actor=actor,
            rule=approval.rule,
            data={"approval": approval.pk, "kind": approval.kind, "state": approval.state, "closed_with": True},
        )
    return closed


def _subject_ref(subject: models.Model | Subject) -> tuple[str, str, str]:
    """(type, id, label) of a record, or of a Subject naming something that is not a row (a policy key)."""
    if isinstance(subject, Subject):
        return subject.type, subject.id, subject.label[:200]
    return subject._meta.label_lower, str(subject.pk), str(subject)[:200]


def _url(approval: Approval) -> str:
    return approval_link(approval) or reverse("approvals:approval_queue")


def _notify_deciders(approval: Approval) -> None:
    """The approval waits for its deciders: bell and e-mail (on commit)."""
    users = approval_deciders(approval)
    if not users:
        return
    with notification_language():
        notify_users(
            users=users,
            title=_("Approval waiting: %(record)s") % {"record": approval.subject_label},
            body=_("%(who)s asks for your decision. %(why)s")
            % {"who": approval.requested_by, "why": approval.explanation.get("text", "")}
            + _summary(approval),
            url=reverse("approvals:approval_queue"),
            rule=approval.rule,
        )


def _summary(approval: Approval) -> str:
    """What the record's caller put in the payload for the decider (a complaint: the customer, the
    complaint in short and the disposition decided), as the queue shows it; "" when none."""
    payload = approval.payload if isinstance(approval.payload, dict) else {}
    parts = []
    if payload.get("customer_name"):
        parts.append(_("Customer: %(name)s") % {"name": payload["customer_name"]})
    if payload.get("disposition_label"):
        parts.append(_("Disposition: %(label)s") % {"label": payload["disposition_label"]})
    if payload.get("summary"):
        parts.append(str(payload["summary"]))
    return ("\n" + " · ".join(parts)) if parts else ""


def _notify_requester(approval: Approval) -> None:
    """The requester learns the decision: bell and e-mail (on commit)."""
    with notification_language():
        values = {"record": approval.subject_label, "who": approval.decided_by, "note": approval.decision_note}
        if approval.state == ApprovalState.APPROVED:
            title = _("Approved: %(record)s") % values
            body = _("%(who)s approved it. %(note)s") % values
        else:
            title = _("Refused: %(record)s") % values
            body = _("%(who)s refused it. %(note)s") % values
        notify_users(
            users=[approval.requested_by], title=title, body=body.strip(), url=_url(approval), rule=approval.rule
        )
