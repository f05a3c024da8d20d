"""Reads of customer files, scoped to the actor (C2, C3, C6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.phones import looks_like_phone, phone_digits
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.errors import ConfidentialFile
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest, NameIndex, PhoneIndex, name_bigrams

# Sentinel one past "9" in ASCII: "123" <= x < "123:" is every string starting with "123".
_PREFIX_END = ":"


def customer_scope(actor: Actor) -> QuerySet[Customer]:
    """Every file the actor may see in lists: staff with view_customer all, a portal user their own."""
    if actor.has_role("customer"):
        return Customer.objects.filter(pk=getattr(actor.user, "customer_id", None) or 0)
    if actor.has_perm("customers.view_customer"):
        return Customer.objects.all()
    return Customer.objects.none()


def customer_can_read(actor: Actor, customer: Customer) -> bool:
    """C3: may the actor open this file? Each condition on its own line."""
    if actor.has_role("customer"):
        return getattr(actor.user, "customer_id", None) == customer.pk
    if not actor.has_perm("customers.view_customer"):
        return False
    if not customer.confidential:
        return True
    if customer.owner_id is not None and customer.owner_id == actor.pk:
        return True
    if actor.has_perm("customers.approve_customer_access"):
        return True
    return access_grant_active(actor, customer.pk)


def access_grant_active(actor: Actor, customer_id: int) -> bool:
    return CustomerAccessRequest.objects.filter(
        customer_id=customer_id,
        requester_id=actor.pk,
        status=AccessRequestStatus.APPROVED,
        expires_at__gt=timezone.now(),
    ).exists()


def customer_in_scope(actor: Actor, customer: Customer) -> bool:
    """customer_scope for one file already read."""
    if actor.has_role("customer"):
        return customer.pk == (getattr(actor.user, "customer_id", None) or 0)
    return actor.has_perm("customers.view_customer")


def access_customer(actor: Actor, customer_id: int, *, for_update: bool = False) -> Customer:
    """The file with its region, if the actor may read it. Raises: NotFound (missing or out of
    scope), ConfidentialFile (exists, confidential, no grant).

    Every registration comes here (docs/decisions/0004, 0010)."""
    if for_update:
        qs = customer_scope(actor).select_related("region").select_for_update(of=("self",))
        customer = qs.filter(pk=customer_id).first()
    else:  # one statement, then the scope check on the row (docs/decisions/0010)
        customer = Customer.objects.select_related("region").filter(pk=customer_id).first()
        if customer is not None and not customer_in_scope(actor, customer):
            customer = None
    if customer is None:
        raise NotFound()
    if not customer_can_read(actor, customer):
        raise ConfidentialFile(customer.pk)
    return customer


def customer_get_for_request(actor: Actor, customer_id: int) -> Customer:
    """The file for someone asking for access: they must be staff who can see it in lists."""
    if actor.has_role("customer"):
        raise PermissionDenied()
    customer = customer_scope(actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


def customer_list(
    actor: Actor,
    *,
    q: str = "",
    kind: str = "",
    region_id: int | None = None,
    key_account: bool | None = None,
    owner_id: int | None = None,
    confidential: bool | None = None,
    with_contacts: bool = False,
) -> QuerySet[Customer]:
    """Files in the actor's scope, filtered; ordered by customer number (C2).

    `q` is the hotline lookup (phone in any format, name or contact-name fragment, number).
    """
    qs = customer_scope(actor).select_related("region", "owner")
    if with_contacts:
        qs = qs.prefetch_related("contacts")
    if q:
        qs = qs.filter(pk__in=customer_lookup_ids(q))
    if kind:
        qs = qs.filter(kind=kind)
    if region_id:
        qs = qs.filter(region_id=region_id)
    if key_account is not None:
        qs = qs.filter(key_account=key_account)
    if confidential is not None:
        qs = qs.filter(confidential=confidential)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    return qs.order_by("code")


def customer_lookup_ids(query: str) -> QuerySet[Customer] | QuerySet[PhoneIndex]:
    """Ids of customers matching a phone (any format, suffix match) or a name/number fragment (C6)."""
    query = (query or "").strip()
    if looks_like_phone(query):
        reversed_digits = phone_digits(query)[::-1]
        return (
            PhoneIndex.objects.filter(
                reversed_digits__gte=reversed_digits, reversed_digits__lt=reversed_digits + _PREFIX_END
            )
            .values("customer_id")
            .distinct()
        )
    contact_match = Exists(Contact.objects.filter(customer=OuterRef("pk"), name__icontains=query))
    candidates = Customer.objects.all()
    # Narrow by the bigram index first (each bigram is one indexed lookup), then check the text.
    for gram in sorted(name_bigrams(query)):
        candidates = candidates.filter(pk__in=NameIndex.objects.filter(gram=gram).values("customer_id"))
    matched = candidates.filter(Q(name__icontains=query) | contact_match).values("pk")
    return Customer.objects.filter(Q(pk__in=matched) | Q(code=query.upper())).values("pk")


def customer_lookup(actor: Actor, query: str, *, limit: int = 20) -> list[Customer]:
    """Hotline lookup (C6): at most `limit` files, key accounts first."""
    if not (query or "").strip():
        return []
    qs = (
        customer_scope(actor)
        .filter(pk__in=customer_lookup_ids(query))
        .select_related("region", "owner")
        .prefetch_related("contacts")
    )
    return list(qs.order_by("-key_account", "code")[:limit])


def customer_primary_contact(customer: Customer) -> Contact | None:
    """The primary contact (else the first one); uses prefetched contacts when there are any."""
    contacts = list(customer.contacts.all())
    return contacts[0] if contacts else None


@dataclass(frozen=True)
class OverviewRow:
    customer: Customer
    units: int
    contracts: int
    last_event_at: dt.datetime


def customer_overview(actor: Actor, customers: list[Customer]) -> list[OverviewRow]:
    """C2 counts for one page of customers (two grouped queries, not one per row).

    Rule: C2.
    """
    from aftersales.installed_base.models import ServiceContract, Unit  # read-only counts

    ids = [c.pk for c in customers]
    units = dict(Unit.objects.filter(customer_id__in=ids).values_list("customer_id").annotate(n=Count("id")))
    today = timezone.localdate()
    contracts = dict(
        ServiceContract.objects.filter(customer_id__in=ids, start_date__lte=today, end_date__gte=today)
        .values_list("customer_id")
        .annotate(n=Count("id"))
    )
    return [
        OverviewRow(customer=c, units=units.get(c.pk, 0), contracts=contracts.get(c.pk, 0), last_event_at=c.updated_at)
        for c in customers
    ]


EXPORT_CHUNK = 2000  # ids per IN (...) clause: well under SQLite's bound-parameter limit


def customer_readable(actor: Actor, qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """Narrow `qs` to the files the actor may read (C3), as one query (for exports)."""
    if actor.has_role("customer") or actor.has_perm("customers.approve_customer_access"):
        return qs
    grant = CustomerAccessRequest.objects.filter(
        customer=OuterRef("pk"),
        requester_id=actor.pk,
        status=AccessRequestStatus.APPROVED,
        expires_at__gt=timezone.now(),
    )
    return qs.filter(Q(confidential=False) | Q(owner_id=actor.pk) | Exists(grant))


def customer_export_list(actor: Actor, **filters: object) -> Iterator[OverviewRow]:
    """C2 rows of every file matching the list filters that the actor may read (C3), in chunks.

    Confidential files the actor may not open are left out of the export.
    Rule: C2, C3.
    """
    qs = customer_readable(actor, customer_list(actor, **filters))  # type: ignore[arg-type]
    chunk: list[Customer] = []
    for customer in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(customer)
        if len(chunk) == EXPORT_CHUNK:
            yield from customer_overview(actor, chunk)
            chunk = []
    if chunk:
        yield from customer_overview(actor, chunk)


def customer_owner_choices() -> QuerySet[User]:
    """Staff who may own customer files (the owner filter and the owner field)."""
    return User.objects.filter(is_active=True, customer__isnull=True).order_by("username")


def access_request_list(actor: Actor, *, status: str = "") -> QuerySet[CustomerAccessRequest]:
    """Requests the actor made, and those the actor may decide (owner of the file, or a manager).

    Rule: C3. Raises: PermissionDenied (portal users have no access requests).
    """
    actor.require_perm("customers.view_customer")
    qs = CustomerAccessRequest.objects.select_related("customer", "customer__owner", "requester", "decided_by")
    mine = Q(requester_id=actor.pk)
    decidable = Q(customer__owner_id=actor.pk)
    if actor.has_perm("customers.approve_customer_access"):
        decidable = Q(pk__isnull=False)
    qs = qs.filter(mine | decidable)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def access_customer_access_request(actor: Actor, request_id: int, *, for_update: bool = False) -> CustomerAccessRequest:
    """One request the actor made or may decide. Raises: NotFound (missing or not theirs)."""
    qs = access_request_list(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    request = qs.filter(pk=request_id).first()
    if request is None:
        raise NotFound()
    return request


def access_request_can_decide(actor: Actor, request: CustomerAccessRequest) -> bool:
    """C3: the file's owner or a manager decides; nobody decides their own request."""
    if request.requester_id == actor.pk:
        return False
    if request.customer.owner_id is not None and request.customer.owner_id == actor.pk:
        return True
    return actor.has_perm("customers.approve_customer_access")


def customer_has_pending_request(actor: Actor, customer_id: int) -> bool:
    return CustomerAccessRequest.objects.filter(
        customer_id=customer_id, requester_id=actor.pk, status=AccessRequestStatus.PENDING
    ).exists()


def customers_with_grant(actor: Actor) -> QuerySet[Customer]:
    grant = CustomerAccessRequest.objects.filter(
        customer=OuterRef("pk"),
        requester_id=actor.pk,
        status=AccessRequestStatus.APPROVED,
        expires_at__gt=timezone.now(),
    )
    return customer_scope(actor).filter(Exists(grant))
