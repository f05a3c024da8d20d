"""Reads of products, units, warranty cover, service contracts and loans, scoped to the actor (A1–A6, S4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.calendars.models import WorkCalendar
from aftersales.calendars.selectors import ALWAYS, CN
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound, ValidationFailed
from aftersales.core.timeutils import today
from aftersales.customers.models import Customer
from aftersales.customers.selectors import customer_openable_ids
from aftersales.installed_base.choices import ContractCover
from aftersales.installed_base.models import (
    Product,
    ServiceContract,
    SubstituteEquipment,
    SubstituteLoan,
    Unit,
)
from aftersales.installed_base.warranty import (
    ContractTerm,
    Coverage,
    Warranty,
    WarrantyTerms,
    add_months,
    coverage_on,
    warranty_for,
)
from aftersales.policies.selectors import PolicySnapshot, policy_snapshot

if TYPE_CHECKING:
    from aftersales.accounts.models import ServicePoint

# The largest id the databases store (signed 64-bit); a bigger number from a URL or a client finds nothing.
MAX_ID = 2**63 - 1
# Upper bound of a prefix range: sorts after every character a serial number contains.
_PREFIX_END = "\U0010fffd"


def valid_id(value: object) -> bool:
    """An id the database can be asked about (guards SQLite against integers it cannot bind)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def _search_text(q: str) -> str:
    # PostgreSQL text cannot hold NUL, and no record contains one: drop it rather than fail.
    return (q or "").replace("\x00", "").strip()


def _portal_customer_id(actor: Actor) -> int:
    return getattr(actor.user, "customer_id", None) or 0


# --- products (A1) ---------------------------------------------------------------------------


def product_scope(actor: Actor) -> QuerySet[Product]:
    """The catalogue: every product for staff with view_product, nothing for anyone else."""
    if actor.has_perm("installed_base.view_product"):
        return Product.objects.all()
    return Product.objects.none()


def product_list(actor: Actor, *, q: str = "", category: str = "") -> QuerySet[Product]:
    """Products by model, filtered by a model/name fragment and category. Rule: A1.

    Raises: PermissionDenied (the catalogue list is for staff; portal users see their units' products).
    """
    actor.require_perm("installed_base.view_product")
    qs = product_scope(actor)
    q = _search_text(q)
    if q:
        qs = qs.filter(Q(model__icontains=q) | Q(name__icontains=q))
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("model")


def product_categories(actor: Actor) -> list[str]:
    """The categories in use, for the product list filter. Rule: A1."""
    return list(product_scope(actor).exclude(category="").values_list("category", flat=True).distinct().order_by())


def access_product(actor: Actor, product_id: int, *, for_update: bool = False) -> Product:
    """One product. Raises: NotFound (missing or not visible)."""
    if not valid_id(product_id):
        raise NotFound()
    qs = product_scope(actor)
    if for_update:
        qs = qs.select_for_update()
    product = qs.filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    return product


def product_id_for_model(model: str, *, field: str = "model") -> int:
    """Resolve a model code (型号) given by a client. Raises: ValidationFailed on `field`."""
    product_id = Product.objects.filter(model=_search_text(model)).values_list("pk", flat=True).first()
    if product_id is None:
        message = _("There is no product with model “%(model)s”.") % {"model": model}
        raise ValidationFailed(message, fields={field: [message]})
    return product_id


def customer_id_for_code(code: str, *, field: str = "customer") -> int:
    """Resolve a customer number (客户编号, e.g. KH000001). Raises: ValidationFailed on `field`."""
    code = _search_text(code).upper()
    customer_id = Customer.objects.filter(code=code).values_list("pk", flat=True).first() if code else None
    if customer_id is None:
        message = _("There is no customer with number “%(code)s”.") % {"code": code}
        raise ValidationFailed(message, fields={field: [message]})
    return customer_id


def customer_code_for_id(customer_id: int) -> str:
    """The customer number of a customer id (to prefill forms), or "" when there is none."""
    if not valid_id(customer_id):
        return ""
    return Customer.objects.filter(pk=customer_id).values_list("code", flat=True).first() or ""


# --- units (A2) ------------------------------------------------------------------------------


