"""Writes of training (T2): plan, record and cancel customer trainings; record staff assessments,
which issue a certificate per product line when passed; warn of expiring certificates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.core.access import SYSTEM, Actor
from aftersales.core.errors import ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.workflow import expect_version, versioned_transition
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Product
from aftersales.notifications.services import notification_language, notify_users
from aftersales.policies.selectors import policy_snapshot
from aftersales.training import events
from aftersales.training.choices import TrainingState
from aftersales.training.errors import TrainingErrorCode as Code
from aftersales.training.models import Assessment, Certificate, CustomerTraining, TrainingAttendance
from aftersales.training.scoring import assessment_passed, certificate_expiry
from aftersales.training.selectors import access_training
from aftersales.training.transitions import TRAINING_TRANSITIONS

VERSION_MESSAGE = gettext_lazy(
    "Someone else changed this training meanwhile (now version %(version)s). Reload it and try again."
)


def _attendance(rows: Iterable[Mapping[str, Any]]) -> list[tuple[int, str]]:
    """(customer id, attendee names) per row, each customer once; unknown customers refused."""
    found: dict[int, str] = {}
    for row in rows:
        found[int(row["customer"])] = str(row.get("attendees") or "").strip()[:300]
    known = set(Customer.objects.filter(pk__in=list(found)).values_list("pk", flat=True))
    unknown = sorted(set(found) - known)
    if unknown:
        message = _("These customers do not exist: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}
        raise ValidationFailed(message, code=Code.UNKNOWN_CUSTOMER, fields={"customers": [message]})
    return list(found.items())


def _not_future(field: str, day: dt.date, message: str) -> None:
    """A held training or a taken assessment lies in the past (or today): a future day is a typo that
    would count customers as trained (survey item 6) or issue a certificate early."""
    if day > timezone.localdate():
        raise ValidationFailed(message, fields={field: [message]})


def _set_attendance(training: CustomerTraining, rows: list[tuple[int, str]]) -> None:
    TrainingAttendance.objects.filter(training=training).delete()
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, customer_id=cid, attendees=names) for cid, names in rows]
    )


@transaction.atomic
def training_plan(
    *,
    actor: Actor,
    course: str,
    planned_on: dt.date,
    trainer: str,
    customers: Iterable[Mapping[str, Any]] = (),
    product_id: int | None = None,
    place: str = "",
) -> CustomerTraining:
    """Plan a customer training (培训计划, 002 §5.8): course, product, day, trainer, the customers invited.

    Rule: T2. Raises: PermissionDenied, ValidationFailed (unknown_customer, unknown_product, field errors).
    Events: customertraining.planned.
    """
    actor.require_perm("training.add_customertraining")
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        message = _("This product does not exist.")
        raise ValidationFailed(message, code=Code.UNKNOWN_PRODUCT, fields={"product": [message]})
    rows = _attendance(customers)
    training = CustomerTraining(
        course=(course or "").strip(),
        product_id=product_id,
        planned_on=planned_on,
        trainer=(trainer or "").strip(),
        place=(place or "").strip(),
        created_by=actor.user,
    )
    full_clean(training, exclude=["created_by"])
    training.save()
    _set_attendance(training, rows)
    event_record(
        subject=training,
        action=events.TRAINING_PLANNED,
        actor=actor,
        rule="T2",
        data={"course": training.course, "planned_on": planned_on.isoformat(), "customers": [c for c, _n in rows]},
    )
    return training


@transaction.atomic
def training_record(
    *,
    actor: Actor,
    training_id: int,
    held_on: dt.date,
    feedback: str = "",
    attendance: Iterable[Mapping[str, Any]] | None = None,
    version: int | None = None,
) -> CustomerTraining:
    """Record a planned training as held (培训记录): the day, who attended (replaces the invited list
    when given), the feedback. Only attendance of a held training answers survey item 6.

    Rule: T2. Raises: PermissionDenied, NotFound, Conflict(invalid_transition, version_conflict),
    ValidationFailed. Events: customertraining.held.
    """
    actor.require_perm("training.change_customertraining")
    training = access_training(actor, training_id, for_update=True)
    expect_version(training, version, str(VERSION_MESSAGE), code=Code.VERSION_CONFLICT)
    _not_future("held_on", held_on, _("A training is recorded as held once its day has come."))
    rows = _attendance(attendance) if attendance is not None else None
    training.held_on = held_on
    training.feedback = (feedback or "").strip()
    versioned_transition(
        training,
        to=TrainingState.HELD,
        table=TRAINING_TRANSITIONS,
        actor=actor,
        fields=("held_on", "feedback"),
        action=events.TRAINING_HELD,
        data={"held_on": held_on.isoformat(), **({"attendance": [c for c, _n in rows]} if rows is not None else {})},
    )
    if rows is not None:
        _set_attendance(training, rows)
    return training


@transaction.atomic
def training_cancel(
    *, actor: Actor, training_id: int, reason: str = "", version: int | None = None
) -> CustomerTraining:
    """Cancel a planned training. Rule: T2. Events: customertraining.cancelled."""
    actor.require_perm("training.change_customertraining")
    training = access_training(actor, training_id, for_update=True)
    expect_version(training, version, str(VERSION_MESSAGE), code=Code.VERSION_CONFLICT)
    versioned_transition(
        training,
        to=TrainingState.CANCELLED,
        table=TRAINING_TRANSITIONS,
        actor=actor,
        reason=reason,
        action=events.TRAINING_CANCELLED,
    )
    return training


@transaction.atomic
def assessment_record(
    *,
    actor: Actor,
    user_id: int,
    product_line: str,
    taken_on: dt.date,
    theory: Decimal,
    practice: Decimal,
    simulated: Decimal,
    note: str = "",
) -> Assessment:
    """Record a staff assessment (theory, practice, simulated customer; 004 §6.3). Passed when each part
    reaches its pass mark (policy T2.pass_marks); a pass issues a certificate for the product line valid
    for T2.certificate_months. The staff member is notified of the result.

    Rule: T2. Raises: PermissionDenied, ValidationFailed (unknown_user, field errors).
    Events: assessment.recorded (+ certificate.issued).
    """
    actor.require_perm("training.add_assessment")
    _not_future("taken_on", taken_on, _("An assessment is recorded once it has been taken."))
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.customer_id is not None:
        message = _("Choose an active member of staff.")
        raise ValidationFailed(message, code=Code.UNKNOWN_USER, fields={"user": [message]})
    snap = policy_snapshot()
    marks = snap.get("T2.pass_marks")
    months = snap.get("T2.certificate_months")
    scores = {"theory": Decimal(str(theory)), "practice": Decimal(str(practice)), "simulated": Decimal(str(simulated))}
    assessment = Assessment(
        user=user,
        product_line=(product_line or "").strip(),
        taken_on=taken_on,
        **scores,
        passed=assessment_passed(scores, marks.value),
        pass_marks=marks.value,
        policy_version=snap.number,
        assessor=actor.user,
        note=(note or "").strip(),
    )
    full_clean(assessment, exclude=["user", "assessor"])
    for part, score in scores.items():
        if not (0 <= score <= 100):
            message = _("A score is between 0 and 100.")
            raise ValidationFailed(message, fields={part: [message]})
    assessment.save()
    event_record(
        subject=assessment,
        action=events.ASSESSMENT_RECORDED,
        actor=actor,
        rule="T2",
        policy_version=snap.number,
        data={
            "user": user.pk,
            "product_line": assessment.product_line,
            "passed": assessment.passed,
            "scores": {k: str(v) for k, v in scores.items()},
            "pass_marks": marks.value,
        },
    )
    title = _("Assessment for %(line)s: passed") if assessment.passed else _("Assessment for %(line)s: not passed")
    if assessment.passed:
        certificate = Certificate.objects.create(
            user=user,
            product_line=assessment.product_line,
            issued_on=taken_on,
            expires_on=certificate_expiry(taken_on, int(months.value)),
            assessment=assessment,
        )
        event_record(
            subject=certificate,
            action=events.CERTIFICATE_ISSUED,
            actor=actor,
            rule="T2",
            policy_version=snap.number,
            data={
                "user": user.pk,
                "product_line": certificate.product_line,
                "expires_on": certificate.expires_on.isoformat(),
            },
        )
    with notification_language():
        notify_users(
            users=[user],
            title=title % {"line": assessment.product_line},
            url=reverse("training:certificates"),
            rule="T2",
        )
    return assessment


def certificates_expiry_notify(*, today: dt.date | None = None) -> int:
    """Warn the holder and their manager (the head of their department) of each certificate expiring
    within T2.expiry_notice_days, once per certificate. Idempotent. Returns how many were warned.

    Rule: T2. Events: certificate.expiry_notified.
    """
    today = today or timezone.localdate()
    days = int(policy_snapshot().get("T2.expiry_notice_days").value)
    due = Certificate.objects.filter(
        expiry_notified_on__isnull=True, expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=days)
    ).select_related("user", "user__department__head")
    count = 0
    for certificate in due.iterator():
        with transaction.atomic():
            updated = Certificate.objects.filter(pk=certificate.pk, expiry_notified_on__isnull=True).update(
                expiry_notified_on=today
            )
            if not updated:
                continue
            holder = certificate.user
            department = holder.department
            head = department.head if department is not None else None
            users = [holder, *([head] if head is not None and head.is_active else [])]
            with notification_language():
                notify_users(
                    users=users,
                    title=_("Certificate for %(line)s of %(name)s expires on %(day)s")
                    % {
                        "line": certificate.product_line,
                        "name": str(holder),
                        "day": certificate.expires_on.isoformat(),
                    },
                    url=reverse("training:certificates"),
                    rule="T2",
                )
            event_record(
                subject=certificate,
                action=events.CERTIFICATE_EXPIRY_NOTIFIED,
                actor=SYSTEM,
                rule="T2",
                data={"notified": [u.pk for u in users], "expires_on": certificate.expires_on.isoformat()},
            )
            count += 1
    return count
