"""Writes of the consultation register (C8): register an enquiry with the administrator's extra
fields, move it through its stages, plan and record its follow-up callbacks; the fields themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.consultations import events
from aftersales.consultations.choices import ConsultationStage, FieldType, FollowUpState
from aftersales.consultations.errors import ConsultationErrorCode as Code
from aftersales.consultations.fields import extra_values_clean
from aftersales.consultations.models import Consultation, ConsultationField, ConsultationFollowUp
from aftersales.consultations.selectors import access_consultation, access_field, access_followup, field_list
from aftersales.consultations.transitions import STAGE_TRANSITIONS
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, ValidationFailed, full_clean
from aftersales.core.events import event_record, snapshot
from aftersales.core.workflow import expect_version, versioned_transition
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Product
from aftersales.notifications.services import notification_language, notify_users

VERSION_MESSAGE = gettext_lazy(
    "Someone else changed this consultation meanwhile (now version %(version)s). Reload it and try again."
)
REGISTER_FIELDS = ["channel", "name", "organisation", "contact", "customer_id", "product_id", "question", "answer"]


def _check_refs(customer_id: int | None, product_id: int | None) -> None:
    if product_id is not None and not Product.objects.filter(pk=product_id).exists():
        message = _("This product does not exist.")
        raise ValidationFailed(message, code=Code.UNKNOWN_PRODUCT, fields={"product": [message]})
    if customer_id is not None and not Customer.objects.filter(pk=customer_id).exists():
        message = _("This customer does not exist.")
        raise ValidationFailed(message, code=Code.UNKNOWN_CUSTOMER, fields={"customer": [message]})


def _extra(raw: Mapping[str, Any]) -> dict[str, Any]:
    values, errors = extra_values_clean(field_list(), raw)
    if errors:
        raise ValidationFailed(fields={f"extra.{key}": messages for key, messages in errors.items()})
    return values


@transaction.atomic
def consultation_register(
    *,
    actor: Actor,
    channel: str,
    name: str,
    contact: str,
    question: str,
    answer: str = "",
    organisation: str = "",
    customer_id: int | None = None,
    product_id: int | None = None,
    extra: Mapping[str, Any] | None = None,
    received_at: dt.datetime | None = None,
    follow_up_on: dt.date | None = None,
) -> Consultation:
    """Register an inbound enquiry (咨询登记), handled by the actor; with `follow_up_on` a follow-up
    callback is planned for the actor that day. The extra fields are checked by their type.

    Rule: C8. Raises: PermissionDenied, ValidationFailed (field errors, extra.<key> errors,
    unknown_product, unknown_customer). Events: consultation.registered (+ followup_planned).
    """
    actor.require_perm("consultations.add_consultation")
    _check_refs(customer_id, product_id)
    consultation = Consultation(
        channel=channel,
        name=(name or "").strip(),
        organisation=(organisation or "").strip(),
        contact=(contact or "").strip(),
        customer_id=customer_id,
        product_id=product_id,
        question=(question or "").strip(),
        answer=(answer or "").strip(),
        handler=actor.user,
        received_at=received_at or timezone.now(),
        extra=_extra(extra or {}),
    )
    full_clean(consultation, exclude=["handler"])
    consultation.save()
    event_record(
        subject=consultation,
        action=events.CONSULTATION_REGISTERED,
        actor=actor,
        rule="C8",
        data={**snapshot(consultation, REGISTER_FIELDS), "extra": consultation.extra},
    )
    if follow_up_on is not None:
        _plan(actor, consultation, due_on=follow_up_on, assignee=actor.user, note="")
    return consultation


@transaction.atomic
def consultation_stage(
    *, actor: Actor, consultation_id: int, stage: str, on: dt.date | None = None, version: int | None = None
) -> Consultation:
    """Move an enquiry on: visited (到访) on a day, purchased (购买) on a day, dropped, or back to an enquiry.

    Rule: C8. Raises: PermissionDenied, NotFound, Conflict(invalid_transition, version_conflict).
    Events: consultation.<stage>.
    """
    actor.require_perm("consultations.change_consultation")
    consultation = access_consultation(actor, consultation_id, for_update=True)
    expect_version(consultation, version, str(VERSION_MESSAGE), code=Code.VERSION_CONFLICT)
    day = on or timezone.localdate()
    fields: tuple[str, ...] = ()
    if stage == ConsultationStage.VISITED:
        consultation.visited_on, fields = day, ("visited_on",)
    elif stage == ConsultationStage.PURCHASED:
        consultation.purchased_on, fields = day, ("purchased_on",)
    versioned_transition(
        consultation,
        to=stage,
        table=STAGE_TRANSITIONS,
        actor=actor,
        field="stage",
        fields=fields,
        data={"on": day.isoformat()} if fields else None,
    )
    return consultation


def _plan(
    actor: Actor, consultation: Consultation, *, due_on: dt.date, assignee: Any, note: str
) -> ConsultationFollowUp:
    follow_up = ConsultationFollowUp(consultation=consultation, due_on=due_on, assignee=assignee, note=note.strip())
    full_clean(follow_up, exclude=["consultation", "assignee"])
    follow_up.save()
    event_record(
        subject=consultation,
        action=events.FOLLOWUP_PLANNED,
        actor=actor,
        rule="C8",
        data={"follow_up": follow_up.pk, "due_on": due_on.isoformat(), "assignee": assignee.pk, "note": note},
    )
    if assignee.pk != actor.pk:
        with notification_language():
            notify_users(
                users=[assignee],
                title=_("Follow-up callback on an enquiry by %(day)s: %(name)s")
                % {"day": due_on.isoformat(), "name": consultation.name},
                body=note,
                url=consultation.get_absolute_url(),
                rule="C8",
            )
    return follow_up


@transaction.atomic
def followup_plan(
    *, actor: Actor, consultation_id: int, due_on: dt.date, assignee_id: int | None = None, note: str = ""
) -> ConsultationFollowUp:
    """Plan a follow-up callback on an enquiry for `assignee_id` (default: the actor), who is notified.

    Rule: C8. Raises: PermissionDenied, NotFound, ValidationFailed(unknown_user).
    Events: consultation.followup_planned.
    """
    actor.require_perm("consultations.change_consultation")
    consultation = access_consultation(actor, consultation_id, for_update=True)
    assignee: Any = actor.user
    if assignee_id is not None:
        assignee = User.objects.filter(pk=assignee_id, is_active=True).first()
        if assignee is None or not assignee.has_perm("consultations.change_consultation"):
            message = _("Choose an active user who works the consultation register.")
            raise ValidationFailed(message, code=Code.UNKNOWN_USER, fields={"assignee": [message]})
    return _plan(actor, consultation, due_on=due_on, assignee=assignee, note=note)


@transaction.atomic
def followup_record(*, actor: Actor, followup_id: int, result: str, outcome: str = "") -> ConsultationFollowUp:
    """Record how a follow-up callback went (reached, no answer, visit agreed, not interested).

    Rule: C8. Raises: PermissionDenied, NotFound, Conflict(followup_done), ValidationFailed.
    Events: consultation.followup_done.
    """
    actor.require_perm("consultations.change_consultation")
    follow_up = access_followup(actor, followup_id, for_update=True)
    if follow_up.state != FollowUpState.OPEN:
        raise Conflict(_("This follow-up is already recorded."), code=Code.FOLLOWUP_DONE)
    follow_up.result = result
    follow_up.outcome = (outcome or "").strip()
    follow_up.state = FollowUpState.DONE
    follow_up.done_at = timezone.now()
    follow_up.done_by = actor.user
    full_clean(follow_up, exclude=["consultation", "assignee", "done_by"])
    follow_up.save()
    event_record(
        subject=follow_up.consultation,
        action=events.FOLLOWUP_DONE,
        actor=actor,
        rule="C8",
        data={"follow_up": follow_up.pk, "result": result, "outcome": follow_up.outcome},
    )
    return follow_up


FIELD_EDITABLE = ("label", "field_type", "choices", "required", "order", "active")


def _clean_choices(field_type: str, choices: list[Any]) -> list[str]:
    cleaned = [str(c).strip() for c in choices or [] if str(c).strip()]
    if field_type == FieldType.CHOICE and not cleaned:
        message = _("A choice field needs at least one choice.")
        raise ValidationFailed(message, fields={"choices": [message]})
    if len(set(cleaned)) != len(cleaned):
        message = _("Each choice only once.")
        raise ValidationFailed(message, fields={"choices": [message]})
    return cleaned if field_type == FieldType.CHOICE else []


@transaction.atomic
def field_create(
    *,
    actor: Actor,
    key: str,
    label: str,
    field_type: str,
    choices: list[Any] | None = None,
    required: bool = False,
    order: int = 0,
) -> ConsultationField:
    """The administrator adds a field to the register. Rule: C8.

    Raises: PermissionDenied, ValidationFailed (duplicate_field, field errors). Events: consultationfield.created.
    """
    actor.require_perm("consultations.add_consultationfield")
    key = (key or "").strip()
    if ConsultationField.objects.filter(key=key).exists():
        message = _("A field with this key exists.")
        raise ValidationFailed(message, code=Code.DUPLICATE_FIELD, fields={"key": [message]})
    definition = ConsultationField(
        key=key,
        label=(label or "").strip(),
        field_type=field_type,
        choices=_clean_choices(field_type, choices or []),
        required=required,
        order=order,
    )
    full_clean(definition)
    definition.save()
    event_record(
        subject=definition,
        action=events.FIELD_CREATED,
        actor=actor,
        rule="C8",
        data=snapshot(definition, ["key", *FIELD_EDITABLE]),
    )
    return definition


@transaction.atomic
def field_update(
    *, actor: Actor, field_id: int, data: Mapping[str, Any], expected_version: int | None = None
) -> ConsultationField:
    """The administrator changes a field (label, type, choices, required, order, active); the key stays.

    Rule: C8. Raises: PermissionDenied, NotFound, Conflict(version_conflict), ValidationFailed.
    Events: consultationfield.updated.
    """
    actor.require_perm("consultations.change_consultationfield")
    unknown = set(data) - set(FIELD_EDITABLE)
    if unknown:
        raise ValidationFailed(fields={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    definition = access_field(actor, field_id, for_update=True)
    expect_version(
        definition,
        expected_version,
        _("Someone else changed this field meanwhile (now version %(version)s). Reload it and try again."),
        code=Code.VERSION_CONFLICT,
    )
    before = snapshot(definition, list(FIELD_EDITABLE))
    for name, value in data.items():
        setattr(definition, name, value.strip() if name == "label" else value)
    definition.choices = _clean_choices(definition.field_type, definition.choices)
    after = snapshot(definition, list(FIELD_EDITABLE))
    changed = {name: [before[name], after[name]] for name in FIELD_EDITABLE if before[name] != after[name]}
    if not changed:
        return definition
    definition.version += 1
    full_clean(definition)
    definition.save()
    event_record(subject=definition, action=events.FIELD_UPDATED, actor=actor, rule="C8", data=changed)
    return definition
