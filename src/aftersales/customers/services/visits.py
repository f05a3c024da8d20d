"""Visit plans, gift approvals and visit reports (C7, 003 §3.5–3.7).

An owner (the service representative, or any member of staff who visits) plans visits for a year or a
month, asks for a gift before the visit (approved by amount through the one approvals engine,
C7.gift_limits), and files the visit report (走访用户汇报), linked to the planned visit it carries out.
A report naming a gift that is not approved is refused and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_request
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.workflow import transition
from aftersales.customers import events
from aftersales.customers.choices import GiftState, VisitPurpose
from aftersales.customers.errors import VisitErrorCode
from aftersales.customers.models import Customer, GiftRequest, VisitPlan, VisitPlanItem, VisitReport
from aftersales.customers.selectors import access_customer
from aftersales.customers.selectors.visits import (
    ALL_VISITS_PERM,
    REPORT_PERM,
    access_gift,
    access_visit_plan,
)
from aftersales.customers.transitions import GIFT_TRANSITIONS

GIFT_LIMITS_KEY = "C7.gift_limits"
PLAN_PERM = "customers.add_visitplan"
GIFT_PERM = "customers.add_giftrequest"


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _purpose(value: str) -> str:
    if value not in VisitPurpose.values:
        raise _invalid("purpose", _("Choose a purpose from the list."))
    return value


@transaction.atomic
def visit_plan_create(
    *, actor: Actor, year: int, month: int | None = None, owner_id: int | None = None, note: str = ""
) -> VisitPlan:
    """A yearly plan (no month) or a monthly plan of visits for an owner (the actor unless a manager names
    another). Rule: C7. Raises: PermissionDenied, ValidationFailed, Conflict (visit_plan_exists)."""
    actor.require_perm(PLAN_PERM)
    owner_id = owner_id or actor.pk
    if owner_id is None:
        raise PermissionDenied()
    if owner_id != actor.pk and not actor.has_perm(ALL_VISITS_PERM):
        raise PermissionDenied(_("Only a manager plans visits for someone else."))
    if not 2000 <= year <= 2100:
        raise _invalid("year", _("Give a year between 2000 and 2100."))
    if month is not None and not 1 <= month <= 12:
        raise _invalid("month", _("Give a month between 1 and 12."))
    exists = VisitPlan.objects.filter(owner_id=owner_id, year=year, month=month)
    if month is None:
        exists = VisitPlan.objects.filter(owner_id=owner_id, year=year, month__isnull=True)
    if exists.exists():
        raise Conflict(_("This owner already has a plan for that period."), code=VisitErrorCode.PLAN_EXISTS)
    plan = VisitPlan(owner_id=owner_id, year=year, month=month, note=(note or "").strip())
    full_clean(plan)
    plan.save()
    event_record(
        subject=plan,
        action=events.VISIT_PLAN_CREATED,
        actor=actor,
        rule="C7",
        data={"owner": owner_id, "year": year, "month": month},
    )
    return plan


def _may_edit_plan(actor: Actor, plan: VisitPlan) -> None:
    if plan.owner_id != actor.pk and not actor.has_perm(ALL_VISITS_PERM):
        raise PermissionDenied(_("Only the plan's owner or a manager changes it."))
    actor.require_perm(PLAN_PERM)


@transaction.atomic
def visit_plan_item_add(
    *,
    actor: Actor,
    plan_id: int,
    customer_id: int,
    month: int | None = None,
    planned_on: dt.date | None = None,
    purpose: str = VisitPurpose.ROUTINE,
    note: str = "",
) -> VisitPlanItem:
    """Plan one visit. A monthly plan's visit falls in its month; a yearly plan's needs the month or the date.
    Rule: C7. Raises: NotFound, PermissionDenied, ValidationFailed."""
    plan = access_visit_plan(actor, plan_id, for_update=True)
    _may_edit_plan(actor, plan)
    customer = access_customer(actor, customer_id)
    if planned_on is not None:
        if planned_on.year != plan.year or (plan.month and planned_on.month != plan.month):
            raise _invalid("planned_on", _("The date must fall within the plan's period."))
        month = planned_on.month
    month = plan.month or month
    if month is None:
        raise _invalid("month", _("Give the month of the visit."))
    if not 1 <= month <= 12 or (plan.month and month != plan.month):
        raise _invalid("month", _("The month must fall within the plan's period."))
    item = VisitPlanItem(
        plan=plan,
        customer=customer,
        month_start=dt.date(plan.year, month, 1),
        planned_on=planned_on,
        purpose=_purpose(purpose),
        note=(note or "").strip(),
    )
    full_clean(item)
    item.save()
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    event_record(
        subject=plan,
        action=events.VISIT_PLAN_ITEM_ADDED,
        actor=actor,
        rule="C7",
        data={"item": item.pk, "customer": customer.pk, "month": f"{plan.year}-{month:02d}", "purpose": purpose},
    )
    return item


@transaction.atomic
def visit_plan_item_remove(*, actor: Actor, plan_id: int, item_id: int) -> None:
    """Take a planned visit out of the plan (not once it is reported). Rule: C7."""
    plan = access_visit_plan(actor, plan_id, for_update=True)
    _may_edit_plan(actor, plan)
    item = plan.items.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    if item.done:
        raise Conflict(_("This visit has been reported; it stays in the plan."), code=VisitErrorCode.ALREADY_REPORTED)
    data = {"item": item.pk, "customer": item.customer_id, "month": f"{item.month_start:%Y-%m}"}
    item.delete()
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    event_record(subject=plan, action=events.VISIT_PLAN_ITEM_REMOVED, actor=actor, rule="C7", data=data)


@transaction.atomic
def gift_request_create(
    *,
    actor: Actor,
    customer_id: int,
    description: str,
    value: Decimal | str,
    reason: str = "",
    plan_item_id: int | None = None,
) -> GiftRequest:
    """Ask, before the visit, to give a customer a gift (003 §3.7); the approver follows from the value
    (C7.gift_limits) and is notified. Rule: C7. Raises: PermissionDenied, ValidationFailed, NotFound."""
    actor.require_perm(GIFT_PERM)
    customer = access_customer(actor, customer_id)
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise _invalid("value", _("Give the value in yuan.")) from None
    if amount <= 0:
        raise _invalid("value", _("Give the value in yuan."))
    if not (description or "").strip():
        raise _invalid("description", _("Say what the gift is."))
    plan_item = None
    if plan_item_id:
        plan_item = VisitPlanItem.objects.filter(pk=plan_item_id, plan__owner_id=actor.pk, customer=customer).first()
        if plan_item is None:
            raise _invalid("plan_item", _("Choose one of your planned visits to this customer."))
    gift = GiftRequest(
        customer=customer,
        requested_by=actor.user,
        description=description.strip(),
        value=amount,
        reason=(reason or "").strip(),
        plan_item=plan_item,
    )
    full_clean(gift)
    gift.save()
    event_record(
        subject=gift,
        action=events.GIFT_REQUESTED,
        actor=actor,
        rule="C7",
        data={"customer": customer.pk, "value": str(amount), "description": gift.description},
    )
    approval_request(
        actor=actor,
        subject=gift,
        kind=ApprovalKind.GIFT,
        amount=amount,
        policy_key=GIFT_LIMITS_KEY,
        note=_("%(gift)s for %(customer)s") % {"gift": gift.description, "customer": customer.name},
    )
    return gift


def gift_approval_decided(approval: Approval) -> None:
    """The approvals engine's handler (inside its transaction): the gift follows the decision."""
    gift = GiftRequest.objects.select_for_update().filter(pk=int(approval.subject_id)).first()
    if gift is None or gift.state != GiftState.PENDING:
        return
    decider = Actor(approval.decided_by) if approval.decided_by is not None else None
    to = GiftState.APPROVED if approval.state == ApprovalState.APPROVED else GiftState.REFUSED
    gift.version += 1
    transition(
        gift,
        to=to,
        table=GIFT_TRANSITIONS,
        actor=decider,
        reason=approval.decision_note,
        policy_version=approval.policy_version or None,
        data={"approval": approval.pk},
        extra_update_fields=("version",),
    )


