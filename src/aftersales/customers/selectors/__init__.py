"""Reads of customer files, scoped to the actor (C2, C3, C6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone

from aftersales.accounts.models import Region, User
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.phones import MIN_SUFFIX_DIGITS, looks_like_phone, phone_digits
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
    """C3: may the actor open this file? (customer_openable_ids for one file)."""
    return customer.pk in customer_openable_ids(actor, [customer])


def customer_openable_ids(actor: Actor, customers: Iterable[Customer]) -> set[int]:
    """C3: which of these files the actor may open, with at most one query (the grants).

    A portal user opens their own organisation's file; staff with view_customer open every file
    that is not confidential, a confidential one when they own it, hold the right to decide access
    (approve_customer_access: the managers C3 names), or hold an approved grant not yet expired.
    Rule: C3.
    """
    customers = list(customers)
    if actor.has_role("customer"):
        own = getattr(actor.user, "customer_id", None)
        return {c.pk for c in customers if own is not None and c.pk == own}
    if not actor.has_perm("customers.view_customer"):
        return set()
    if actor.has_perm("customers.approve_customer_access"):
        return {c.pk for c in customers}
    openable = {c.pk for c in customers if not c.confidential}
    openable |= {c.pk for c in customers if c.owner_id is not None and c.owner_id == actor.pk}
    asking = [c.pk for c in customers if c.pk not in openable]
    if asking:
        openable |= set(
            CustomerAccessRequest.objects.filter(
                customer_id__in=asking,
                requester_id=actor.pk,
                status=AccessRequestStatus.APPROVED,
                expires_at__gt=timezone.now(),
            ).values_list("customer_id", flat=True)
        )
    return openable


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


def customer_for_intake(actor: Actor, customer_id: int) -> Customer:
    """The file a service request is registered for: in the actor's scope, confidential or not.

    C3: registering needs nothing of the file's contents, so the hotline registers a request for a
    confidential file chosen from a masked hit; what it shows of the file goes through
    customer_card(). Raises: NotFound (missing or out of scope).
    """
    customer = Customer.objects.select_related("region").filter(pk=customer_id).first()
    if customer is None or not customer_in_scope(actor, customer):
        raise NotFound()
    return customer


@dataclass(frozen=True)
class VisitContact:
    """The contact and the address a visit needs, from the file (C3)."""

    contact_name: str
    phone: str
    address: str


def customer_visit_contact(
    actor: Actor, customer: Customer, *, request_engineer_id: int | None, request_open: bool, site: str = ""
) -> VisitContact | None:
    """What a visit to this customer needs: the primary contact, their phone, the site or address.

    Shown to whoever may open the file, and to the engineer dispatched to an open request of this
    customer while it is open (the request's engineer and state are passed in); None for anyone
    else, whatever the file. Rule: C3.
    """
    dispatched = request_open and request_engineer_id is not None and request_engineer_id == actor.pk
    if not (dispatched or customer_can_read(actor, customer)):
        return None
    contact = customer_primary_contact(customer)
    return VisitContact(
        contact_name=contact.name if contact else "",
        phone=(contact.phone if contact and contact.phone else "") or customer.phone,
        address=site or customer.address,
    )


def customer_get_for_request(actor: Actor, customer_id: int) -> Customer:
    """The file for someone asking for access: they must be staff who can see it in lists."""
    if actor.has_role("customer"):
        raise PermissionDenied()
    customer = customer_scope(actor).filter(pk=customer_id).first()
    if customer is None:
        raise NotFound()
    return customer


@dataclass(frozen=True)
class CustomerCard:
    """One file as one actor may see it in a list, lookup, export or intake (C3).

    Built only by customer_cards(), the one masking rule. A file the actor may not open
    (`may_open` False) shows that it matched, its customer number and name, and the number the
    actor typed (`phone`), nothing else: no contacts, phones, address, region, owner, rating or
    counts. `request_access_url` is the existing request-access page for it.
    """

    pk: int
    code: str
    name: str
    confidential: bool
    may_open: bool
    phone: str
    kind: str | None = None
    kind_label: str = ""
    address: str = ""
    region: Region | None = None
    credit_rating: str = ""
    key_account: bool | None = None
    owner: User | None = None
    contacts: tuple[Contact, ...] = ()
    updated_at: dt.datetime | None = None
    last_visit: dt.date | None = None  # C2: the latest visit report's date (C7)
    # C6: the contact whose phone (or its last digits) or name the lookup text matched; None when the
    # file's own phone or name matched, and always None on a masked card (C3).
    matched_contact: Contact | None = None

    @property
    def id(self) -> int:
        return self.pk

    @property
    def primary_contact(self) -> Contact | None:
        return self.contacts[0] if self.contacts else None

    @property
    def caller(self) -> Contact | None:
        """The contact the hotline confirms and pre-fills: the one matched, else the primary (C6)."""
        return self.matched_contact or self.primary_contact

    @property
    def request_access_url(self) -> str:
        """The file's page, which offers the access-request form to those who may not open it."""
        return "" if self.may_open else reverse("customers:detail", args=[self.pk])


def customer_cards(
    actor: Actor, customers: Sequence[Customer], *, typed: str = "", with_contacts: bool = False
) -> list[CustomerCard]:
    """The one masking rule (C3) for every way in: lists, the hotline lookup, exports and intake.

    `typed` is the lookup text: when it is a phone number or its last digits, a masked file shows
    it (the number the actor typed, never the stored one). `with_contacts` loads the contacts of
    the files the actor may open (one query). Rule: C3.
    """
    openable = customer_openable_ids(actor, customers)
    shown_phone = typed_phone(typed)
    if with_contacts:
        prefetch_related_objects([c for c in customers if c.pk in openable], "contacts")
    query = (typed or "").strip()
    cards = []
    for customer in customers:
        if customer.pk not in openable:
            cards.append(
                CustomerCard(
                    pk=customer.pk,
                    code=customer.code,
                    name=customer.name,
                    confidential=customer.confidential,
                    may_open=False,
                    phone=shown_phone,
                )
            )
            continue
        contacts = tuple(customer.contacts.all()) if with_contacts else ()
        cards.append(
            CustomerCard(
                pk=customer.pk,
                code=customer.code,
                name=customer.name,
                confidential=customer.confidential,
                may_open=True,
                phone=customer.phone,
                kind=customer.kind,
                kind_label=str(customer.get_kind_display()),
                address=customer.address,
                region=customer.region,
                credit_rating=customer.credit_rating,
                key_account=customer.key_account,
                owner=customer.owner,
                contacts=contacts,
                updated_at=customer.updated_at,
                last_visit=customer.last_visit_on,
                matched_contact=matched_contact(contacts, query) if query else None,
            )
        )
    return cards


def matched_contact(contacts: Sequence[Contact], query: str) -> Contact | None:
    """The contact a lookup text names (C6): a phone or its last MIN_SUFFIX_DIGITS+ digits ends
    that contact's phone, or the text is part of the contact's name (case-folded). None when it
    matched none of them (the file's own phone, name or number matched)."""
    query = (query or "").strip()
    if looks_like_phone(query, min_digits=MIN_SUFFIX_DIGITS):
        digits = phone_digits(query)
        for contact in contacts:
            if contact.phone and phone_digits(contact.phone).endswith(digits):
                return contact
    folded = "".join(query.casefold().split())
    if len(folded) >= 2:
        for contact in contacts:
            if folded in "".join(contact.name.casefold().split()):
                return contact
    return None


def customer_card(actor: Actor, customer: Customer, *, typed: str = "", with_contacts: bool = False) -> CustomerCard:
    """customer_cards() for one file."""
    return customer_cards(actor, [customer], typed=typed, with_contacts=with_contacts)[0]


class CustomerCardList(Sequence[CustomerCard]):
    """A filtered file list that pages like a queryset and yields masked cards (C3).

    Django's Paginator and Ninja's pagination count it with one query and slice it with another;
    only the rows of the page are read and passed through customer_cards().
    """

    def __init__(
        self, actor: Actor, queryset: QuerySet[Customer], *, typed: str = "", with_contacts: bool = False
    ) -> None:
        self._actor = actor
        self._queryset = queryset
        self._typed = typed
        self._with_contacts = with_contacts
        self._count: int | None = None

    def count(self) -> int:  # type: ignore[override]  # Paginator calls count() without arguments
        if self._count is None:
            self._count = self._queryset.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> CustomerCard: ...

    @overload
    def __getitem__(self, index: slice) -> list[CustomerCard]: ...

    def __getitem__(self, index: int | slice) -> CustomerCard | list[CustomerCard]:
        rows = list(self._queryset[index]) if isinstance(index, slice) else [self._queryset[index]]
        cards = customer_cards(self._actor, rows, typed=self._typed, with_contacts=self._with_contacts)
        return cards if isinstance(index, slice) else cards[0]


def customer_card_list(actor: Actor, *, q: str = "", with_contacts: bool = False, **filters: Any) -> CustomerCardList:
    """customer_list() as masked cards (C2, C3, C6): the overview page and GET /customers."""
    return CustomerCardList(actor, customer_list(actor, q=q, **filters), typed=q, with_contacts=with_contacts)


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
    not_visited_since: dt.date | None = None,
    sort: str = "",
) -> QuerySet[Customer]:
    """Files in the actor's scope, filtered; ordered by customer number unless `sort` names a column of
    OVERVIEW_SORT ("name", "-last_visit" …) (C2).

    `q` is the hotline lookup (phone in any format, name or contact-name fragment, number).
    `not_visited_since`: files never visited or last visited before that day (C7 visit planning).
    """
    qs = customer_scope(actor).select_related("region", "owner")
    if with_contacts:
        qs = qs.prefetch_related("contacts")
    if kind or region_id or key_account is not None or owner_id or not_visited_since:
        # C3: a filter on what a masked file hides (kind, region, key account, owner) must not tell
        # it either, so files the actor may not open are left out of such a filtered list.
        qs = customer_readable(actor, qs)
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
    if not_visited_since:
        qs = qs.filter(Q(last_visit_on__isnull=True) | Q(last_visit_on__lt=not_visited_since))
    return overview_order(qs, sort)


