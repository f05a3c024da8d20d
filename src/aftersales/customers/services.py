"""Writes of customer files: create, change (with history), contacts, confidential access, import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
    validation_error_from_django,
)
from aftersales.core.events import changes, event_record, snapshot
from aftersales.core.numbering import number_next
from aftersales.core.phones import phone_digits
from aftersales.customers import events
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.errors import CustomerErrorCode
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest, PhoneIndex
from aftersales.customers.selectors import (
    access_customer,
    access_request_can_decide,
    customer_can_read,
    customer_get_for_request,
)
from aftersales.policies.selectors import policy_get

CUSTOMER_FIELDS = [
    "name",
    "kind",
    "phone",
    "address",
    "region",
    "credit_rating",
    "relationship",
    "key_account",
    "confidential",
    "owner",
    "notes",
]
UPDATABLE_FIELDS = {f for f in CUSTOMER_FIELDS if f not in ("region", "owner")} | {"region_id", "owner_id"}
CONTACT_FIELDS = ["name", "title", "phone", "email", "is_primary"]


@dataclass
class ContactData:
    name: str
    phone: str = ""
    title: str = ""
    email: str = ""
    is_primary: bool = False


def _full_clean(obj: Any, **kwargs: Any) -> None:
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise validation_error_from_django(exc) from exc


def _phone_index_rebuild(customer: Customer) -> None:
    """Keep the hotline phone index in step with the file's phones (C6)."""
    PhoneIndex.objects.filter(customer=customer).delete()
    rows = []
    if digits := phone_digits(customer.phone):
        rows.append(PhoneIndex(customer=customer, reversed_digits=digits[::-1]))
    for contact in customer.contacts.all():
        if digits := phone_digits(contact.phone):
            rows.append(PhoneIndex(customer=customer, contact=contact, reversed_digits=digits[::-1]))
    PhoneIndex.objects.bulk_create(rows)


def _customer_code() -> str:
    return f"KH{number_next(key='customer', period='all'):06d}"


@transaction.atomic
def customer_create(
    *,
    actor: Actor,
    name: str,
    kind: str = "end_user",
    phone: str = "",
    address: str = "",
    region_id: int | None = None,
    credit_rating: str = "B",
    relationship: str = "",
    key_account: bool = False,
    confidential: bool = False,
    owner_id: int | None = None,
    notes: str = "",
    contacts: list[ContactData] | None = None,
    source: str = "",
) -> Customer:
    """Open a customer file (用户档案) with its contacts; the creator owns it unless told otherwise.

    Rule: C1, C4. Raises: PermissionDenied, ValidationFailed. Events: customer.created, contact.created.
    """
    actor.require_perm("customers.add_customer")
    customer = Customer(
        code="KH-PENDING",
        name=(name or "").strip(),
        kind=kind,
        phone=(phone or "").strip(),
        address=(address or "").strip(),
        region_id=region_id,
        credit_rating=credit_rating,
        relationship=relationship,
        key_account=key_account,
        confidential=confidential,
        owner_id=owner_id if owner_id is not None else actor.pk,
        notes=notes,
    )
    _full_clean(customer, exclude=["code"])
    customer.code = _customer_code()
    customer.save()
    for data in contacts or []:
        contact = Contact(customer=customer, **data.__dict__)
        _full_clean(contact)
        contact.save()
    _phone_index_rebuild(customer)
    event_record(
        subject=customer,
        action=events.CUSTOMER_CREATED,
        actor=actor,
        rule="C1",
        data={"code": customer.code, **({"source": source} if source else {}), **snapshot(customer, CUSTOMER_FIELDS)},
    )
    return customer


@transaction.atomic
def customer_update(*, actor: Actor, customer_id: int, expected_version: int | None = None, **values: Any) -> Customer:
    """Change fields of a file; every change is recorded old → new (C4).

    `expected_version` (the version the editor saw) stops a second editor from silently
    overwriting the first. Rule: C1, C4. Raises: NotFound, ConfidentialFile, PermissionDenied,
    Conflict(version_conflict), ValidationFailed. Events: customer.updated.
    """
    actor.require_perm("customers.change_customer")
    customer = access_customer(actor, customer_id, for_update=True)
    if expected_version is not None and expected_version != customer.version:
        raise Conflict(
            _("Someone else changed this customer file meanwhile. Reload it and make your change again."),
            code=CustomerErrorCode.VERSION_CONFLICT,
            fields={"version": [str(customer.version)]},
        )
    unknown = set(values) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = snapshot(customer, CUSTOMER_FIELDS)
    for name, value in values.items():
        setattr(customer, name, value.strip() if isinstance(value, str) and name != "notes" else value)
    _full_clean(customer)
    diff = changes(customer, before, CUSTOMER_FIELDS)
    if not diff:
        return customer
    customer.version += 1
    customer.save()
    if "phone" in diff:
        _phone_index_rebuild(customer)
    event_record(subject=customer, action=events.CUSTOMER_UPDATED, actor=actor, rule="C4", data=diff)
    return customer


