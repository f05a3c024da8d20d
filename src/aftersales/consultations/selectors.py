"""Reads of the consultation register (C8), scoped to the actor."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from aftersales.consultations.choices import FollowUpState
from aftersales.consultations.conversion import PeriodConversion, conversion_by_period
from aftersales.consultations.models import Consultation, ConsultationField, ConsultationFollowUp
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound

MAX_ID = 2**31 - 1
VIEW = "consultations.view_consultation"


def consultation_scope(actor: Actor) -> QuerySet[Consultation]:
    """Every consultation for staff holding the view right (the register is the desk's, not a confidential file)."""
    if not actor.is_authenticated or actor.has_role("customer") or not actor.has_perm(VIEW):
        return Consultation.objects.none()
    return Consultation.objects.all()


def access_consultation(actor: Actor, consultation_id: int, *, for_update: bool = False) -> Consultation:
    """One consultation. Rule: C8. Raises: NotFound (missing or no right)."""
    if not isinstance(consultation_id, int) or not (1 <= consultation_id <= MAX_ID):
        raise NotFound()
    qs = consultation_scope(actor).select_related("customer", "product", "handler")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=consultation_id).first()
    if found is None:
        raise NotFound()
    return found


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def consultation_list(
    actor: Actor,
    *,
    q: str = "",
    channel: str = "",
    stage: str = "",
    product_id: int | None = None,
    handler_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Consultation]:
    """Newest first, filtered by a text (enquirer, organisation, contact, question), channel, stage,
    product, handler and the day received (both ends included). Rule: C8.

    Raises: PermissionDenied (no view right).
    """
    actor.require_perm(VIEW)
    qs = consultation_scope(actor).select_related("customer", "product", "handler")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(organisation__icontains=q) | Q(contact__icontains=q) | Q(question__icontains=q)
        )
    if channel:
        qs = qs.filter(channel=channel)
    if stage:
        qs = qs.filter(stage=stage)
    if product_id is not None:
        qs = qs.filter(product_id=product_id)
    if handler_id is not None:
        qs = qs.filter(handler_id=handler_id)
    if date_from is not None:
        qs = qs.filter(received_at__gte=_day_start(date_from))
    if date_to is not None:
        qs = qs.filter(received_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    return qs.order_by("-received_at", "-id")


def consultation_conversion(
    actor: Actor, *, by: str = "month", date_from: dt.date | None = None, date_to: dt.date | None = None
) -> list[PeriodConversion]:
    """C8: enquiries → visits → purchases per month or quarter of the day received.

    Raises: PermissionDenied (no view right).
    """
    qs = consultation_list(actor, date_from=date_from, date_to=date_to)
    rows = (
        (timezone.localdate(received), visited is not None or stage == "visited", stage == "purchased")
        for received, visited, stage in qs.order_by().values_list("received_at", "visited_on", "stage").iterator()
    )
    return conversion_by_period(rows, by)


def field_list(*, active_only: bool = True) -> QuerySet[ConsultationField]:
    """The administrator's extra fields in their order (the register's form asks the active ones)."""
    qs = ConsultationField.objects.all()
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "id")


def access_field(actor: Actor, field_id: int, *, for_update: bool = False) -> ConsultationField:
    if not actor.has_perm("consultations.view_consultationfield") or not (1 <= field_id <= MAX_ID):
        raise NotFound()
    qs = ConsultationField.objects.all()
    if for_update:
        qs = qs.select_for_update()
    found = qs.filter(pk=field_id).first()
    if found is None:
        raise NotFound()
    return found


def followup_scope(actor: Actor) -> QuerySet[ConsultationFollowUp]:
    return ConsultationFollowUp.objects.filter(consultation__in=consultation_scope(actor))


def access_followup(actor: Actor, followup_id: int, *, for_update: bool = False) -> ConsultationFollowUp:
    if not (1 <= followup_id <= MAX_ID):
        raise NotFound()
    qs = followup_scope(actor).select_related("consultation", "assignee")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=followup_id).first()
    if found is None:
        raise NotFound()
    return found


def my_followups_due(actor: Actor, *, today: dt.date) -> QuerySet[ConsultationFollowUp]:
    """C8: the actor's open follow-up callbacks due today or earlier, oldest first (home queue)."""
    if not actor.has_perm("consultations.change_consultation"):
        return ConsultationFollowUp.objects.none()
    return (
        ConsultationFollowUp.objects.filter(assignee_id=actor.pk, state=FollowUpState.OPEN, due_on__lte=today)
        .select_related("consultation")
        .order_by("due_on", "id")
    )
