"""Reads of visit plans, gift requests and visit reports (C7), scoped to the actor.

An owner sees their own plans, gifts and reports; holders of `customers.view_all_visits` (the managers) see
everyone's. Anything else is the same 404 as a missing record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.customers.choices import GiftState
from aftersales.customers.models import GiftRequest, VisitPlan, VisitPlanItem, VisitReport

ALL_VISITS_PERM = "customers.view_all_visits"
REPORT_PERM = "customers.add_visitreport"


def _sees_all(actor: Actor) -> bool:
    return actor.has_perm(ALL_VISITS_PERM)


def visit_plan_scope(actor: Actor) -> QuerySet[VisitPlan]:
    if not (actor.has_perm("customers.view_visitplan") or _sees_all(actor)):
        return VisitPlan.objects.none()
    qs = VisitPlan.objects.select_related("owner")
    return qs if _sees_all(actor) else qs.filter(owner_id=actor.pk)


def visit_plan_list(actor: Actor, *, owner_id: int | None = None, year: int | None = None) -> QuerySet[VisitPlan]:
    qs = visit_plan_scope(actor)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "-month", "owner__username", "id")


def access_visit_plan(actor: Actor, plan_id: int, *, for_update: bool = False) -> VisitPlan:
    qs = visit_plan_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    plan = qs.filter(pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def visit_plan_items(plan: VisitPlan) -> list[VisitPlanItem]:
    return list(plan.items.select_related("customer", "report").order_by("month_start", "planned_on", "id"))


@dataclass(frozen=True)
class PlanProgress:
    """Plan against done for one plan (C7): planned visits, those reported, and visits made outside the plan."""

    planned: int
    done: int
    unplanned: int

    @property
    def rate(self) -> float | None:
        return round(self.done / self.planned, 4) if self.planned else None


def _period(plan: VisitPlan) -> tuple[dt.date, dt.date]:
    if plan.month:
        start = dt.date(plan.year, plan.month, 1)
        end = dt.date(plan.year + (plan.month == 12), plan.month % 12 + 1, 1)
    else:
        start, end = dt.date(plan.year, 1, 1), dt.date(plan.year + 1, 1, 1)
    return start, end


def visit_plan_progress(plan: VisitPlan) -> PlanProgress:
    """Planned and done in the plan's period; unplanned = the owner's reports in the period without a plan item."""
    counts = plan.items.aggregate(planned=Count("id"), done=Count("id", filter=Q(done=True)))
    start, end = _period(plan)
    unplanned = VisitReport.objects.filter(
        visitor_id=plan.owner_id, visited_on__gte=start, visited_on__lt=end, plan_item__isnull=True
    ).count()
    return PlanProgress(planned=counts["planned"] or 0, done=counts["done"] or 0, unplanned=unplanned)


def visits_due(actor: Actor, *, today: dt.date) -> QuerySet[VisitPlanItem]:
    """The actor's planned visits of this month and earlier months not yet reported (the home queue)."""
    month_start = today.replace(day=1)
    return (
        VisitPlanItem.objects.filter(plan__owner_id=actor.pk, done=False, month_start__lte=month_start)
        .select_related("customer", "plan")
        .order_by("month_start", "planned_on", "id")
    )


def has_visit_plans(actor: Actor) -> bool:
    """Whether the actor plans visits at all (the home queue is shown to those who do)."""
    return VisitPlan.objects.filter(owner_id=actor.pk).exists()


def open_plan_items(actor: Actor, *, customer_id: int | None = None) -> QuerySet[VisitPlanItem]:
    """Planned visits the actor may report (their own, not done)."""
    qs = VisitPlanItem.objects.filter(plan__owner_id=actor.pk, done=False).select_related("customer")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("month_start", "planned_on", "id")


def gift_scope(actor: Actor) -> QuerySet[GiftRequest]:
    if not (actor.has_perm("customers.view_giftrequest") or _sees_all(actor)):
        return GiftRequest.objects.none()
    qs = GiftRequest.objects.select_related("customer", "requested_by")
    return qs if _sees_all(actor) else qs.filter(requested_by_id=actor.pk)


def gift_list(actor: Actor, *, state: str = "") -> QuerySet[GiftRequest]:
    qs = gift_scope(actor)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-created_at", "-id")


def access_gift(actor: Actor, gift_id: int, *, for_update: bool = False) -> GiftRequest:
    qs = gift_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    gift = qs.filter(pk=gift_id).first()
    if gift is None:
        raise NotFound()
    return gift


def approved_gifts(actor: Actor, *, customer_id: int | None = None) -> QuerySet[GiftRequest]:
    """The actor's approved gifts not yet given (offered on the report form)."""
    qs = GiftRequest.objects.filter(requested_by_id=actor.pk, state=GiftState.APPROVED).select_related("customer")
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    return qs.order_by("-created_at", "-id")


def visit_report_scope(actor: Actor) -> QuerySet[VisitReport]:
    if not (actor.has_perm("customers.view_visitreport") or _sees_all(actor)):
        return VisitReport.objects.none()
    qs = VisitReport.objects.select_related("customer", "visitor", "gift")
    return qs if _sees_all(actor) else qs.filter(visitor_id=actor.pk)


def visit_report_list(
    actor: Actor,
    *,
    visitor_id: int | None = None,
    customer_id: int | None = None,
    purpose: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[VisitReport]:
    qs = visit_report_scope(actor)
    if visitor_id:
        qs = qs.filter(visitor_id=visitor_id)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if purpose:
        qs = qs.filter(purpose=purpose)
    if date_from:
        qs = qs.filter(visited_on__gte=date_from)
    if date_to:
        qs = qs.filter(visited_on__lte=date_to)
    return qs.order_by("-visited_on", "-id")


def access_visit_report(actor: Actor, report_id: int) -> VisitReport:
    report = visit_report_scope(actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound()
    return report


def last_visits(customer_ids: list[int]) -> dict[int, Any]:
    """C2: the latest visit date per customer, one grouped query."""
    from django.db.models import Max

    return dict(
        VisitReport.objects.filter(customer_id__in=customer_ids)
        .values_list("customer_id")
        .annotate(last=Max("visited_on"))
        .values_list("customer_id", "last")
    )
