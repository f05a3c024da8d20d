"""Writes of follow-up (V3): the customer's rating of the engineer."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import Conflict, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.followup import events
from aftersales.followup.choices import RatingChannel, RatingLevel
from aftersales.followup.errors import FollowupErrorCode
from aftersales.followup.models import RATING_ITEMS, ServiceRating
from aftersales.followup.selectors import RATEABLE_STATES, request_for_rating_token
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import access_service_request
from aftersales.surveys.signals import low_score


@transaction.atomic
def rating_create(
    *,
    actor: Actor,
    number: str,
    attitude: str,
    skill: str,
    arrival_time: str,
    promises_kept: str,
    comment: str = "",
    respondent_name: str = "",
) -> ServiceRating:
    """Rate the engineer of a signed or closed request: attitude, skill, arrival time, promises kept.

    The request's customer rates on the portal (only their own organisation's requests); an agent
    holding followup.add_servicerating records a rating taken by phone. Once per request.
    Rule: V3 (S12: the rating invitation after service). Raises: PermissionDenied, NotFound,
    ValidationFailed, Conflict(not_rateable, already_rated). Events: servicerating.created.
    """
    portal = actor.has_role("customer")
    if not portal:
        actor.require_perm("followup.add_servicerating")
    # The request's row lock makes "once per request" hold under concurrency (the constraint backs it).
    request = access_service_request(actor, number, for_update=True)
    return _rating_record(
        request,
        actor=actor,
        portal=portal,
        levels={"attitude": attitude, "skill": skill, "arrival_time": arrival_time, "promises_kept": promises_kept},
        comment=comment,
        respondent_name=respondent_name,
    )


@transaction.atomic
def rating_by_link(
    *,
    token: str,
    attitude: str,
    skill: str,
    arrival_time: str,
    promises_kept: str,
    comment: str = "",
    respondent_name: str = "",
) -> ServiceRating:
    """V3: the customer's contact rates through the one-time link of the invitation e-mail, without
    logging in (channel portal, nobody recorded it). The link names the request; once per request.
    Rule: V3. Raises: NotFound (bad link), ValidationFailed, Conflict(not_rateable, already_rated).
    Events: servicerating.created.
    """
    found = request_for_rating_token(token)
    request = ServiceRequest.objects.select_for_update(of=("self",)).select_related("engineer").get(pk=found.pk)
    return _rating_record(
        request,
        actor=SYSTEM,
        portal=True,
        by_link=True,
        levels={"attitude": attitude, "skill": skill, "arrival_time": arrival_time, "promises_kept": promises_kept},
        comment=comment,
        respondent_name=respondent_name,
    )


def _rating_record(
    request: ServiceRequest,
    *,
    actor: Actor,
    portal: bool,
    levels: dict[str, str],
    comment: str,
    respondent_name: str,
    by_link: bool = False,
) -> ServiceRating:
    if request.state not in RATEABLE_STATES:
        raise Conflict(
            _("The engineer can be rated once the customer has signed the repair order or the request is closed."),
            code=FollowupErrorCode.NOT_RATEABLE,
        )
    if ServiceRating.objects.filter(request=request).exists():
        raise Conflict(_("This service has already been rated."), code=FollowupErrorCode.ALREADY_RATED)
    wrong = {
        name: [_("Choose one of the four levels.")] for name, value in levels.items() if value not in RatingLevel.values
    }
    if wrong:
        raise ValidationFailed(_("Choose one of the four levels for every item."), fields=wrong)
    name = (respondent_name or "").strip()
    if portal and not by_link and not name:
        name = getattr(actor.user, "display_name", "") or actor.user.get_username()
    if not name:
        raise ValidationFailed(
            _("Give the name of the person who answered."),
            fields={"respondent_name": [_("Give the name of the person who answered.")]},
        )
    rating = ServiceRating(
        request=request,
        customer_id=request.customer_id,
        engineer_id=request.engineer_id,
        customer_user=actor.user if portal and not by_link else None,
        recorded_by=None if by_link else actor.user,
        channel=RatingChannel.PORTAL if portal else RatingChannel.PHONE,
        respondent_name=name[:64],
        comment=(comment or "").strip()[:2000],
        **levels,
    )
    full_clean(rating, exclude=["request", "customer", "engineer", "customer_user", "recorded_by"])
    rating.save()
    event_record(
        subject=request,
        action=events.RATING_CREATED,
        actor=actor,
        rule="V3",
        data={
            "rating": rating.pk,
            "engineer": request.engineer.username if request.engineer else None,
            "channel": rating.channel,
            **{item: getattr(rating, item) for item in RATING_ITEMS},
            "comment": rating.comment,
        },
    )
    poor = [item for item in RATING_ITEMS if getattr(rating, item) == RatingLevel.POOR]
    if poor:  # point 5 (docs/decisions/0030): a 差 rating opens a follow-up
        low_score.send(
            sender=ServiceRating,
            source="rating",
            customer_id=request.customer_id,
            subject=rating,
            note=_("Engineer rated poor on %(items)s for %(number)s. %(comment)s")
            % {"items": ", ".join(poor), "number": request.number, "comment": rating.comment},
            actor=actor,
        )
    return rating