def unit_scope(actor: Actor) -> QuerySet[Unit]:
    """Every unit the actor may see: staff with view_unit all, a portal user their customer's, else none."""
    if actor.has_role("customer"):
        return Unit.objects.filter(customer_id=_portal_customer_id(actor))
    if actor.has_perm("installed_base.view_unit"):
        return Unit.objects.all()
    return Unit.objects.none()


def access_unit(actor: Actor, serial: str, *, for_update: bool = False) -> Unit:
    """One unit by serial number. Raises: NotFound (missing and out of scope look the same)."""
    qs = unit_scope(actor).select_related("product", "customer")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    unit = qs.filter(serial=_search_text(str(serial))).first()
    if unit is None:
        raise NotFound()
    return unit


def _serial_prefix(q: str) -> Q:
    # A range on the unique index, then startswith for exactness (SQLite LIKE ignores case).
    return Q(serial__gte=q, serial__lt=q + _PREFIX_END, serial__startswith=q)


def unit_search_q(q: str) -> Q:
    """A serial-number prefix, a customer number, or a fragment of the customer's name."""
    q = q.strip()
    condition = _serial_prefix(q)
    if q.upper() != q:
        condition |= _serial_prefix(q.upper())
    customers = Customer.objects.filter(Q(code=q.upper()) | Q(name__icontains=q)).values("pk")
    return condition | Q(customer_id__in=customers)


def unit_sites_shown(actor: Actor, units: Sequence[Unit]) -> dict[int, str]:
    """Each unit's site (an address of its customer) as the actor may see it in lists and exports:
    blank when the customer's file is confidential and the actor may not open it (customers'
    C3 rule, one query for the grants). Rule: C3.
    """
    openable = customer_openable_ids(actor, [unit.customer for unit in units])
    return {unit.pk: (unit.site if unit.customer_id in openable else "") for unit in units}


def unit_notes_shown(actor: Actor, unit: Unit) -> str | None:
    """The unit's notes (free text that may copy the file's contacts) as the actor may see them:
    None when the customer's file is confidential and the actor may not open it. Rule: C3."""
    return unit.notes if unit_site_shown(actor, unit) else None


def contracts_shown(actor: Actor, contracts: Iterable[ServiceContract]) -> list[ServiceContract]:
    """The contracts as the API and pages show them to the actor: each carries `shown_terms`, its
    terms, or "" with `shown_masked` True when the customer's file is confidential and the actor may
    not open it (one query for the grants of the whole page). Rule: C3.
    """
    contracts = list(contracts)
    openable = customer_openable_ids(actor, [contract.customer for contract in contracts])
    for contract in contracts:
        masked = contract.customer_id not in openable
        contract.shown_terms = "" if masked else contract.terms  # type: ignore[attr-defined]  # per-actor view
        contract.shown_masked = masked  # type: ignore[attr-defined]  # per-actor view, not a column
    return contracts


def unit_site_shown(actor: Actor, unit: Unit) -> bool:
    """Whether the actor may see (and so edit) the unit's site: its customer's file is one they
    may open (customers' C3 rule). Rule: C3."""
    return unit.customer_id in customer_openable_ids(actor, [unit.customer])


def units_shown(actor: Actor, units: Iterable[Unit]) -> list[Unit]:
    """The units as the API shows them to the actor: each carries `shown_site` and `shown_notes`, its
    site and notes, or "" (and `shown_masked` True) when the customer's file is confidential and the
    actor may not open it (one query for the grants of the whole page; the API schema reads only
    these). Rule: C3.
    """
    units = list(units)
    openable = customer_openable_ids(actor, [unit.customer for unit in units])
    for unit in units:
        masked = unit.customer_id not in openable
        unit.shown_site = "" if masked else unit.site  # type: ignore[attr-defined]  # per-actor view, not a column
        unit.shown_notes = "" if masked else unit.notes  # type: ignore[attr-defined]  # per-actor view, not a column
        unit.shown_masked = masked  # type: ignore[attr-defined]  # per-actor view, not a column
    return units


