"""P5: the demand plan (备品配件需要计划) becomes a purchase request for logistics once the head of after-sales
approves it (approvals engine, kind purchase_request); reorder alerts tell the parts keepers when a part's
available quantity in a store falls under its reorder point (one open alert per part and store)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
    approval_request,
)
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, PermissionDenied
from aftersales.core.events import event_record
from aftersales.core.numbering import number_next
from aftersales.core.workflow import expect_transition, expect_version
from aftersales.parts.flow import events, stock
from aftersales.parts.flow.choices import PurchaseRequestState
from aftersales.parts.flow.errors import FlowErrorCode
from aftersales.parts.flow.planning_selectors import demand_plan, plan_terms
from aftersales.parts.flow.selectors import access_purchase_request
from aftersales.parts.flow.services.common import field_error, move, notify, role_users, version_message
from aftersales.parts.flow.transitions import PURCHASE_REQUEST_ACTIONS
from aftersales.parts.models import PurchaseRequest, PurchaseRequestLine, ReorderAlert, StockPlan
from aftersales.parts.planning import PlanInputs, below_reorder_point

CENT = Decimal("0.01")
APPROVER_ROLE = Role.CS_MANAGER  # 5.1.12: the head of the service centre draws up the plan's approval


def _url(found: PurchaseRequest) -> str:
    return reverse("parts_flow:purchase_request_detail", args=[found.number])


@transaction.atomic
def stock_plan_set(*, actor: Actor, store: str, part: str, safety_stock: int, reorder_point: int) -> StockPlan:
    """Set a part's safety stock and reorder point in a store. Rule: P5. Events: stockplan.set."""
    actor.require_perm("parts.change_stockplan")
    target = stock.store_by_code(store, field="store")
    found_part = stock.part_by_code(part, field="part")
    if safety_stock < 0:
        raise field_error(
            "safety_stock", pgettext("parts requisitions and returns", "The quantity cannot be negative.")
        )
    if reorder_point < 0:
        raise field_error(
            "reorder_point", pgettext("parts requisitions and returns", "The quantity cannot be negative.")
        )
    plan, _created = StockPlan.objects.select_for_update().get_or_create(store=target, part=found_part)
    before = [plan.safety_stock, plan.reorder_point]
    plan.safety_stock, plan.reorder_point = safety_stock, reorder_point
    plan.save()
    event_record(
        subject=plan,
        action="stockplan.set",
        actor=actor,
        rule="P5",
        data={"store": target.code, "part": found_part.code, "from": before, "to": [safety_stock, reorder_point]},
    )
    reorder_check(target, [found_part.pk])
    return plan


@transaction.atomic
def purchase_request_create(
    *, actor: Actor, store: str, months: int | None = None, quantities: Mapping[str, int] | None = None, note: str = ""
) -> PurchaseRequest:
    """Turn the store's demand plan into a purchase request waiting for the head of after-sales: every part with
    a suggested quantity, bought as suggested unless `quantities` (part code → quantity, 0 drops it) says
    otherwise. Rule: P5. Raises: PermissionDenied, ValidationFailed (unknown store, negative quantity, nothing
    to buy). Events: purchaserequest.requested, approval.requested.
    """
    actor.require_perm("parts.plan_purchaserequest")
    target = stock.store_by_code(store, field="store")
    if months is not None and not 1 <= months <= 60:
        raise field_error("months", _("Between 1 and 60 months."))
    terms, versions = plan_terms(months)
    items = demand_plan(target, months=terms.history_months)
    wanted = {code.strip().upper(): int(q) for code, q in (quantities or {}).items()}
    for code, quantity in wanted.items():
        if quantity < 0:
            raise field_error(
                f"quantities.{code}", pgettext("parts requisitions and returns", "The quantity cannot be negative.")
            )
    known = {item.part_code.upper() for item in items}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise field_error("quantities", _("Not in this store's plan: %(parts)s") % {"parts": ", ".join(unknown)})
    lines = []
    for item in items:
        quantity = wanted.get(item.part_code.upper(), item.suggested)
        if quantity <= 0:
            continue
        lines.append((item, quantity))
    if not lines:
        raise field_error("store", _("The demand plan suggests nothing to buy for this store."))
    value = sum((Decimal(item.unit_cost or 0) * q for item, q in lines), Decimal(0)).quantize(CENT)
    month = timezone.localtime().strftime("%Y%m")
    found = PurchaseRequest.objects.create(
        number=f"CG{month}{number_next(key='parts_purchase', period=month):04d}",
        store=target,
        history_months=terms.history_months,
        lead_time_months=terms.lead_time_months,
        cover_months=terms.cover_months,
        value=value,
        note=(note or "").strip()[:500],
        requested_by=actor.user,
    )
    PurchaseRequestLine.objects.bulk_create(
        [
            PurchaseRequestLine(
                purchase_request=found,
                part_id=item.part_id,
                consumed=item.consumed,
                waiting=item.waiting,
                on_hand=item.on_hand,
                available=item.available,
                in_transit=item.in_transit,
                safety_stock=item.safety_stock,
                reorder_point=item.reorder_point,
                suggested=item.suggested,
                quantity=quantity,
                unit_cost=Decimal(item.unit_cost or 0),
            )
            for item, quantity in lines
        ]
    )
    event_record(
        subject=found,
        action=events.PURCHASE_REQUESTED,
        actor=actor,
        rule="P5",
        data={
            "store": target.code,
            "lines": len(lines),
            "value": str(value),
            "terms": terms.__dict__,
            "policy_versions": versions,
        },
    )
    _ask_approval(actor, found)
    return found


