"""Writes of customer files: create, change (with history), contacts, confidential access, import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import IO, Any, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Region
from aftersales.approvals.selectors import approval_for
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_decide, approval_request
from aftersales.clocks.choices import ClockKind
from aftersales.clocks.services import clock_start, clock_stop_for
from aftersales.core.access import Actor
from aftersales.core.errors import (
    Conflict,
    DomainError,
    PermissionDenied,
    ValidationFailed,
    full_clean,
)
from aftersales.core.events import Subject, changes, event_record, snapshot
from aftersales.core.imports import IMPORT_CHECKING, IMPORT_SAVING, ImportProgress, ImportReport, cell_text, xlsx_rows
from aftersales.core.numbering import number_next
from aftersales.core.phones import MIN_LOOKUP_DIGITS, phone_digits
from aftersales.core.workflow import expect_version, transition
from aftersales.customers import events
from aftersales.customers.choices import AccessRequestStatus, CreditRating, CustomerKind
from aftersales.customers.errors import CustomerErrorCode
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest, NameIndex, PhoneIndex, name_bigrams
from aftersales.customers.selectors import (
    ACCESS_DECIDING_PERM,
    access_customer,
    access_customer_access_request,
    access_request_can_decide,
    customer_can_read,
    customer_get_for_request,
)
from aftersales.customers.transitions import ACCESS_REQUEST_TRANSITIONS
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


def _search_index_rebuild(customer: Customer) -> None:
    """Keep the hotline phone and name indexes in step with the file (C6)."""
    contacts = list(customer.contacts.all())
    NameIndex.objects.filter(customer=customer).delete()
    grams = name_bigrams(customer.name).union(*(name_bigrams(c.name) for c in contacts))
    NameIndex.objects.bulk_create([NameIndex(customer=customer, gram=g) for g in sorted(grams)])
    PhoneIndex.objects.filter(customer=customer).delete()
    rows = []
    if digits := phone_digits(customer.phone):
        rows.append(PhoneIndex(customer=customer, reversed_digits=digits[::-1]))
    for contact in contacts:
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
    full_clean(customer, exclude=["code"])
    customer.code = _customer_code()
    customer.save()
    event_record(
        subject=customer,
        action=events.CUSTOMER_CREATED,
        actor=actor,
        rule="C1",
        data={"code": customer.code, **({"source": source} if source else {}), **snapshot(customer, CUSTOMER_FIELDS)},
    )
    contacts = list(contacts or [])
    # The hotline shows one primary contact per file: the first one unless another is marked.
    has_primary = any(data.is_primary for data in contacts)
    for index, data in enumerate(contacts):
        values = {**data.__dict__, "is_primary": data.is_primary or (index == 0 and not has_primary)}
        contact = Contact(customer=customer, **values)
        full_clean(contact, exclude=["customer"])
        contact.save()
        event_record(
            subject=customer,
            action=events.CONTACT_CREATED,
            actor=actor,
            rule="C4",
            data={"contact": snapshot(contact, CONTACT_FIELDS)},
        )
    _search_index_rebuild(customer)
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
    expect_version(
        customer,
        expected_version,
        _("Someone else changed this customer file meanwhile. Reload it and make your change again."),
        code=CustomerErrorCode.VERSION_CONFLICT,
    )
    unknown = set(values) - UPDATABLE_FIELDS
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = snapshot(customer, CUSTOMER_FIELDS)
    for name, value in values.items():
        setattr(customer, name, value.strip() if isinstance(value, str) and name != "notes" else value)
    full_clean(customer)
    diff = changes(customer, before, CUSTOMER_FIELDS)
    if not diff:
        return customer
    customer.version += 1
    customer.save(update_fields=[*diff, "version", "updated_at"])
    if "phone" in diff or "name" in diff:
        _search_index_rebuild(customer)
    event_record(subject=customer, action=events.CUSTOMER_UPDATED, actor=actor, rule="C4", data=diff)
    return customer


@transaction.atomic
def contact_add(*, actor: Actor, customer_id: int, contact: ContactData) -> Contact:
    """Add a contact person to a file; a primary contact (or the file's first) demotes the others.

    Rule: C1, C4. Raises: NotFound, ConfidentialFile, PermissionDenied, ValidationFailed.
    Events: contact.created (on the customer).
    """
    actor.require_perm("customers.change_customer")
    customer = access_customer(actor, customer_id, for_update=True)
    others = Contact.objects.filter(customer=customer)
    row = Contact(customer=customer, **{**contact.__dict__, "is_primary": contact.is_primary or not others.exists()})
    full_clean(row)
    if row.is_primary:
        others.filter(is_primary=True).update(is_primary=False, updated_at=timezone.now())
    row.save()
    _search_index_rebuild(customer)
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

    The request asks the approvals engine for an approval of kind `access` (rule C3, no amount),
    decided by the file's owner (the approval's named decider) or a holder of
    customers.approve_customer_access; the engine notifies them and its handler
    (access_approval_decided) follows the decision.
    Rule: C3. Raises: NotFound, ValidationFailed, Conflict(access_already_requested).
    Events: customeraccessrequest.requested, approval.requested.
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
    full_clean(request)
    request.save()
    clock_start(
        subject=request,
        kind=ClockKind.ACCESS_DECISION,
        rule="C3",
        policy_key="C3.decide_within",
        unit="working_hours",
        calendar_code="CN",
        owner=customer.owner,
        url=reverse("customers:access_requests"),
        actor=actor,
    )
    event_record(
        subject=request,
        action=events.ACCESS_REQUESTED,
        actor=actor,
        rule="C3",
        data={"customer": customer.code, "reason": reason},
    )
    approval_request(
        actor=actor,
        subject=Subject(type=request._meta.label_lower, id=str(request.pk), label=_access_label(customer)),
        kind=ApprovalKind.ACCESS,
        rule="C3",
        note=reason,
        required_perm=ACCESS_DECIDING_PERM,
        approver_label=_("file's owner or a manager"),
        decider=customer.owner,
    )
    return request


def _access_label(customer: Customer) -> str:
    """What the approval queue shows of an access request: the file it opens (no login names)."""
    return f"{customer.code} {customer.name}"


@transaction.atomic
def access_request_decide(*, actor: Actor, request_id: int, approve: bool, note: str = "") -> CustomerAccessRequest:
    """The file's owner or a manager approves (for C3.grant_days) or refuses a request: the decision is
    the approvals engine's (approval_decide), whose handler moves the request.

    Rule: C3. Raises: NotFound (missing, or neither made nor decidable by the actor),
    PermissionDenied (own request, or a requester who cannot decide), Conflict(access_not_decidable).
    Events: approval.approved / .refused, customeraccessrequest.approved / .refused (status old → new).
    """
    request = access_customer_access_request(actor, request_id)
    if request.status != AccessRequestStatus.PENDING:
        raise Conflict(_("This request has already been decided."), code=CustomerErrorCode.NOT_DECIDABLE)
    if not access_request_can_decide(actor, request):
        raise PermissionDenied(_("Only the file's owner or a manager can decide, and not on their own request."))
    approval = approval_for(request, kind=ApprovalKind.ACCESS)
    if approval is None:  # asked before the engine decided access (the data migration gives each one)
        raise Conflict(_("This request has already been decided."), code=CustomerErrorCode.NOT_DECIDABLE)
    approval_decide(actor=actor, approval_id=approval.pk, approve=approve, note=note)
    request.refresh_from_db()
    return request


def access_approval_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): approved → the grant for C3.grant_days;
    refused → refused. The decider comes from the approval.

    Rule: C3. Raises: nothing (a request no longer pending is left alone).
    Events: customeraccessrequest.approved / .refused (status old → new).
    """
    request = (
        CustomerAccessRequest.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=approval.subject_id)
        .first()
    )
    if request is None or request.status != AccessRequestStatus.PENDING:
        return
    decider = Actor(approval.decided_by) if approval.decided_by is not None else None
    now = approval.decided_at or timezone.now()
    request.decided_by = approval.decided_by
    request.decided_at = now
    data: dict[str, Any] = {"customer": request.customer.code, "approval": approval.pk}
    if approval.state == ApprovalState.APPROVED:
        grant = policy_get("C3.grant_days")
        to = AccessRequestStatus.APPROVED
        request.expires_at = now + dt.timedelta(days=grant.value)
        request.policy_version = grant.version
        data["expires_at"] = request.expires_at.isoformat()
    else:
        to = AccessRequestStatus.REFUSED
    transition(
        request,
        to=to,
        table=ACCESS_REQUEST_TRANSITIONS,
        actor=decider,
        field="status",
        reason=approval.decision_note,
        policy_version=request.policy_version,
        data=data,
        extra_update_fields=("decided_by", "decided_at", "expires_at", "policy_version"),
    )
    clock_stop_for(subject=request, kind=ClockKind.ACCESS_DECISION, actor=decider, at=now)