@transaction.atomic
def contact_add(*, actor: Actor, customer_id: int, contact: ContactData) -> Contact:
    """Add a contact person to a file. Rule: C1, C4. Events: contact.created (on the customer)."""
    actor.require_perm("customers.change_customer")
    customer = access_customer(actor, customer_id, for_update=True)
    row = Contact(customer=customer, **contact.__dict__)
    _full_clean(row)
    row.save()
    _phone_index_rebuild(customer)
    event_record(
        subject=customer,
        action=events.CONTACT_CREATED,
        actor=actor,
        rule="C4",
        data={"contact": snapshot(row, CONTACT_FIELDS)},
    )
    return row


@transaction.atomic
def customer_open(*, actor: Actor, customer_id: int) -> Customer:
    """Open a file for reading; a read by anyone but its owner is logged (C3).

    Rule: C3. Raises: NotFound, ConfidentialFile. Events: customer.read.
    """
    customer = access_customer(actor, customer_id)
    if customer.owner_id != actor.pk and not actor.has_role("customer"):
        event_record(subject=customer, action=events.CUSTOMER_READ, actor=actor, rule="C3")
    return customer


@transaction.atomic
def customer_export_log(*, actor: Actor, count: int, filters: dict[str, Any], kind: str = "customers") -> None:
    """Record an export (C3: every export is logged). Raises: PermissionDenied."""
    actor.require_perm("customers.export_customer" if kind == "customers" else "installed_base.export_unit")
    # The export is recorded on the exporting user's record: "who exported what, when".
    event_record(
        subject=actor.user,
        action=events.CUSTOMER_EXPORTED,
        actor=actor,
        rule="C3",
        data={"kind": kind, "count": count, "filters": {k: v for k, v in filters.items() if v not in ("", None)}},
    )


@transaction.atomic
def access_request_create(*, actor: Actor, customer_id: int, reason: str) -> CustomerAccessRequest:
    """Ask the owner or a manager for access to a confidential file (C3).

    Rule: C3. Raises: NotFound, ValidationFailed, Conflict(access_already_requested).
    Events: customeraccessrequest.requested.
    """
    customer = customer_get_for_request(actor, customer_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why you need the file."), fields={"reason": [_("This field is required.")]})
    if customer_can_read(actor, customer):
        raise Conflict(_("You can already read this customer file."), code=CustomerErrorCode.ALREADY_REQUESTED)
    if CustomerAccessRequest.objects.filter(
        customer=customer, requester_id=actor.pk, status=AccessRequestStatus.PENDING
    ).exists():
        raise Conflict(
            _("Your request for this file is waiting for a decision."), code=CustomerErrorCode.ALREADY_REQUESTED
        )
    request = CustomerAccessRequest(customer=customer, requester=actor.user, reason=reason[:200])
    _full_clean(request)
    request.save()
    event_record(
        subject=request,
        action=events.ACCESS_REQUESTED,
        actor=actor,
        rule="C3",
        data={"customer": customer.code, "reason": reason},
    )
    return request


@transaction.atomic
def access_request_decide(*, actor: Actor, request_id: int, approve: bool) -> CustomerAccessRequest:
    """The file's owner or a manager approves (for C3.grant_days) or refuses a request.

    Rule: C3. Raises: NotFound, PermissionDenied, Conflict(access_not_decidable).
    Events: customeraccessrequest.approved / .refused.
    """
    request = (
        CustomerAccessRequest.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    if not access_request_can_decide(actor, request):
        raise PermissionDenied(_("Only the file's owner or a manager can decide, and not on their own request."))
    if request.status != AccessRequestStatus.PENDING:
        raise Conflict(_("This request has already been decided."), code=CustomerErrorCode.NOT_DECIDABLE)
    now = timezone.now()
    request.decided_by = actor.user
    request.decided_at = now
    if approve:
        grant = policy_get("C3.grant_days")
        request.status = AccessRequestStatus.APPROVED
        request.expires_at = now + dt.timedelta(days=grant.value)
        request.policy_version = grant.version
    else:
        request.status = AccessRequestStatus.REFUSED
    request.save(update_fields=["status", "decided_by", "decided_at", "expires_at", "policy_version", "updated_at"])
    event_record(
        subject=request,
        action=events.ACCESS_APPROVED if approve else events.ACCESS_REFUSED,
        actor=actor,
        rule="C3",
        policy_version=request.policy_version,
        data={
            "status": [AccessRequestStatus.PENDING, request.status],
            "customer": request.customer.code,
            **({"expires_at": request.expires_at.isoformat()} if request.expires_at else {}),
        },
    )
    return request


@transaction.atomic
def access_request_revoke(*, actor: Actor, request_id: int) -> CustomerAccessRequest:
    """Withdraw an approved grant before it expires. Rule: C3. Events: customeraccessrequest.revoked."""
    request = (
        CustomerAccessRequest.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound()
    if not access_request_can_decide(actor, request):
        raise PermissionDenied()
    if request.status != AccessRequestStatus.APPROVED:
        raise Conflict(_("Only an approved request can be revoked."), code=CustomerErrorCode.NOT_DECIDABLE)
    request.status = AccessRequestStatus.REVOKED
    request.save(update_fields=["status", "updated_at"])
    event_record(
        subject=request, action=events.ACCESS_REVOKED, actor=actor, rule="C3", data={"status": ["approved", "revoked"]}
    )
    return request
