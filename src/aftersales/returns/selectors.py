"""Reads of returns and exchanges, scoped to the actor (R1–R4).

Staff with returns.view_returnrequest see every return; a portal user sees their own
organisation's returns; everybody else sees none (and meets the same 404 as for a missing one).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aftersales.approvals.selectors import approval_for
from aftersales.approvals.services import Approval
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.returns.models import DiscountCertificate, ReturnRequest


def return_request_scope(actor: Actor) -> QuerySet[ReturnRequest]:
    """Every return the actor may see. Each condition on its own line."""
    if actor.has_role("customer"):
        return ReturnRequest.objects.filter(customer_id=getattr(actor.user, "customer_id", None) or 0)
    if not actor.has_perm("returns.view_returnrequest"):
        return ReturnRequest.objects.none()
    return ReturnRequest.objects.all()


def access_return_request(actor: Actor, number: str, *, for_update: bool = False) -> ReturnRequest:
    """The return by number if the actor may see it; NotFound for missing and out of scope alike."""
    qs = return_request_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = (
        qs.select_related(
            "customer", "unit", "requested_by", "verified_by", "decided_by", "received_by", "booked_by", "reissued_by"
        )
        .filter(number=str(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def return_request_list(
    actor: Actor, *, state: str = "", customer: int | None = None, q: str = ""
) -> QuerySet[ReturnRequest]:
    """Returns for lists and the API, newest first."""
    qs = return_request_scope(actor).select_related("customer", "requested_by")
    if state:
        qs = qs.filter(state=state)
    if customer:
        qs = qs.filter(customer_id=customer)
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(number__startswith=text.upper())
            | Q(order_number__startswith=text)
            | Q(complaint_number__startswith=text.upper())
            | Q(customer__name__contains=text)
        )
    return qs.order_by("-created_at", "-id")


def discount_certificate_scope(actor: Actor) -> QuerySet[DiscountCertificate]:
    """Staff with returns.view_discountcertificate see every certificate; nobody else sees any."""
    if actor.has_role("customer"):
        return DiscountCertificate.objects.none()
    if not actor.has_perm("returns.view_discountcertificate"):
        return DiscountCertificate.objects.none()
    return DiscountCertificate.objects.all()


def access_discount_certificate(actor: Actor, number: str, *, for_update: bool = False) -> DiscountCertificate:
    """The certificate by number if the actor may see it; NotFound otherwise."""
    qs = discount_certificate_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = (
        qs.select_related("customer", "requested_by", "signed_by_vp", "return_request")
        .filter(number=str(number or "").strip().upper())
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def approval_of(record: ReturnRequest | DiscountCertificate) -> Approval | None:
    """The record's latest K7 approval (any state), from the approvals engine; None when it never asked."""
    return approval_for(record)