# C2: the overview's sortable columns (public name → field); the number breaks ties, never-visited files
# come first when sorting by the oldest visit and last when sorting by the latest, on every database.
OVERVIEW_SORT = {"code": "code", "name": "name", "kind": "kind", "last_visit": "last_visit_on"}


def overview_order(qs: QuerySet[Customer], sort: str) -> QuerySet[Customer]:
    key, descending = (sort or "").lstrip("-"), (sort or "").startswith("-")
    if key not in OVERVIEW_SORT:
        return qs.order_by("code")
    field = F(OVERVIEW_SORT[key])
    ordered = field.desc(nulls_last=True) if descending else field.asc(nulls_first=True)
    return qs.order_by(ordered, "-code" if descending else "code")


def _phone_suffix_ids(query: str) -> QuerySet[PhoneIndex, Any]:
    reversed_digits = phone_digits(query)[::-1]
    return (
        PhoneIndex.objects.filter(
            reversed_digits__gte=reversed_digits, reversed_digits__lt=reversed_digits + _PREFIX_END
        )
        .values("customer_id")
        .distinct()
    )


# A digits-only lookup is answered from at most this many files per way of matching (phone suffix,
# name, serial): 4 trailing digits shared by more files than this are not a usable candidate list.
DIGITS_LOOKUP_CAP = 500