def unit_list(
    actor: Actor,
    *,
    q: str = "",
    customer_id: int | None = None,
    product_id: int | None = None,
    in_warranty: bool | None = None,
    on: dt.date | None = None,
    terms: WarrantyTerms | None = None,
) -> QuerySet[Unit]:
    """Units in scope, by serial number; `in_warranty` keeps those in (True) or out of (False)
    warranty on `on` (default today). Rule: A2, A3."""
    qs = unit_scope(actor).select_related("product", "customer")
    q = _search_text(q)
    if q:
        qs = qs.filter(unit_search_q(q))
    if any(value is not None and not valid_id(value) for value in (customer_id, product_id)):
        return qs.none()
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    if in_warranty is not None:
        condition = unit_in_warranty_q(on or today(), terms or warranty_terms())
        qs = qs.filter(condition) if in_warranty else qs.exclude(condition)
    return qs.order_by("serial")


def _first_day(predicate: Callable[[dt.date], bool], guess: dt.date) -> dt.date:
    """The first day on which a monotone predicate (false … false, true … true) holds, searched from a close guess."""
    day = guess
    while predicate(day):
        day -= dt.timedelta(days=1)
    while not predicate(day):
        day += dt.timedelta(days=1)
    return day


def unit_in_warranty_q(on: dt.date, terms: WarrantyTerms) -> Q:
    """A3 as a database condition: the units for which warranty_for(...).covers(on) is true.

    For each warranty length m in use, a warranty is running on `on` when its start s satisfies
    s <= on and s + m months > on. Month addition is monotone, so the second condition is
    s >= the first day whose m-month warranty still runs on `on`; with no acceptance date the
    start is production + offset, which turns into a production-date range the same way.
    Only date comparisons reach the database, no month arithmetic in SQL, and no join: the
    products are grouped by their warranty length here (a join made SQLite walk the product
    index, six times slower than one pass over the units).
    """
    offset = terms.production_offset_months
    products_by_months: dict[int | None, list[int]] = {}
    for product_id, product_months in Product.objects.values_list("pk", "warranty_months"):
        products_by_months.setdefault(product_months, []).append(product_id)
    lengths = {terms.default_months} | {m for m in products_by_months if m is not None}
    lengths.update(
        m for m in Unit.objects.values_list("warranty_months", flat=True).distinct().order_by() if m is not None
    )
    last_production = _first_day(lambda p: add_months(p, offset) > on, add_months(on, -offset)) - dt.timedelta(days=1)
    condition = Q(pk__in=[])
    for months in sorted(lengths):
        first_start = _first_day(lambda s, m=months: add_months(s, m) > on, add_months(on, -months))  # type: ignore[misc]  # mypy cannot infer a lambda with a default argument
        first_production = _first_day(
            lambda p, s=first_start: add_months(p, offset) >= s,  # type: ignore[misc]  # mypy cannot infer a lambda with a default argument
            add_months(first_start, -offset),
        )
        products = products_by_months.get(months, [])
        if months == terms.default_months:
            products = products + products_by_months.get(None, [])
        length = Q(warranty_months=months) | Q(warranty_months__isnull=True, product_id__in=products)
        running = Q(acceptance_date__isnull=False, acceptance_date__gte=first_start, acceptance_date__lte=on) | Q(
            acceptance_date__isnull=True, production_date__gte=first_production, production_date__lte=last_production
        )
        condition |= length & running
    return condition


# --- warranty and coverage (A3, S4) ----------------------------------------------------------


def warranty_terms(policies: PolicySnapshot | None = None) -> WarrantyTerms:
    """The A3 policy values in force now (or in `policies`), with their policy version (one policy read). Rule: A3."""
    if policies is None:
        policies = policy_snapshot()
    months = policies.get("A3.warranty_months")
    offset = policies.get("A3.production_offset_months")
    return WarrantyTerms(
        default_months=months.value, production_offset_months=offset.value, policy_version=months.version
    )


def unit_warranty(unit: Unit, terms: WarrantyTerms | None = None) -> Warranty:
    """The unit's warranty (start, last day, basis, length and where it came from). Rule: A3."""
    return warranty_for(
        production_date=unit.production_date,
        acceptance_date=unit.acceptance_date,
        unit_months=unit.warranty_months,
        product_months=unit.product.warranty_months,
        terms=terms or warranty_terms(),
    )