@transaction.atomic
def access_request_revoke(*, actor: Actor, request_id: int) -> CustomerAccessRequest:
    """Withdraw an approved grant before it expires. Rule: C3.
    Events: customeraccessrequest.revoked (status approved → revoked)."""
    request = access_customer_access_request(actor, request_id, for_update=True)
    if not access_request_can_decide(actor, request):
        raise PermissionDenied()
    if request.status != AccessRequestStatus.APPROVED:
        raise Conflict(_("Only an approved request can be revoked."), code=CustomerErrorCode.NOT_DECIDABLE)
    transition(request, to=AccessRequestStatus.REVOKED, table=ACCESS_REQUEST_TRANSITIONS, actor=actor, field="status")
    return request


# Header titles accepted for each import column: the Chinese title first (it names the column
# in the error report), then the English one.
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("客户名称", "name"),
    "kind": ("类型", "kind"),
    "phone": ("电话", "phone"),
    "address": ("地址", "address"),
    "region": ("区域", "region"),
    "credit_rating": ("信用等级", "credit_rating"),
    "key_account": ("重点客户", "key_account"),
    "contact_name": ("联系人", "contact"),
    "contact_phone": ("联系电话", "contact_phone"),
}
_KIND_WORDS = {
    "最终用户": CustomerKind.END_USER,
    "经销商": CustomerKind.DEALER,
    "零售商": CustomerKind.RETAILER,
    "代理商": CustomerKind.AGENT,
    "end user": CustomerKind.END_USER,
    "dealer": CustomerKind.DEALER,
    "retailer": CustomerKind.RETAILER,
    "agent": CustomerKind.AGENT,
    **{value: value for value in CustomerKind.values},
}
_YES = {"是", "y", "yes", "true", "1", "√", "✓"}
_NO = {"否", "n", "no", "false", "0", ""}


