"""Reads of follow-up (V3), scoped to the actor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core import signing
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.followup.choices import RatingLevel
from aftersales.followup.models import RATING_ITEMS, ServiceRating
from aftersales.service.choices import RequestState
from aftersales.service.models import ServiceRequest

RATE_SALT = "aftersales.followup.rate"  # the one-time rating link (like the survey's answer link)

# V3: a service is rated once the customer signed the repair order, or it is closed.
RATEABLE_STATES = frozenset({RequestState.SIGNED, RequestState.CLOSED})


def rating_scope(actor: Actor) -> QuerySet[ServiceRating]:
    """Every rating the actor may see. Each condition on its own line."""
    if actor.has_role("customer"):
        return ServiceRating.objects.filter(customer_id=getattr(actor.user, "customer_id", None) or 0)
    if actor.has_perm("followup.view_servicerating"):
        return ServiceRating.objects.all()
    if actor.is_authenticated:
        return ServiceRating.objects.filter(engineer_id=actor.pk)  # an engineer sees their own ratings
    return ServiceRating.objects.none()


def rating_for_request(actor: Actor, request: Any) -> ServiceRating | None:
    """The rating of a request the caller already has access to (None when not rated yet)."""
    return rating_scope(actor).filter(request=request).first()


def rating_pending(request: Any) -> bool:
    """V3: the request may be rated now (signed or closed, not rated yet)."""
    return request.state in RATEABLE_STATES and not ServiceRating.objects.filter(request=request).exists()


def rating_summary(
    actor: Actor, *, engineer_id: int | None = None, since: dt.datetime | None = None, until: dt.datetime | None = None
) -> dict[str, dict[str, int]]:
    """V3 → monthly appraisal: {item: {level: count}} over the ratings in scope (all four levels listed)."""
    qs = rating_scope(actor)
    if engineer_id is not None:
        qs = qs.filter(engineer_id=engineer_id)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    if until is not None:
        qs = qs.filter(created_at__lt=until)
    out: dict[str, dict[str, int]] = {}
    for item in RATING_ITEMS:
        counts = {level: 0 for level in RatingLevel.values}
        for row in qs.values(item).annotate(n=Count("id")):
            counts[row[item]] = row["n"]
        out[item] = counts
    return out


def rating_token(request: Any) -> str:
    """V3: the token of the rating link e-mailed to a contact without a portal account: the request's id
    signed (not stored); it works once because a second rating of the request is refused."""
    return signing.dumps({"q": request.pk}, salt=RATE_SALT, compress=True)


def request_for_rating_token(token: str) -> ServiceRequest:
    """The request a rating link names. Raises: NotFound (a tampered or unknown token)."""
    try:
        data = signing.loads(token, salt=RATE_SALT)
    except signing.BadSignature:
        raise NotFound(_("This rating link is not valid.")) from None
    request = (
        ServiceRequest.objects.select_related("customer", "engineer").filter(pk=int(data.get("q", 0) or 0)).first()
    )
    if request is None:
        raise NotFound(_("This rating link is not valid."))
    return request