def unit_contract_terms(unit: Unit) -> list[ContractTerm]:
    """The unit's service contracts as ContractTerm (uses prefetched contracts when present)."""
    return [
        ContractTerm(number=c.number, start_date=c.start_date, end_date=c.end_date, cover=c.cover)
        for c in unit.contracts.all()
    ]


def unit_coverage(unit: Unit, on: dt.date | None = None, terms: WarrantyTerms | None = None) -> Coverage:
    """How a service on `on` (default today) is covered: warranty, contract, charging type. Rule: A3, A4, S4."""
    return coverage_on(
        warranty=unit_warranty(unit, terms or warranty_terms()),
        contracts=unit_contract_terms(unit),
        on=on or today(),
    )


def unit_with_terms(serial: str) -> Unit | None:
    """The unit with this serial, with its product and its contracts loaded (what unit_coverage
    reads), or None: two statements. Rule: A3, A4."""
    return Unit.objects.select_related("product").prefetch_related("contracts").filter(serial=serial).first()


def _contracts_prefetch() -> Prefetch:
    return Prefetch(
        "contracts", queryset=ServiceContract.objects.only("id", "number", "start_date", "end_date", "cover")
    )


def unit_list_with_coverage(actor: Actor, customer_id: int, on: dt.date | None = None) -> list[tuple[Unit, Coverage]]:
    """A customer's units in scope, each with its coverage on `on` (default today).

    Two queries for the units and their contracts (plus the policy reads), however many units.
    Rule: A3, A4, S4.
    """
    if not valid_id(customer_id):
        return []
    terms = warranty_terms()
    day = on or today()
    units = (
        unit_scope(actor)
        .filter(customer_id=customer_id)
        .select_related("product")
        .prefetch_related(_contracts_prefetch())
        .order_by("serial")
    )
    return [(unit, unit_coverage(unit, day, terms)) for unit in units]


# --- service contracts (A4) ------------------------------------------------------------------


def contract_scope(actor: Actor) -> QuerySet[ServiceContract]:
    """Staff with view_servicecontract see all contracts, a portal user their customer's, else none."""
    if actor.has_role("customer"):
        return ServiceContract.objects.filter(customer_id=_portal_customer_id(actor))
    if actor.has_perm("installed_base.view_servicecontract"):
        return ServiceContract.objects.all()
    return ServiceContract.objects.none()


def contract_list(
    actor: Actor,
    *,
    q: str = "",
    customer_id: int | None = None,
    active_on: dt.date | None = None,
) -> QuerySet[ServiceContract]:
    """Contracts in scope, newest first; `active_on` keeps those running that day. Rule: A4."""
    qs = contract_scope(actor).select_related("customer", "calendar")
    if customer_id is not None and not valid_id(customer_id):
        return qs.none()
    q = _search_text(q)
    if q:
        customers = Customer.objects.filter(Q(code=q.upper()) | Q(name__icontains=q)).values("pk")
        qs = qs.filter(Q(number=q.upper()) | Q(customer_id__in=customers))
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if active_on is not None:
        qs = qs.filter(start_date__lte=active_on, end_date__gte=active_on)
    return qs.order_by("-start_date", "number")


def access_contract(actor: Actor, number: str, *, for_update: bool = False) -> ServiceContract:
    """One contract by number. Raises: NotFound (missing or out of scope)."""
    qs = contract_scope(actor).select_related("customer", "calendar")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    contract = qs.filter(number=_search_text(str(number)).upper()).first()
    if contract is None:
        raise NotFound()
    return contract


def unit_contract_list(unit: Unit) -> QuerySet[ServiceContract]:
    """Every service contract that lists the unit, newest first. Rule: A4."""
    return unit.contracts.order_by("-start_date", "number")


def contract_units(contract: ServiceContract) -> QuerySet[Unit]:
    """The units a contract covers, by serial number. Rule: A4."""
    return contract.units.select_related("product", "customer").order_by("serial")


# --- service calendars (S6, X1) --------------------------------------------------------------


