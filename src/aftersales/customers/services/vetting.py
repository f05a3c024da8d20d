"""New-customer vetting (新用户选择, C5, 003 §2.2).

Before a new customer is taken on, staff investigate it (general or on-site), answer the checklist of
C5.criteria (result and note per criterion), archive the documents with it and submit it; the role of
C5.decider_role approves, rejects or asks for more investigation. An approved vetting opens the customer
file, prefilled. Every change is audited on the vetting.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed, full_clean
from aftersales.core.events import event_record
from aftersales.core.workflow import expect_version, transition
from aftersales.customers import events
from aftersales.customers.choices import CriterionResult, CustomerKind, VettingDecision, VettingKind, VettingState
from aftersales.customers.errors import VisitErrorCode
from aftersales.customers.models import Customer, Vetting, VettingFile, VettingItem
from aftersales.customers.selectors.vetting import access_vetting, vetting_decider_role, vetting_may_decide
from aftersales.customers.transitions import VETTING_TRANSITIONS
from aftersales.notifications.services import notification_language, notify_users
from aftersales.policies.selectors import policy_get

ADD_PERM = "customers.add_vetting"
EDITABLE = {VettingState.DRAFT, VettingState.NEEDS_MORE}
FIELDS = ("name", "customer_kind", "phone", "address", "contact_name", "kind", "investigated_on", "summary")
MB = 1024 * 1024
# What a document is comes from its first bytes, never from its name or the browser's content type.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


@dataclass
class ItemAnswer:
    position: int
    result: str
    note: str = ""


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def _check_choices(values: dict[str, Any]) -> None:
    if "kind" in values and values["kind"] not in VettingKind.values:
        raise _invalid("kind", _("Choose general or on-site investigation."))
    if "customer_kind" in values and values["customer_kind"] not in CustomerKind.values:
        raise _invalid("customer_kind", _("Choose a customer kind from the list."))


@transaction.atomic
def vetting_create(
    *,
    actor: Actor,
    name: str,
    kind: str = VettingKind.GENERAL,
    customer_kind: str = CustomerKind.END_USER,
    phone: str = "",
    address: str = "",
    contact_name: str = "",
    investigated_on: dt.date | None = None,
    summary: str = "",
    customer_id: int | None = None,
) -> Vetting:
    """Start a vetting with the checklist in force (C5.criteria), every criterion not yet known.
    Rule: C5. Raises: PermissionDenied, ValidationFailed. Events: vetting.created."""
    actor.require_perm(ADD_PERM)
    _check_choices({"kind": kind, "customer_kind": customer_kind})
    if not (name or "").strip():
        raise _invalid("name", _("Give the customer's name."))
    customer = None
    if customer_id:
        from aftersales.customers.selectors import access_customer

        customer = access_customer(actor, customer_id)
    criteria = policy_get("C5.criteria")
    vetting = Vetting(
        name=name.strip(),
        kind=kind,
        customer_kind=customer_kind,
        phone=(phone or "").strip(),
        address=(address or "").strip(),
        contact_name=(contact_name or "").strip(),
        investigated_by=actor.user,
        investigated_on=investigated_on or timezone.localdate(),
        summary=(summary or "").strip(),
        policy_version=criteria.version,
        customer=customer,
    )
    full_clean(vetting)
    vetting.save()
    VettingItem.objects.bulk_create(
        [VettingItem(vetting=vetting, position=n, criterion=text) for n, text in enumerate(criteria.value, start=1)]
    )
    event_record(
        subject=vetting,
        action=events.VETTING_CREATED,
        actor=actor,
        rule="C5",
        policy_version=criteria.version,
        data={"name": vetting.name, "kind": kind, "criteria": len(criteria.value)},
    )
    return vetting


def _locked(actor: Actor, vetting_id: int, expected_version: int | None) -> Vetting:
    vetting = access_vetting(actor, vetting_id, for_update=True)
    expect_version(
        vetting,
        expected_version,
        _("Someone changed this vetting in the meantime (version %(theirs)s, yours %(yours)s). Reload it."),
        code="version_conflict",
    )
    return vetting


@transaction.atomic
def vetting_update(
    *,
    actor: Actor,
    vetting_id: int,
    expected_version: int | None = None,
    items: list[ItemAnswer] | None = None,
    **values: Any,
) -> Vetting:
    """Change the investigation and answer the checklist while it is a draft or sent back for more.
    Rule: C5, C4. Raises: NotFound, PermissionDenied, Conflict (vetting_not_editable, version_conflict),
    ValidationFailed. Events: vetting.updated (old → new)."""
    actor.require_perm(ADD_PERM)
    vetting = _locked(actor, vetting_id, expected_version)
    if vetting.state not in EDITABLE:
        raise Conflict(
            _("A vetting is changed only before it is submitted or when more investigation is asked."),
            code=VisitErrorCode.VETTING_NOT_EDITABLE,
        )
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise _invalid(sorted(unknown)[0], _("This field cannot be changed."))
    _check_choices(values)
    changes: dict[str, Any] = {}
    for field, value in values.items():
        value = value.strip() if isinstance(value, str) else value
        old = getattr(vetting, field)
        if value != old:
            changes[field] = [str(old), str(value)]
            setattr(vetting, field, value)
    if items:
        by_position = {item.position: item for item in vetting.items.all()}
        changed_items = []
        for answer in items:
            item = by_position.get(answer.position)
            if item is None:
                raise _invalid("items", _("No such criterion: %(n)s.") % {"n": answer.position})
            if answer.result not in CriterionResult.values:
                raise _invalid("items", _("Choose a result for each criterion."))
            note = (answer.note or "").strip()[:500]
            if (item.result, item.note) != (answer.result, note):
                changes[f"item {item.position}"] = [
                    f"{item.result} {item.note}".strip(),
                    f"{answer.result} {note}".strip(),
                ]
                item.result, item.note = answer.result, note
                changed_items.append(item)
        VettingItem.objects.bulk_update(changed_items, ["result", "note"])
    if not changes:
        return vetting
    full_clean(vetting)
    vetting.version += 1
    vetting.save()
    event_record(subject=vetting, action=events.VETTING_UPDATED, actor=actor, rule="C4", data={"changes": changes})
    return vetting


def _deciders() -> list[Any]:
    return list(get_user_model().objects.filter(is_active=True, groups__name=vetting_decider_role()).distinct())


@transaction.atomic
def vetting_submit(*, actor: Actor, vetting_id: int, expected_version: int | None = None) -> Vetting:
    """Send the vetting for decision once every criterion has a result; the deciders are notified.
    Rule: C5. Raises: NotFound, PermissionDenied, Conflict, ValidationFailed (items). Events: vetting.submitted."""
    actor.require_perm(ADD_PERM)
    vetting = _locked(actor, vetting_id, expected_version)
    open_items = [i.position for i in vetting.items.all() if i.result == CriterionResult.UNKNOWN]
    if open_items and vetting.state in EDITABLE:
        raise _invalid(
            "items",
            _("Give a result for every criterion first (still open: %(items)s).")
            % {"items": ", ".join(str(n) for n in open_items)},
        )
    vetting.version += 1
    transition(
        vetting, to=VettingState.SUBMITTED, table=VETTING_TRANSITIONS, actor=actor, extra_update_fields=("version",)
    )
    url = reverse("customers:vetting_detail", args=[vetting.pk])
    with notification_language():
        notify_users(
            users=[u for u in _deciders() if u.pk != actor.pk],
            title=_("New-customer vetting to decide: %(name)s") % {"name": vetting.name},
            url=url,
            rule="C5",
        )
    return vetting


@transaction.atomic
def vetting_decide(
    *, actor: Actor, vetting_id: int, decision: str, note: str = "", expected_version: int | None = None
) -> Vetting:
    """Approve, reject or ask for more investigation (the role of C5.decider_role; nobody decides their own).
    The investigator is notified. Rule: C5. Raises: NotFound, PermissionDenied, Conflict, ValidationFailed.
    Events: vetting.approved / vetting.rejected / vetting.needs_more."""
    vetting = _locked(actor, vetting_id, expected_version)
    if not vetting_may_decide(actor):
        raise PermissionDenied(_("Only the person in charge decides a new-customer vetting."))
    if vetting.investigated_by_id == actor.pk:
        raise PermissionDenied(_("Nobody decides their own request."), code="own_approval")
    targets: dict[str, str] = {
        VettingDecision.APPROVE: VettingState.APPROVED,
        VettingDecision.REJECT: VettingState.REJECTED,
        VettingDecision.NEEDS_MORE: VettingState.NEEDS_MORE,
    }
    if decision not in targets:
        raise _invalid("decision", _("Choose approve, reject or needs more investigation."))
    note = (note or "").strip()
    if decision != VettingDecision.APPROVE and not note:
        raise _invalid("note", _("Say why."))
    vetting.decided_by = actor.user
    vetting.decided_at = timezone.now()
    vetting.decision_note = note
    vetting.version += 1
    transition(
        vetting,
        to=targets[decision],
        table=VETTING_TRANSITIONS,
        actor=actor,
        reason=note,
        extra_update_fields=("decided_by", "decided_at", "decision_note", "version"),
    )
    with notification_language():
        notify_users(
            users=[vetting.investigated_by],
            title=_("Vetting of %(name)s: %(state)s") % {"name": vetting.name, "state": vetting.get_state_display()},
            body=note,
            url=reverse("customers:vetting_detail", args=[vetting.pk]),
            rule="C5",
        )
    return vetting


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    return None


def _clean_name(name: str) -> str:
    base = _UNSAFE_NAME.sub("_", os.path.basename((name or "").replace("\\", "/"))).strip()
    return base[:200] or "file"


@transaction.atomic
def vetting_file_add(*, actor: Actor, vetting_id: int, upload: IO[bytes] | File[Any], name: str = "") -> VettingFile:
    """Archive a document with the vetting (PDF, JPEG or PNG, at most C5.file_max_mb). A refused file stores
    nothing. Only while the vetting may be changed (draft or sent back), so a decision is taken on the files
    it saw. Rule: C5. Raises: NotFound, PermissionDenied, Conflict (vetting_not_editable), ValidationFailed.
    Events: vetting.file_added."""
    actor.require_perm(ADD_PERM)
    vetting = access_vetting(actor, vetting_id, for_update=True)
    if vetting.state not in EDITABLE:
        raise Conflict(
            _("Files are added only before the vetting is submitted or when more investigation is asked."),
            code=VisitErrorCode.VETTING_NOT_EDITABLE,
        )
    limit = policy_get("C5.file_max_mb")
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
    upload.seek(0)
    if size > limit.value * MB:
        raise _invalid("file", _("The file is larger than %(mb)s MB.") % {"mb": limit.value})
    if size == 0:
        raise _invalid("file", _("The file is empty."))
    kind = _sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise _invalid("file", _("Only PDF, JPEG or PNG files are archived."))
    content_type, ext = kind
    original = _clean_name(name or getattr(upload, "name", "") or "")
    today = timezone.localdate()
    path = f"customers/vetting/{today:%Y}/{today:%m}/{vetting.pk}/{uuid.uuid4().hex}.{ext}"
    row = VettingFile(
        vetting=vetting, uploaded_by=actor.user, original_name=original, content_type=content_type, size=size
    )
    stored = default_storage.save(path, upload if isinstance(upload, File) else File(upload))
    row.file.name = stored
    try:
        full_clean(row)
        row.save()
        event_record(
            subject=vetting,
            action=events.VETTING_FILE_ADDED,
            actor=actor,
            rule="C5",
            data={"file": row.pk, "name": original, "content_type": content_type, "size": size},
        )
    except Exception:
        default_storage.delete(stored)
        raise
    return row


@transaction.atomic
def vetting_customer_create(*, actor: Actor, vetting_id: int) -> Customer:
    """Open the customer file from an approved vetting, prefilled (name, kind, phone, address, contact), and
    link it. Rule: C5, C1. Raises: NotFound, PermissionDenied, Conflict (vetting_not_approved,
    vetting_has_customer). Events: customer.created, vetting.customer_created."""
    from aftersales.customers.services import ContactData, customer_create

    actor.require_perm(ADD_PERM)
    vetting = access_vetting(actor, vetting_id, for_update=True)
    if vetting.state != VettingState.APPROVED:
        raise Conflict(_("Only an approved vetting opens a customer file."), code=VisitErrorCode.VETTING_NOT_APPROVED)
    if vetting.customer_id is not None:
        raise Conflict(_("This vetting already has its customer file."), code=VisitErrorCode.VETTING_HAS_CUSTOMER)
    contacts = (
        [ContactData(name=vetting.contact_name, phone=vetting.phone, is_primary=True)] if vetting.contact_name else []
    )
    customer = customer_create(
        actor=actor,
        name=vetting.name,
        kind=vetting.customer_kind,
        phone=vetting.phone,
        address=vetting.address,
        contacts=contacts,
        notes=_("Approved by new-customer vetting %(id)s.") % {"id": vetting.pk},
        source="vetting",
    )
    vetting.customer = customer
    vetting.version += 1
    vetting.save(update_fields=["customer", "version", "updated_at"])
    event_record(
        subject=vetting, action=events.VETTING_CUSTOMER_CREATED, actor=actor, rule="C5", data={"customer": customer.pk}
    )
    return customer