def _ask_approval(actor: Actor, found: PurchaseRequest) -> Approval:
    return approval_request(
        actor=actor,
        subject=found,
        kind=ApprovalKind.DEMAND_PLAN,
        rule="P5",
        amount=found.value,
        required_role=APPROVER_ROLE,
        note=found.note,
    )


def purchase_request_approval_decided(approval: Approval) -> None:
    """Approval handler: approved → handed to logistics (the warehouse is notified); refused → refused.
    Rule: P5. Events: purchaserequest.approved / purchaserequest.refused."""
    found = PurchaseRequest.objects.select_for_update(of=("self",)).filter(pk=approval.subject_id).first()
    if found is None or found.state != PurchaseRequestState.PENDING:
        return
    actor = actor_for(approval.decided_by)
    found.decided_by = approval.decided_by
    found.decided_at = approval.decided_at
    found.decision_note = approval.decision_note[:200]
    fields = ("decided_by", "decided_at", "decision_note")
    if approval.state == ApprovalState.REFUSED:
        move(
            found,
            PURCHASE_REQUEST_ACTIONS,
            action="refuse",
            to=PurchaseRequestState.REFUSED,
            actor=actor,
            reason=found.decision_note,
            fields=fields,
        )
        return
    move(
        found,
        PURCHASE_REQUEST_ACTIONS,
        action="approve",
        to=PurchaseRequestState.APPROVED,
        actor=actor,
        reason=found.decision_note,
        fields=fields,
    )
    notify(
        role_users(Role.WAREHOUSE),
        title=_("Purchase request %(number)s: parts to buy") % {"number": found.number},
        body=_("The head of after-sales approved the demand plan of %(store)s.") % {"store": found.store},
        url=_url(found),
        rule="P5",
    )


def _decide(actor: Actor, number: str, expected_version: int | None, *, approve: bool, note: str) -> PurchaseRequest:
    seen = access_purchase_request(actor, number)
    approval = pending_approval_lock(seen)
    found = access_purchase_request(actor, number, for_update=True)
    expect_version(found, expected_version, version_message(), code=FlowErrorCode.VERSION_CONFLICT)
    expect_transition(
        found,
        table=PURCHASE_REQUEST_ACTIONS["approve" if approve else "refuse"],
        to=PurchaseRequestState.APPROVED if approve else PurchaseRequestState.REFUSED,
    )
    if approval is not None and not actor_may_decide_approval(actor, approval):
        raise PermissionDenied(
            _("You may not decide this approval. %(why)s") % {"why": approval.explanation.get("text", "")},
            code="not_decider",
        )
    if approval is None:
        approval = _ask_approval(actor_for(found.requested_by), found)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    found.refresh_from_db()
    return found