def service_calendar_code(*, contract: ServiceContract | None, service_point: ServicePoint | None) -> str:
    """The code of the calendar a service's deadlines run on.

    In this order: the contract's own calendar; "24x7" when the contract's cover is 7×24 (A4);
    the service point's calendar; else "CN", the statutory calendar with S6 office hours
    (Mon–Fri 09:00–18:00). Queries only for a calendar code that is set and not loaded
    already (callers select_related("calendar") to make it free).
    Rule: S6, A4, X1. Raises: nothing.
    """
    if contract is not None and contract.calendar is not None:
        return contract.calendar.code
    if contract is not None and contract.cover == ContractCover.ALWAYS:
        return ALWAYS
    if service_point is not None and service_point.calendar is not None:
        return service_point.calendar.code
    return CN


def contract_calendar_code(contract: ServiceContract) -> str:
    """The calendar code set on the contract itself, or "" when it follows the default. Rule: A4, X1."""
    return contract.calendar.code if contract.calendar is not None else ""


def calendar_id_for_code(code: str, *, field: str = "calendar") -> int | None:
    """Resolve a calendar code given by a client; "" means none (the default applies).

    Rule: X1. Raises: ValidationFailed on `field` (no calendar has this code).
    """
    code = _search_text(code)
    if not code:
        return None
    calendar_id = WorkCalendar.objects.filter(code=code).values_list("pk", flat=True).first()
    if calendar_id is None:
        message = _("There is no calendar with code “%(code)s”.") % {"code": code}
        raise ValidationFailed(message, fields={field: [message]})
    return calendar_id


def calendar_choices() -> list[tuple[str, str]]:
    """Every calendar as (code, "code name"), by code, for a form's choice list. Rule: X1."""
    return [(c.code, str(c)) for c in WorkCalendar.objects.only("code", "name").order_by("code")]


def contract_calendar(contract: ServiceContract) -> WorkCalendar | None:
    """The calendar of service_calendar_code(contract, no service point), to show and link to;
    None if no calendar has that code. Rule: S6, A4, X1."""
    if contract.calendar_id is not None:
        return contract.calendar
    return WorkCalendar.objects.filter(code=service_calendar_code(contract=contract, service_point=None)).first()


# --- substitute equipment and loans (A6) -----------------------------------------------------


def loan_scope(actor: Actor) -> QuerySet[SubstituteLoan]:
    """Staff with view_substituteloan see every loan, a portal user their customer's, else none."""
    if actor.has_role("customer"):
        return SubstituteLoan.objects.filter(customer_id=_portal_customer_id(actor))
    if actor.has_perm("installed_base.view_substituteloan"):
        return SubstituteLoan.objects.all()
    return SubstituteLoan.objects.none()


def loan_list(
    actor: Actor,
    *,
    open_only: bool = False,
    customer_id: int | None = None,
    unit_id: int | None = None,
) -> QuerySet[SubstituteLoan]:
    """Loans in scope, newest first; `open_only` keeps those not returned yet. Rule: A6."""
    qs = loan_scope(actor).select_related("equipment__product", "customer", "for_unit", "lent_by")
    if any(value is not None and not valid_id(value) for value in (customer_id, unit_id)):
        return qs.none()
    if open_only:
        qs = qs.filter(returned_on__isnull=True)
    if customer_id:
        qs = qs.filter(customer_id=customer_id)
    if unit_id:
        qs = qs.filter(for_unit_id=unit_id)
    return qs.order_by("-lent_on", "-id")


def access_loan(actor: Actor, loan_id: int, *, for_update: bool = False) -> SubstituteLoan:
    """One loan. Raises: NotFound (missing or out of scope)."""
    if not valid_id(loan_id):
        raise NotFound()
    qs = loan_scope(actor).select_related("equipment__product", "customer", "for_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    loan = qs.filter(pk=loan_id).first()
    if loan is None:
        raise NotFound()
    return loan


def equipment_list(actor: Actor) -> QuerySet[SubstituteEquipment]:
    """All substitute equipment, for staff who see loans. Rule: A6."""
    if actor.has_role("customer") or not actor.has_perm("installed_base.view_substituteloan"):
        return SubstituteEquipment.objects.none()
    return SubstituteEquipment.objects.select_related("product").order_by("code")


def equipment_available(actor: Actor) -> QuerySet[SubstituteEquipment]:
    """Substitute equipment that is not out on loan now. Rule: A6."""
    out = SubstituteLoan.objects.filter(equipment=OuterRef("pk"), returned_on__isnull=True)
    return equipment_list(actor).exclude(Exists(out))