def _import_row_parse(
    number: int, row: dict[str, Any], regions: dict[str, int], seen: dict[tuple[str, str], int], report: ImportReport
) -> dict[str, Any] | None:
    """Check one row; add its errors to `report`; return customer_create keyword values when it is valid."""
    title = {name: titles[0] for name, titles in IMPORT_COLUMNS.items()}
    values = {name: cell_text(row.get(name)) for name in IMPORT_COLUMNS}
    errors_before = len(report.errors)
    name = values["name"]
    if not name:
        report.add(number, title["name"], _("The customer name is required."))
    elif len(name) > cast("int", Customer._meta.get_field("name").max_length):
        report.add(number, title["name"], _("The customer name is longer than 120 characters."))
    kind = _KIND_WORDS.get(values["kind"].lower() or CustomerKind.END_USER)
    if kind is None:
        report.add(
            number,
            title["kind"],
            _("Unknown kind “%(value)s”: use 最终用户, 经销商, 零售商 or 代理商.") % {"value": values["kind"]},
        )
    for field, limit in (("phone", 40), ("contact_phone", 40)):
        if values[field] and len(phone_digits(values[field])) < MIN_LOOKUP_DIGITS:
            report.add(number, title[field], _("“%(value)s” is not a phone number.") % {"value": values[field]})
        elif len(values[field]) > limit:
            report.add(number, title[field], _("The phone number is too long."))
    if len(values["address"]) > cast("int", Customer._meta.get_field("address").max_length):
        report.add(number, title["address"], _("The address is longer than 200 characters."))
    region_id = None
    if values["region"]:
        region_id = regions.get(values["region"]) or regions.get(values["region"].upper())
        if region_id is None:
            report.add(number, title["region"], _("Unknown region “%(value)s”.") % {"value": values["region"]})
    rating = values["credit_rating"].upper() or CreditRating.B
    if rating not in CreditRating.values:
        report.add(
            number,
            title["credit_rating"],
            _("Unknown credit rating “%(value)s”: use A, B, C or D.") % {"value": values["credit_rating"]},
        )
    key_word = values["key_account"].lower()
    if key_word not in _YES | _NO:
        report.add(number, title["key_account"], _("Write 是 or 否."))
    if values["contact_phone"] and not values["contact_name"]:
        report.add(number, title["contact_name"], _("A contact phone needs the contact's name."))
    elif len(values["contact_name"]) > cast("int", Contact._meta.get_field("name").max_length):
        report.add(number, title["contact_name"], _("The contact name is longer than 64 characters."))
    key = (name, phone_digits(values["phone"]))
    if name and key in seen:
        report.add(
            number,
            title["name"],
            _("The same customer and phone are already in row %(row)s.") % {"row": seen[key]},
        )
    seen.setdefault(key, number)
    if len(report.errors) > errors_before:
        return None
    contacts = (
        [ContactData(name=values["contact_name"], phone=values["contact_phone"])] if values["contact_name"] else []
    )
    return {
        "name": name,
        "kind": kind,
        "phone": values["phone"],
        "address": values["address"],
        "region_id": region_id,
        "credit_rating": rating,
        "key_account": key_word in _YES,
        "contacts": contacts,
    }