def _serial_customer_ids(query: str) -> QuerySet[Any, Any]:
    """The customer of the unit with this serial number (exact, as typed or upper-cased; unique index)."""
    from aftersales.installed_base.models import Unit  # read-only: the serial names its customer

    return Unit.objects.filter(serial__in=sorted({query, query.upper()})).values("customer_id")


def _name_ids(query: str) -> QuerySet[Any, Any]:
    """Files whose name or a contact's name contains the fragment, narrowed by the bigram index first."""
    contact_match = Exists(Contact.objects.filter(customer=OuterRef("pk"), name__icontains=query))
    candidates = Customer.objects.all()
    # Narrow by the bigram index first (each bigram is one indexed lookup), then check the text.
    for gram in sorted(name_bigrams(query)):
        candidates = candidates.filter(pk__in=NameIndex.objects.filter(gram=gram).values("customer_id"))
    return candidates.filter(Q(name__icontains=query) | contact_match).values("pk")


def customer_lookup_ids(query: str) -> QuerySet[Any, Any]:
    """Ids of customers matching a phone (any format, suffix match), a name/number fragment, a
    contact's name or phone, or a unit's serial number (C6).

    A query of digits only (phone separators allowed) with at least MIN_SUFFIX_DIGITS digits is the
    caller's number or its last digits: it matches any phone of the file or of its contacts by suffix
    (the reversed-digit index: a range scan), and also a unit serial, a customer number and a name
    fragment. Each of these is one indexed query, run on its own and joined here (an OR of them
    would be a scan of every file on PostgreSQL). Other text matches names (the bigram index),
    a customer number or a serial.
    """
    query = (query or "").strip()
    if looks_like_phone(query, min_digits=MIN_SUFFIX_DIGITS):
        cap = DIGITS_LOOKUP_CAP
        ids = set(_phone_suffix_ids(query).values_list("customer_id", flat=True)[:cap])
        ids |= set(_serial_customer_ids(query).values_list("customer_id", flat=True)[:cap])
        if not looks_like_phone(query):  # a short number may also be a name or number fragment
            ids |= set(_name_ids(query).values_list("pk", flat=True)[:cap])
            ids |= set(Customer.objects.filter(code=query.upper()).values_list("pk", flat=True))
        return Customer.objects.filter(pk__in=sorted(ids)).values("pk")
    condition = Q(pk__in=_name_ids(query)) | Q(code=query.upper()) | Q(pk__in=_serial_customer_ids(query))
    return Customer.objects.filter(condition).values("pk")


