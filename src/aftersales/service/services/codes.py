"""The managed list of fault symptom and cause codes, and picking one on a request.

Managers keep the list (add, edit, deactivate; every change audited). A code is never deleted:
requests keep the code they were given. `fault_code_pick` checks a code chosen at intake or at
completion fits the unit's product category; `service_requests_map_symptoms` maps free-text
symptoms of older requests onto codes (idempotent).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.db.models.signals import post_save
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, NotFound, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.service import events
from aftersales.service.choices import FaultCodeKind
from aftersales.service.codes import exact_match, split_synonyms
from aftersales.service.models import FaultCode, ServiceRequest

MANAGE_PERM = "service.change_faultcode"
CODE_FIELDS = ("kind", "category", "code", "name", "synonyms", "active")


def _field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _snapshot(code: FaultCode) -> dict[str, Any]:
    return {field: getattr(code, field) for field in CODE_FIELDS}


def _clean(code: FaultCode) -> None:
    code.code = (code.code or "").strip().upper()
    code.name = (code.name or "").strip()
    code.category = (code.category or "").strip()
    code.synonyms = "\n".join(split_synonyms(code.synonyms))
    if code.kind not in FaultCodeKind.values:
        raise _field_error("kind", _("Choose symptom or cause."))
    if not code.code:
        raise _field_error("code", _("Give the code."))
    if not code.name:
        raise _field_error("name", _("Give the name shown to users."))
    clash = FaultCode.objects.filter(kind=code.kind, category=code.category, code=code.code).exclude(pk=code.pk)
    if clash.exists():
        raise _field_error("code", _("This code is already used in this product category."))
    full_clean(code)


def fault_code_create(
    *, actor: Actor, kind: str, code: str, name: str, category: str = "", synonyms: str = ""
) -> FaultCode:
    """Add a symptom or cause code. Raises: PermissionDenied, ValidationFailed. Events: faultcode.created."""
    actor.require_perm("service.add_faultcode")
    row = FaultCode(kind=kind, code=code, name=name, category=category, synonyms=synonyms)
    _clean(row)
    with transaction.atomic():
        row.save()
        event_record(subject=row, action=events.FAULT_CODE_CREATED, actor=actor, data=_snapshot(row))
    return row


def fault_code_update(
    *,
    actor: Actor,
    code_id: int,
    expected_version: int | None = None,
    **changes: Any,
) -> FaultCode:
    """Edit a code (name, synonyms, category, code, active). Raises: PermissionDenied, NotFound,
    Conflict (someone else saved it meanwhile), ValidationFailed. Events: faultcode.changed."""
    actor.require_perm(MANAGE_PERM)
    unknown = set(changes) - {"code", "name", "category", "synonyms", "active"}
    if unknown:
        raise ValidationFailed(_("These fields cannot be changed."), fields={k: [_("Unknown field.")] for k in unknown})
    with transaction.atomic():
        row = FaultCode.objects.select_for_update().filter(pk=code_id).first()
        if row is None:
            raise NotFound()
        if expected_version is not None and expected_version != row.version:
            raise Conflict(_("Someone else changed this code in the meantime. Reload it."), code="version_conflict")
        before = _snapshot(row)
        for field, value in changes.items():
            setattr(row, field, bool(value) if field == "active" else (value or ""))
        _clean(row)
        after = _snapshot(row)
        if after == before:
            return row
        row.version += 1
        row.save()
        event_record(
            subject=row,
            action=events.FAULT_CODE_CHANGED,
            actor=actor,
            data={
                "before": {k: v for k, v in before.items() if after[k] != v},
                "after": {k: v for k, v in after.items() if before[k] != v},
            },
        )
    return row


def fault_code_deactivate(*, actor: Actor, code_id: int, expected_version: int | None = None) -> FaultCode:
    """Take a code off the pickers; requests that carry it keep it. Events: faultcode.changed."""
    return fault_code_update(actor=actor, code_id=code_id, expected_version=expected_version, active=False)


def fault_code_pick(code_id: Any, *, kind: str, category: str | None, field: str) -> FaultCode | None:
    """The active code of `kind` chosen for a unit of `category` (None = unit not registered: any
    category). Empty → None. Raises: ValidationFailed on `field`."""
    if code_id in (None, ""):
        return None
    try:
        pk = int(code_id)
    except (TypeError, ValueError):
        raise _field_error(field, _("Choose a code from the list.")) from None
    row = FaultCode.objects.filter(pk=pk, kind=kind, active=True).first()
    if row is None or (category is not None and row.category not in ("", category)):
        raise _field_error(field, _("Choose a code from the list for this unit's product category."))
    return row


def unit_category(request: ServiceRequest) -> str | None:
    """The product category the request's codes must fit (None when the unit is not registered)."""
    unit = request.unit
    return unit.product.category if unit is not None else None


def service_requests_map_symptoms(*, actor: Any = None) -> tuple[int, int]:
    """Give requests without a symptom code the code whose code, name or synonym is exactly their
    free-text symptom (in the unit's category, or a general code). Idempotent: requests that have a
    code are left alone. Returns (mapped, left unmapped). Events: servicerequest.symptom_mapped."""
    codes = list(FaultCode.objects.filter(kind=FaultCodeKind.SYMPTOM, active=True))
    mapped = left = 0
    rows = (
        ServiceRequest.objects.filter(symptom_code__isnull=True)
        .exclude(symptom="")
        .select_related("unit__product")
        .order_by("pk")
    )
    for request in rows.iterator(chunk_size=500):
        category = request.unit.product.category if request.unit else None
        fitting = [c for c in codes if category is None or c.category in ("", category)]
        # A code of the unit's own category wins over a general one with the same word.
        found = exact_match([c for c in fitting if c.category], request.symptom) or exact_match(
            [c for c in fitting if not c.category], request.symptom
        )
        if found is None:
            left += 1
            continue
        with transaction.atomic():
            updated = ServiceRequest.objects.filter(pk=request.pk, symptom_code__isnull=True).update(
                symptom_code=found, version=F("version") + 1
            )
            if updated:
                # A queryset update sends no signal: tell the listeners (the statistics' facts) as a save would.
                request.symptom_code = found
                post_save.send(sender=ServiceRequest, instance=request, created=False, update_fields={"symptom_code"})
                event_record(
                    subject=request,
                    action=events.REQUEST_SYMPTOM_MAPPED,
                    actor=actor,
                    rule="S15",
                    data={"symptom": request.symptom, "code": found.code, "name": found.name},
                )
                mapped += 1
    return mapped, left