def _import_known_duplicates(parsed: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    """A row whose name and phone match a file already registered would be a duplicate file."""
    registered: dict[tuple[str, str], str] = {}
    for code, name, phone in Customer.objects.filter(name__in={v["name"] for _n, v in parsed}).values_list(
        "code", "name", "phone"
    ):
        registered.setdefault((name, phone_digits(phone)), code)
    for number, values in parsed:
        registered_as = registered.get((values["name"], phone_digits(values["phone"])))
        if registered_as:
            report.add(
                number,
                IMPORT_COLUMNS["name"][0],
                _("This customer is registered already as %(code)s.") % {"code": registered_as},
            )


def customers_import(*, actor: Actor, fileobj: IO[bytes], progress: ImportProgress | None = None) -> ImportReport:
    """Import customer files from an .xlsx sheet: every row is checked first; one bad row imports nothing.

    Columns: 客户名称, 类型 (最终用户/经销商/零售商/代理商 or the codes), 电话, 地址, 区域 (region code
    or name), 信用等级, 重点客户 (是/否), 联系人, 联系电话. Each file is created through
    customer_create (the importer owns it), all in one transaction.
    Rule: C1, C4. Raises: PermissionDenied, ValidationFailed (not a workbook, missing columns).
    Events: customer.created (source "import") per file, customer.imported on the importing user.
    `progress(done, total, stage)` is told the rows checked (total 0: not known yet), then saved.
    """
    actor.require_perm("customers.import_customer")
    actor.require_perm("customers.add_customer")
    regions: dict[str, int] = {}
    for region in Region.objects.all():
        regions.setdefault(region.name, region.pk)
        regions[region.code.upper()] = region.pk
    report = ImportReport()
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in xlsx_rows(fileobj, IMPORT_COLUMNS):
        report.rows += 1
        values = _import_row_parse(number, row, regions, seen, report)
        if values is not None:
            parsed.append((number, values))
        if progress is not None:
            progress(report.rows, 0, IMPORT_CHECKING)
    _import_known_duplicates(parsed, report)
    if not report.ok:
        return report
    if not parsed:
        raise ValidationFailed(_("The sheet has no customer rows."), code=CustomerErrorCode.IMPORT_INVALID)
    if progress is not None:
        progress(0, len(parsed), IMPORT_SAVING)
    with transaction.atomic():
        for number, values in parsed:
            try:
                customer_create(actor=actor, source="import", **values)
            except DomainError as exc:
                for field, messages in (exc.fields or {"": [exc.message]}).items():
                    column = IMPORT_COLUMNS.get(field, ("",))[0]
                    for message in messages if isinstance(messages, list) else [messages]:
                        report.add(number, column, message)
            else:
                report.created += 1
                if progress is not None:
                    progress(report.created, len(parsed), IMPORT_SAVING)
        if not report.ok:
            report.created = 0
            transaction.set_rollback(True)
            return report
        event_record(
            subject=actor.user,
            action=events.CUSTOMER_IMPORTED,
            actor=actor,
            rule="C1",
            data={"kind": "customers", "count": report.created},
        )
    return report