def typed_phone(query: str) -> str:
    """The number as the actor typed it when the lookup text is a phone or its last digits, else ""."""
    query = (query or "").strip()
    return query if looks_like_phone(query, min_digits=MIN_SUFFIX_DIGITS) else ""


def customer_lookup(actor: Actor, query: str, *, limit: int = 20) -> list[CustomerCard]:
    """Hotline lookup (C6): at most `limit` files, key accounts first, each as the actor may see it (C3)."""
    if not (query or "").strip():
        return []
    qs = customer_scope(actor).filter(pk__in=customer_lookup_ids(query)).select_related("region", "owner")
    return customer_cards(actor, list(qs.order_by("-key_account", "code")[:limit]), typed=query, with_contacts=True)


def customer_primary_contact(customer: Customer) -> Contact | None:
    """The primary contact (else the first one); uses prefetched contacts when there are any."""
    contacts = list(customer.contacts.all())
    return contacts[0] if contacts else None


@dataclass(frozen=True)
class Satisfaction:
    """C2: the customer's latest satisfaction: a survey response's grade (V4) or a callback's answer (V2)."""

    label: str
    source: str  # "survey" | "callback"
    at: dt.datetime
    score: Any = None


@dataclass(frozen=True)
class OverviewRow:
    """One row of the overview and its export; the figures are None for a masked file (C3)."""

    customer: CustomerCard
    units: int | None
    contracts: int | None
    last_event_at: dt.datetime | None
    open_requests: int | None = None
    complaints: int | None = None
    open_complaints: int | None = None
    last_visit: dt.date | None = None
    satisfaction: Satisfaction | None = None


def _latest_satisfaction(ids: list[int]) -> dict[int, Satisfaction]:
    """The newest survey grade or callback answer per customer: two grouped queries and two reads of the
    newest rows (by their (customer, time) maxima), whatever the number of customers."""
    from django.apps import apps

    found: dict[int, Satisfaction] = {}
    if not ids:
        return found
    response_model = apps.get_model("surveys", "Response")
    callback_model = apps.get_model("callbacks", "Callback")
    latest = response_model.objects.filter(customer_id__in=ids).values("customer_id").annotate(at=Max("created_at"))
    newest = {row["customer_id"]: row["at"] for row in latest}
    if newest:
        rows = response_model.objects.filter(customer_id__in=list(newest), created_at__in=set(newest.values()))
        for r in rows:
            if newest.get(r.customer_id) == r.created_at:
                found[r.customer_id] = Satisfaction(r.get_grade_display(), "survey", r.created_at, r.score)
    latest = (
        callback_model.objects.filter(customer_id__in=ids, done_at__isnull=False)
        .exclude(satisfaction="")
        .values("customer_id")
        .annotate(at=Max("done_at"))
    )
    newest = {row["customer_id"]: row["at"] for row in latest}
    if newest:
        rows = callback_model.objects.filter(customer_id__in=list(newest), done_at__in=set(newest.values())).exclude(
            satisfaction=""
        )
        for c in rows:
            if newest.get(c.customer_id) != c.done_at:
                continue
            current = found.get(c.customer_id)
            if current is None or current.at < c.done_at:
                found[c.customer_id] = Satisfaction(c.get_satisfaction_display(), "callback", c.done_at)
    return found