@transaction.atomic
def visit_report_file(
    *,
    actor: Actor,
    customer_id: int,
    visited_on: dt.date,
    findings: str,
    purpose: str = VisitPurpose.ROUTINE,
    customer_opinion: str = "",
    suggestions: str = "",
    companions: str = "",
    people_met: str = "",
    plan_item_id: int | None = None,
    gift_id: int | None = None,
) -> VisitReport:
    """File a visit report (走访用户汇报). A planned visit it carries out is marked done; a gift it names must
    have been approved before (409 gift_not_approved otherwise, nothing changed) and is marked given.
    Rule: C7. Raises: PermissionDenied, NotFound, ValidationFailed, Conflict."""
    actor.require_perm(REPORT_PERM)
    customer = access_customer(actor, customer_id)
    if visited_on > timezone.localdate():
        raise _invalid("visited_on", _("A visit is reported after it took place."))
    if not (findings or "").strip():
        raise _invalid("findings", _("Write down what the visit found."))
    plan_item = None
    if plan_item_id:
        plan_item = (
            VisitPlanItem.objects.select_for_update()
            .filter(pk=plan_item_id, plan__owner_id=actor.pk, customer=customer)
            .first()
        )
        if plan_item is None:
            raise _invalid("plan_item", _("Choose one of your planned visits to this customer."))
        if plan_item.done:
            raise Conflict(_("This planned visit has already been reported."), code=VisitErrorCode.ALREADY_REPORTED)
    gift = None
    if gift_id:
        try:
            gift = access_gift(actor, gift_id, for_update=True)
        except NotFound:
            gift = None
        if gift is None or gift.requested_by_id != actor.pk or gift.customer_id != customer.pk:
            raise _invalid("gift", _("Choose one of your gifts for this customer."))
        if gift.state != GiftState.APPROVED:
            raise Conflict(
                _("A gift is given only after it has been approved (state now: %(state)s).")
                % {"state": gift.get_state_display()},
                code=VisitErrorCode.GIFT_NOT_APPROVED,
                fields={"gift": [str(gift.get_state_display())]},
            )
    report = VisitReport(
        customer=customer,
        visitor=actor.user,
        visited_on=visited_on,
        purpose=_purpose(purpose),
        findings=findings.strip(),
        customer_opinion=(customer_opinion or "").strip(),
        suggestions=(suggestions or "").strip(),
        companions=(companions or "").strip(),
        people_met=(people_met or "").strip(),
        plan_item=plan_item,
        gift=gift,
    )
    full_clean(report)
    report.save()
    if plan_item is not None:
        plan_item.done = True
        plan_item.save(update_fields=["done", "updated_at"])
    if gift is not None:
        gift.version += 1
        transition(
            gift,
            to=GiftState.GIVEN,
            table=GIFT_TRANSITIONS,
            actor=actor,
            data={"report": report.pk},
            extra_update_fields=("version",),
        )
    # C2: the overview's last visit (a derived date, not a change of the file: the version stays).
    Customer.objects.filter(pk=customer.pk).filter(
        Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=visited_on)
    ).update(last_visit_on=visited_on)
    data: dict[str, Any] = {
        "customer": customer.pk,
        "visited_on": visited_on.isoformat(),
        "purpose": report.purpose,
        "plan_item": plan_item.pk if plan_item else None,
        "gift": gift.pk if gift else None,
    }
    event_record(subject=report, action=events.VISIT_REPORTED, actor=actor, rule="C7", data=data)
    event_record(
        subject=customer, action=events.VISIT_REPORTED, actor=actor, rule="C7", data={"report": report.pk, **data}
    )
    return report