@transaction.atomic
def purchase_request_approve(
    *, actor: Actor, number: str, note: str = "", expected_version: int | None = None
) -> PurchaseRequest:
    """The head of after-sales approves (approvals engine). Rule: P5. Raises: NotFound, PermissionDenied,
    Conflict. Events: approval.decided, purchaserequest.approved."""
    return _decide(actor, number, expected_version, approve=True, note=note)


@transaction.atomic
def purchase_request_refuse(
    *, actor: Actor, number: str, note: str, expected_version: int | None = None
) -> PurchaseRequest:
    if not (note or "").strip():
        raise field_error("note", pgettext("parts requisitions and returns", "Give the reason for the refusal."))
    return _decide(actor, number, expected_version, approve=False, note=note.strip())


def reorder_check(store: Any, part_ids: Iterable[int], *, falling: bool = False) -> int:
    """P5: open an alert (and notify the parts keepers once) for each part whose available quantity in `store`
    is under its reorder point; close the open alerts of parts back at or above it. Returns alerts opened.
    Runs in the caller's transaction (a stock move) or alone (the sweep). `falling`: the stock only went down
    (a consumption), so no alert can close: without a reorder point there is nothing more to read."""
    ids = sorted(set(part_ids))
    if not ids:
        return 0
    plans = {
        row["part_id"]: row["reorder_point"]
        for row in StockPlan.objects.filter(store_id=store.pk, part_id__in=ids, reorder_point__gt=0).values(
            "part_id", "reorder_point"
        )
    }
    if falling and not plans:
        return 0
    open_alerts = {a.part_id: a for a in ReorderAlert.objects.filter(store_id=store.pk, part_id__in=ids, open=True)}
    if not plans and not open_alerts:
        return 0
    levels = stock.levels_by_part(store.pk, part_ids=ids)
    opened: list[ReorderAlert] = []
    now = timezone.now()
    for part_id in ids:
        on_hand, reserved, in_transit = levels.get(part_id, (0, 0, 0))
        inputs = PlanInputs(
            consumed=0,
            waiting=0,
            on_hand=on_hand,
            reserved=reserved,
            in_transit=in_transit,
            reorder_point=plans.get(part_id, 0),
        )
        low = below_reorder_point(inputs)
        alert = open_alerts.get(part_id)
        if low and alert is None:
            opened.append(
                ReorderAlert(
                    store_id=store.pk, part_id=part_id, available=inputs.available, reorder_point=inputs.reorder_point
                )
            )
        elif not low and alert is not None:
            alert.open = False
            alert.closed_at = now
            alert.save(update_fields=["open", "closed_at", "updated_at"])
    if opened:
        ReorderAlert.objects.bulk_create(opened)
        brief = stock.parts_brief({a.part_id for a in opened})
        for alert in opened:
            event_record(
                subject=alert,
                action=events.REORDER_ALERT,
                actor=None,
                rule="P5",
                data={
                    "store": store.code,
                    "part": brief.get(alert.part_id, ("",))[0],
                    "available": alert.available,
                    "reorder_point": alert.reorder_point,
                },
            )
        names = ", ".join(f"{brief.get(a.part_id, ('?',))[0]} ({a.available} < {a.reorder_point})" for a in opened[:10])
        notify(
            [*role_users(Role.PARTS_KEEPER), *stock.store_keepers(store)],
            title=_("Reorder: %(count)s part(s) under the reorder point in %(store)s")
            % {"count": len(opened), "store": store},
            body=names,
            url=reverse("parts_flow:demand_plan") + f"?store={store.pk}",
            rule="P5",
        )
    return len(opened)


def reorder_sweep() -> int:
    """The periodic check of every stock plan with a reorder point (stock moves outside the flows too)."""
    total = 0
    store_ids = StockPlan.objects.filter(reorder_point__gt=0).values_list("store_id", flat=True).distinct()
    for store in stock.stores_by_ids(list(store_ids)):
        part_ids = StockPlan.objects.filter(store_id=store.pk, reorder_point__gt=0).values_list("part_id", flat=True)
        with transaction.atomic():
            total += reorder_check(store, list(part_ids))
    return total


__all__ = ["Conflict"]
