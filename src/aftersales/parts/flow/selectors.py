"""Reads of the parts flows, scoped to the actor (P2, P4, P5).

Requisitions: the parts keepers, the head of after-sales and the dispatchers see all; anyone else the ones
they asked for or whose receiving store they own. Old-part returns: the keepers and managers see all, an
engineer their own. Purchase requests: those who plan, approve or buy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.parts.flow.choices import PartReturnState
from aftersales.parts.models import PartReturn, PurchaseRequest, ReorderAlert, Requisition

VIEW_ALL_REQUISITIONS = "parts.approve_requisition"
ISSUE_REQUISITIONS = "parts.issue_requisition"
VIEW_ALL_RETURNS = "parts.receive_partreturn"


def _requisition_scope(actor: Actor) -> QuerySet[Requisition]:
    qs = Requisition.objects.all()
    if not actor.is_authenticated or not actor.has_perm("parts.view_requisition"):
        raise PermissionDenied()
    if actor.has_perm(VIEW_ALL_REQUISITIONS) or actor.has_perm(ISSUE_REQUISITIONS):
        return qs
    return qs.filter(Q(requested_by_id=actor.pk) | Q(to_store__owner_id=actor.pk) | Q(from_store__owner_id=actor.pk))


def requisition_list(
    actor: Actor,
    *,
    state: str = "",
    store: int | None = None,
    q: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Requisition]:
    """Requisitions in the actor's scope, newest first; `store` matches either end."""
    qs = _requisition_scope(actor).select_related("from_store", "to_store", "requested_by", "service_request")
    if state:
        qs = qs.filter(state=state)
    if store is not None:
        qs = qs.filter(Q(from_store_id=store) | Q(to_store_id=store))
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(reason__icontains=q))
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    if until is not None:
        qs = qs.filter(created_at__date__lte=until)
    return qs.order_by("-created_at", "-id")


def access_requisition(actor: Actor, number: str, *, for_update: bool = False) -> Requisition:
    """One requisition by number if the actor may see it (404 alike for missing and not theirs)."""
    qs = _requisition_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = (
        qs.select_related("from_store", "to_store", "requested_by", "service_request")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound(_("No such requisition."))
    return found


def requisition_lines(found: Requisition) -> list[Any]:
    return list(found.lines.select_related("part").order_by("id"))


def _return_scope(actor: Actor) -> QuerySet[PartReturn]:
    if not actor.is_authenticated or not actor.has_perm("parts.view_partreturn"):
        raise PermissionDenied()
    qs = PartReturn.objects.all()
    if actor.has_perm(VIEW_ALL_RETURNS) or actor.has_perm(VIEW_ALL_REQUISITIONS):
        return qs
    return qs.filter(engineer_id=actor.pk)


def part_return_list(
    actor: Actor, *, engineer: int | None = None, state: str = "", overdue: bool = False
) -> QuerySet[PartReturn]:
    """Old-part returns in the actor's scope, the earliest due first (P4: listed per engineer)."""
    qs = _return_scope(actor).select_related("part", "engineer", "service_request", "defective_store")
    if engineer is not None:
        qs = qs.filter(engineer_id=engineer)
    if state:
        qs = qs.filter(state=state)
    if overdue:
        qs = qs.filter(state=PartReturnState.OUTSTANDING, due_at__lt=timezone.now())
    return qs.order_by("due_at", "id")


def access_part_return(actor: Actor, pk: int, *, for_update: bool = False) -> PartReturn:
    qs = _return_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("part", "engineer", "service_request").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such old-part return."))
    return found


def _purchase_scope(actor: Actor) -> QuerySet[PurchaseRequest]:
    if not actor.is_authenticated or not actor.has_perm("parts.view_purchaserequest"):
        raise PermissionDenied()
    return PurchaseRequest.objects.all()


def purchase_request_list(actor: Actor, *, state: str = "", store: int | None = None) -> QuerySet[PurchaseRequest]:
    qs = _purchase_scope(actor).select_related("store", "requested_by", "decided_by")
    if state:
        qs = qs.filter(state=state)
    if store is not None:
        qs = qs.filter(store_id=store)
    return qs.order_by("-created_at", "-id")


def access_purchase_request(actor: Actor, number: str, *, for_update: bool = False) -> PurchaseRequest:
    qs = _purchase_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = (
        qs.select_related("store", "requested_by", "decided_by").filter(number=(number or "").strip().upper()).first()
    )
    if found is None:
        raise NotFound(_("No such purchase request."))
    return found


def reorder_alert_list(actor: Actor, *, store: int | None = None) -> QuerySet[ReorderAlert]:
    """Open reorder alerts (P5), newest first: for the parts keepers and whoever plans purchases."""
    if not actor.is_authenticated or not actor.has_perm("parts.view_reorderalert"):
        raise PermissionDenied()
    qs = ReorderAlert.objects.filter(open=True).select_related("store", "part")
    if store is not None:
        qs = qs.filter(store_id=store)
    return qs.order_by("-created_at", "-id")
