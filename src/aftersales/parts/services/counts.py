"""P1: count adjustments (盘点调整). A count posts an `adjust` movement with a reason once the parts
keeper approves it through the one approvals engine; the parts keeper's own count posts at once (they
are the approver). A part fitted that the system shows out of stock is recorded this way, never as
negative stock (issue 14 §3)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.approvals.selectors import pending_approval_lock
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_decide, approval_request
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import transition
from aftersales.parts import events
from aftersales.parts.choices import AdjustmentState
from aftersales.parts.models import Part, StockAdjustment, Store
from aftersales.parts.services.stock import stock_adjust
from aftersales.parts.transitions import ADJUSTMENT_TRANSITIONS

ADJUSTMENT_APPROVER_PERM = "parts.approve_stockadjustment"  # the parts keeper


@transaction.atomic
def adjustment_ask(
    *, actor: Actor, store: Store, part: Part, change: int, reason: str, reference: str = "", serial: str = ""
) -> StockAdjustment:
    """Ask for a count adjustment of `change` (± units) with a reason; numbered PD<yyyymm><seq:04d>.
    Posted at once when the actor is the parts keeper, else waits for their approval.
    Rule: P1. Raises: PermissionDenied, ValidationFailed, InsufficientStock (a minus below available).
    Events: stockadjustment.asked, approval.requested or stockadjustment.posted + stock.adjust."""
    actor.require_perm("parts.add_stockadjustment")
    if isinstance(change, bool) or not isinstance(change, int) or change == 0:
        raise ValidationFailed(_("The change must be a whole number other than 0."), fields={"change": [_("Not 0.")]})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give the reason."), fields={"reason": [_("Required.")]})
    now = timezone.now()
    adjustment = StockAdjustment.objects.create(
        number=f"PD{now:%Y%m}{number_next(key='stock_adjustment', period=f'{now:%Y%m}'):04d}",
        store=store,
        part=part,
        change=change,
        reason=reason[:200],
        reference=(reference or "").strip()[:40],
        serial=(serial or "").strip()[:64],
        asked_by=actor.user,
    )
    event_record(
        subject=adjustment,
        action=events.ADJUSTMENT_ASKED,
        actor=actor,
        rule="P1",
        data={"store": store.code, "part": part.code, "change": change, "reason": adjustment.reason},
    )
    if actor.has_perm(ADJUSTMENT_APPROVER_PERM):
        _post(adjustment, actor)
        return adjustment
    approval_request(
        actor=actor,
        subject=adjustment,
        kind=ApprovalKind.STOCK_ADJUSTMENT,
        rule="P1",
        note=_("%(store)s %(part)s %(change)+d: %(reason)s")
        % {"store": store.name, "part": part.code, "change": change, "reason": adjustment.reason},
        required_perm=ADJUSTMENT_APPROVER_PERM,
        approver_label=_("parts keeper"),
    )
    return adjustment


def _post(adjustment: StockAdjustment, actor: Any) -> None:
    adjustment.move = stock_adjust(
        actor=actor,
        store=adjustment.store,
        part=adjustment.part,
        change=adjustment.change,
        reason=adjustment.reason,
        reference=adjustment.reference or adjustment.number,
        serial=adjustment.serial,
    )
    adjustment.decided_by = getattr(actor, "user", actor)
    adjustment.decided_at = timezone.now()
    transition(
        adjustment,
        to=AdjustmentState.POSTED,
        table=ADJUSTMENT_TRANSITIONS,
        actor=actor,
        action=events.ADJUSTMENT_POSTED,
        extra_update_fields=("move", "decided_by", "decided_at"),
        data={"move": adjustment.move.number, "change": adjustment.change},
    )


@transaction.atomic
def adjustment_decide(*, actor: Actor, number: str, approve: bool, note: str = "") -> StockAdjustment:
    """The parts keeper approves (posts) or refuses an adjustment someone else asked for.
    Rule: P1. Raises: NotFound, PermissionDenied (own_approval), Conflict, InsufficientStock."""
    actor.require_perm(ADJUSTMENT_APPROVER_PERM)
    seen = StockAdjustment.objects.filter(number=number).first()
    if seen is None:
        raise NotFound()
    approval = pending_approval_lock(seen)
    if approval is None:
        raise NotFound()
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    seen.refresh_from_db()
    return seen


def adjustment_approval_decided(approval: Approval) -> None:
    """Approval handler: approved → the adjustment posts (409 insufficient_stock rolls the decision
    back); refused → refused. Events: stockadjustment.posted / stockadjustment.refused."""
    adjustment = (
        StockAdjustment.objects.select_for_update()
        .select_related("store", "part")
        .filter(pk=approval.subject_id)
        .first()
    )
    if adjustment is None:
        return
    if approval.state == ApprovalState.APPROVED:
        _post(adjustment, approval.decided_by)
        return
    adjustment.decided_by = approval.decided_by
    adjustment.decided_at = timezone.now()
    transition(
        adjustment,
        to=AdjustmentState.REFUSED,
        table=ADJUSTMENT_TRANSITIONS,
        actor=approval.decided_by,
        action=events.ADJUSTMENT_REFUSED,
        reason=approval.decision_note,
        extra_update_fields=("decided_by", "decided_at"),
    )
