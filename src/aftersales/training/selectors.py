"""Reads of training (T2), scoped to the actor; the questions other apps ask of it:
did a customer attend a training in a period (survey item 6), which engineers hold a valid
certificate for a product line (dispatch suggestions, S7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_lookup_ids, customer_scope
from aftersales.training.choices import TrainingState
from aftersales.training.models import Assessment, Certificate, CustomerTraining, TrainingAttendance

MAX_ID = 2**31 - 1
VIEW_TRAINING = "training.view_customertraining"
VIEW_CERTIFICATES = "training.view_certificate"


def customers_attended_training(customer_ids: Iterable[int], *, date_from: dt.date, date_to: dt.date) -> set[int]:
    """T2 → V4 item 6: of these customers, those who attended a customer training held between the
    two days (both included). Survey item 6 is "未参加" (not attended) for the others. Rule: T2."""
    ids = list(customer_ids)
    found: set[int] = set()
    for start in range(0, len(ids), 900):  # SQLite's host-parameter limit
        found.update(
            TrainingAttendance.objects.filter(
                customer_id__in=ids[start : start + 900],
                training__state=TrainingState.HELD,
                training__held_on__gte=date_from,
                training__held_on__lte=date_to,
            ).values_list("customer_id", flat=True)
        )
    return found


def customer_attended_training(customer_id: int, *, date_from: dt.date, date_to: dt.date) -> bool:
    """T2 → V4 item 6: did this customer attend a customer training held in the period? Rule: T2."""
    return bool(customers_attended_training([customer_id], date_from=date_from, date_to=date_to))


def certified_user_ids(product_line: str, *, on: dt.date, user_ids: Iterable[int] | None = None) -> set[int]:
    """S7/T2: the staff holding a certificate for `product_line` valid on `on`."""
    if not product_line:
        return set()
    qs = Certificate.objects.filter(product_line=product_line, issued_on__lte=on, expires_on__gte=on)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return set(qs.values_list("user_id", flat=True))


def training_scope(actor: Actor) -> QuerySet[CustomerTraining]:
    if not actor.is_authenticated or actor.has_role("customer") or not actor.has_perm(VIEW_TRAINING):
        return CustomerTraining.objects.none()
    return CustomerTraining.objects.all()


def with_attendees(qs: QuerySet[CustomerTraining]) -> QuerySet[CustomerTraining]:
    """The trainings with their attendance and its customers read in one query per chunk (exports)."""
    return qs.prefetch_related(Prefetch("attendance", queryset=TrainingAttendance.objects.select_related("customer")))


def training_list(
    actor: Actor,
    *,
    q: str = "",
    state: str = "",
    customer_id: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[CustomerTraining]:
    """Customer trainings, newest planned day first, filtered by course or trainer, state, customer and
    the planned day. Rule: T2. Raises: PermissionDenied."""
    actor.require_perm(VIEW_TRAINING)
    qs = training_scope(actor).select_related("product")
    q = (q or "").strip()[:100]
    if q:
        qs = qs.filter(Q(course__icontains=q) | Q(trainer__icontains=q))
    if state:
        qs = qs.filter(state=state)
    if customer_id is not None:
        qs = qs.filter(attendance__customer_id=customer_id)
    if date_from is not None:
        qs = qs.filter(planned_on__gte=date_from)
    if date_to is not None:
        qs = qs.filter(planned_on__lte=date_to)
    return qs.order_by("-planned_on", "-id")


def access_training(actor: Actor, training_id: int, *, for_update: bool = False) -> CustomerTraining:
    if not isinstance(training_id, int) or not (1 <= training_id <= MAX_ID):
        raise NotFound()
    qs = training_scope(actor).select_related("product")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=training_id).first()
    if found is None:
        raise NotFound()
    return found


def trainings_to_record(actor: Actor, *, today: dt.date) -> QuerySet[CustomerTraining]:
    """T2 home queue: planned trainings whose day has come, to record as held (or cancel)."""
    if not actor.has_perm("training.change_customertraining"):
        return CustomerTraining.objects.none()
    return CustomerTraining.objects.filter(state=TrainingState.PLANNED, planned_on__lte=today).order_by("planned_on")


def certificate_scope(actor: Actor) -> QuerySet[Certificate]:
    """Trainers and managers see every certificate; other staff their own."""
    if not actor.is_authenticated or actor.has_role("customer"):
        return Certificate.objects.none()
    if actor.has_perm(VIEW_CERTIFICATES):
        return Certificate.objects.all()
    return Certificate.objects.filter(user_id=actor.pk or 0)


def certificate_list(
    actor: Actor, *, product_line: str = "", user_id: int | None = None, expiring_by: dt.date | None = None
) -> QuerySet[Certificate]:
    """Certificates soonest expiry first; `expiring_by`: those expiring by that day."""
    qs = certificate_scope(actor).select_related("user")
    if product_line:
        qs = qs.filter(product_line=product_line)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if expiring_by is not None:
        qs = qs.filter(expires_on__lte=expiring_by)
    return qs.order_by("expires_on", "id")


def assessment_list(actor: Actor, *, user_id: int | None = None, product_line: str = "") -> QuerySet[Assessment]:
    """Staff assessments (trainers and managers: all; others their own), newest first."""
    if not actor.is_authenticated or actor.has_role("customer"):
        return Assessment.objects.none()
    qs = Assessment.objects.select_related("user", "assessor")
    if not actor.has_perm("training.view_assessment"):
        qs = qs.filter(user_id=actor.pk or 0)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if product_line:
        qs = qs.filter(product_line=product_line)
    return qs.order_by("-taken_on", "-id")


def certified_lines_by_user(user_ids: Iterable[int], *, on: dt.date) -> dict[int, frozenset[str]]:
    """S7/T2: per staff member, the product lines they hold a certificate valid on `on` for (one query)."""
    found: dict[int, set[str]] = {}
    rows = Certificate.objects.filter(user_id__in=list(user_ids), issued_on__lte=on, expires_on__gte=on)
    for user_id, line in rows.values_list("user_id", "product_line"):
        found.setdefault(user_id, set()).add(line)
    return {user_id: frozenset(lines) for user_id, lines in found.items()}


def customer_options(actor: Actor, *, q: str = "", chosen: Iterable[int] = (), limit: int = 30) -> list[Customer]:
    """The training form's invited-customers options: the customers already chosen (kept selected), then up to
    `limit` others matching `q` (name or number fragment, phone or its last digits, serial: the hotline's
    lookup) among the files the actor may see."""
    scope = customer_scope(actor)
    chosen = list(chosen)
    picked = list(scope.filter(pk__in=chosen).order_by("name")) if chosen else []
    found: list[Customer] = []
    if q.strip():
        found = list(scope.filter(pk__in=customer_lookup_ids(q)).exclude(pk__in=chosen).order_by("name")[:limit])
    return picked + found
