"""Reads of complaints and approvals, scoped to the actor (K1–K11).

Staff with complaints.view_complaint see every complaint; a portal user sees their own
organisation's complaints; everyone else none. Approvals are read through the approvals app.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.clocks.choices import ClockState
from aftersales.clocks.models import Clock
from aftersales.complaints.choices import ComplaintState
from aftersales.complaints.locks import qs_for_update
from aftersales.complaints.models import Complaint, CorrectiveAction, FollowUpTask, ResponsibilityReview
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.service.models import ServiceRequest

CUSTOMER_ROLE = "customer"


def complaint_scope(actor: Actor) -> QuerySet[Complaint]:
    """Every complaint the actor may see. Each condition on its own line."""
    if actor.has_role(CUSTOMER_ROLE):
        return Complaint.objects.filter(customer_id=getattr(actor.user, "customer_id", None) or 0)
    if not actor.has_perm("complaints.view_complaint"):
        return Complaint.objects.none()
    return Complaint.objects.all()


def access_complaint(actor: Actor, number: str, *, for_update: bool = False) -> Complaint:
    """The complaint by number if the actor may see it; NotFound for missing and out of scope alike.

    Rule: X4. Raises: NotFound.
    """
    qs = complaint_scope(actor)
    if for_update:
        qs = qs_for_update(qs)
    found = (
        qs.select_related("customer", "registered_by", "owner", "supervisor", "service_request", "parent")
        .filter(number=str(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def complaint_handlers() -> QuerySet[Any]:
    """Active users who handle complaints (complaints.handle_complaint through a role): the owners a
    complaint may be given to (K2), by display name."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__permissions__codename="handle_complaint",
            groups__permissions__content_type__app_label="complaints",
        )
        .distinct()
        .order_by("display_name", "username")
    )


def complaint_reopened_as(complaint: Complaint) -> Complaint | None:
    """K10: the newest complaint opened when the customer rejected this one's conclusion, or None."""
    if complaint.state != ComplaintState.REJECTED:
        return None
    return complaint.followers.order_by("-received_at", "-id").first()


def complaint_list(
    actor: Actor, *, state: str = "", major: bool | None = None, overdue: bool = False, q: str = ""
) -> QuerySet[Complaint]:
    """Complaints for lists and the API, newest first; `overdue`: a running K5/K6 clock past due;
    `q`: text in the number (prefix), the customer's name or code, the description, the order or
    batch number.

    Rule: K1, K5, X4."""
    qs = complaint_scope(actor).select_related("customer", "owner")
    if state:
        qs = qs.filter(state=state)
    if major is not None:
        qs = qs.filter(major=major)
    if overdue:
        qs = qs.filter(Exists(_overdue_clocks(timezone.now())))
    text = q.strip()
    if text:
        qs = qs.filter(
            Q(number__startswith=text.upper())
            | Q(customer__name__contains=text)
            | Q(customer__code__iexact=text)
            | Q(description__icontains=text)
            | Q(order_number__iexact=text)
            | Q(batch_number__iexact=text)
        )
    return qs.order_by("-received_at", "-id")


def _overdue_clocks(now: Any) -> QuerySet[Clock]:
    """The complaint's running clocks past due (correlated subquery)."""
    return Clock.objects.filter(
        subject_type="complaints.complaint",
        subject_id=Cast(OuterRef("pk"), output_field=CharField()),
        state=ClockState.RUNNING,
        due_at__lte=now,
    )


# --- follow-up (K8, K13–K15) -------------------------------------------------------------------


def task_scope(actor: Actor) -> QuerySet[FollowUpTask]:
    """Follow-up tasks the actor may read: holders of complaints.view_followuptask (never a portal user)."""
    if actor.has_role(CUSTOMER_ROLE) or not actor.has_perm("complaints.view_followuptask"):
        return FollowUpTask.objects.none()
    return FollowUpTask.objects.all()


def task_list(actor: Actor, *, mine: bool = False, open_only: bool = False) -> QuerySet[FollowUpTask]:
    """Tasks, earliest due first; `mine`: assigned to the actor, or unassigned for one of their roles."""
    qs = task_scope(actor).select_related("complaint", "assignee", "done_by")
    if mine:
        roles = [r for r in actor.roles if r]
        qs = qs.filter(models.Q(assignee_id=actor.pk) | models.Q(assignee__isnull=True, assignee_role__in=roles))
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return qs.order_by(models.F("due_at").asc(nulls_last=True), "id")


def access_task(actor: Actor, task_id: int, *, for_update: bool = False) -> FollowUpTask:
    """One follow-up task the actor may read. Raises: NotFound."""
    qs = task_scope(actor)
    if for_update:
        qs = qs_for_update(qs)
    found = qs.select_related("complaint", "assignee").filter(pk=task_id).first()
    if found is None:
        raise NotFound()
    return found


def access_capa(actor: Actor, complaint: Complaint, capa_id: int, *, for_update: bool = False) -> CorrectiveAction:
    """One corrective action of a complaint the actor may see. Raises: NotFound."""
    qs = CorrectiveAction.objects.filter(complaint=complaint, pk=capa_id)
    if for_update:
        qs = qs_for_update(qs)
    found = qs.first()
    if found is None:
        raise NotFound()
    return found


def capas_for(complaint: Complaint) -> list[CorrectiveAction]:
    return list(
        CorrectiveAction.objects.filter(complaint=complaint)
        .select_related("owner", "planned_by", "verified_by")
        .order_by("created_at", "id")
    )


def review_scope(actor: Actor) -> QuerySet[ResponsibilityReview]:
    if actor.has_role(CUSTOMER_ROLE) or not actor.has_perm("complaints.view_responsibilityreview"):
        return ResponsibilityReview.objects.none()
    return ResponsibilityReview.objects.all()


def access_review(actor: Actor, period: str, *, for_update: bool = False) -> ResponsibilityReview:
    """The review of a period ("YYYY-MM") if the actor may read reviews. Raises: NotFound."""
    qs = review_scope(actor)
    if for_update:
        qs = qs_for_update(qs)
    found = qs.filter(period=period).first()
    if found is None:
        raise NotFound()
    return found


# --- pickers on the complaint pages ----------------------------------------------------------


def service_requests_of_customer(customer_id: int, *, limit: int = 100) -> list[ServiceRequest]:
    """K2: the customer's service requests a complaint may be about, newest first (the registration picker)."""
    return list(ServiceRequest.objects.filter(customer_id=customer_id).order_by("-received_at", "-id")[:limit])


def capa_owner_candidates() -> QuerySet[User]:
    """K14: the active users who may carry out corrective actions (their role holds the permission)."""
    return (
        User.objects.filter(
            is_active=True,
            groups__permissions__content_type__app_label="complaints",
            groups__permissions__codename="change_correctiveaction",
        )
        .distinct()
        .order_by("display_name", "last_name", "first_name", "id")
    )