def customer_overview(actor: Actor, cards: list[CustomerCard]) -> list[OverviewRow]:
    """C2 figures for one page of files: units, active contracts, open requests, complaints (all and open),
    last visit (C7) and the latest satisfaction (V2, V4) — a fixed number of grouped queries, never one
    per row; none for masked files. Rule: C2, C3.
    """
    from django.apps import apps

    from aftersales.installed_base.models import ServiceContract, Unit  # read-only counts

    ids = [c.pk for c in cards if c.may_open]
    units = dict(Unit.objects.filter(customer_id__in=ids).values_list("customer_id").annotate(n=Count("id")))
    today = timezone.localdate()
    contracts = dict(
        ServiceContract.objects.filter(customer_id__in=ids, start_date__lte=today, end_date__gte=today)
        .values_list("customer_id")
        .annotate(n=Count("id"))
    )
    requests = dict(
        apps.get_model("service", "ServiceRequest")
        .objects.filter(customer_id__in=ids, open=True)
        .values_list("customer_id")
        .annotate(n=Count("id"))
    )
    complaints = {
        row["customer_id"]: (row["n"], row["open"])
        for row in apps.get_model("complaints", "Complaint")
        .objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(n=Count("id"), open=Count("id", filter=~Q(state__in=["closed", "rejected"])))
    }
    satisfaction = _latest_satisfaction(ids)
    return [
        OverviewRow(
            customer=c,
            units=units.get(c.pk, 0) if c.may_open else None,
            contracts=contracts.get(c.pk, 0) if c.may_open else None,
            last_event_at=c.updated_at,
            open_requests=requests.get(c.pk, 0) if c.may_open else None,
            complaints=complaints.get(c.pk, (0, 0))[0] if c.may_open else None,
            open_complaints=complaints.get(c.pk, (0, 0))[1] if c.may_open else None,
            last_visit=c.last_visit if c.may_open else None,
            satisfaction=satisfaction.get(c.pk) if c.may_open else None,
        )
        for c in cards
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


def customer_export_list(actor: Actor, **filters: Any) -> Iterator[OverviewRow]:
    """C2 rows of every file matching the list filters, in chunks, masked as in the list (C3).

    A confidential file the actor may not open is one row with its number and name (and the
    number typed in `q`) and nothing else. Rule: C2, C3.
    """
    q = str(filters.get("q") or "")
    qs = customer_list(actor, **filters)
    chunk: list[Customer] = []
    for customer in qs.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(customer)
        if len(chunk) == EXPORT_CHUNK:
            yield from customer_overview(actor, customer_cards(actor, chunk, typed=q))
            chunk = []
    if chunk:
        yield from customer_overview(actor, customer_cards(actor, chunk, typed=q))


def customer_owner_choices() -> QuerySet[User]:
    """Staff who may own customer files (the owner filter and the owner field)."""
    return User.objects.filter(is_active=True, customer__isnull=True).order_by("username")


ACCESS_DECIDING_PERM = "customers.approve_customer_access"  # C3: managers decide every access request


def access_request_list(actor: Actor, *, status: str = "") -> QuerySet[CustomerAccessRequest]:
    """Requests the actor made, and those the actor may decide (owner of the file, or a manager).

    Rule: C3. Raises: PermissionDenied (portal users have no access requests).
    """
    actor.require_perm("customers.view_customer")
    qs = CustomerAccessRequest.objects.select_related("customer", "customer__owner", "requester", "decided_by")
    mine = Q(requester_id=actor.pk)
    decidable = Q(customer__owner_id=actor.pk)
    if actor.has_perm(ACCESS_DECIDING_PERM):
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
    return actor.has_perm(ACCESS_DECIDING_PERM)


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


def customer_id_for_code(code: str) -> int | None:
    """The customer with this number (e.g. the file a new portal user belongs to), or None."""
    code = (code or "").strip().upper()
    return Customer.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
