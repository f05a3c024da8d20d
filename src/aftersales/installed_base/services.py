"""Writes of the installed base: products, units, service contracts, substitute equipment and loans, Excel import."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import (
    Conflict,
    DomainError,
    ValidationFailed,
    full_clean,
)
from aftersales.core.events import changes, event_record, snapshot
from aftersales.core.imports import (
    IMPORT_CHECKING,
    IMPORT_SAVING,
    ImportProgress,
    ImportReport,
    cell_date,
    cell_text,
    xlsx_rows,
)
from aftersales.core.numbering import number_next
from aftersales.core.timeutils import today
from aftersales.core.workflow import expect_version
from aftersales.customers.models import Customer
from aftersales.installed_base import events
from aftersales.installed_base.choices import ContractCover
from aftersales.installed_base.errors import InstalledBaseErrorCode
from aftersales.installed_base.models import (
    Product,
    ServiceContract,
    SubstituteEquipment,
    SubstituteLoan,
    Unit,
)
from aftersales.installed_base.selectors import (
    access_contract,
    access_loan,
    access_product,
    access_unit,
    calendar_id_for_code,
    contract_calendar_code,
    valid_id,
)

PRODUCT_FIELDS = ["model", "name", "spec", "category", "warranty_months"]
# Foreign keys by their column (product_id): snapshots need no query, and the timeline labels
# them with the field's verbose name all the same.
UNIT_FIELDS = [
    "serial",
    "product_id",
    "customer_id",
    "site",
    "production_date",
    "ship_date",
    "purchase_date",
    "purchase_place",
    "acceptance_date",
    "warranty_months",
    "notes",
]
UNIT_UPDATABLE = set(UNIT_FIELDS) - {"serial"}  # the serial is the unit's identity
CONTRACT_FIELDS = ["customer_id", "start_date", "end_date", "cover", "terms"]
# The calendar is recorded by its code ("" = the default by cover), which stays readable in the
# audit trail; `calendar_code` is how callers set it.
CONTRACT_UPDATABLE = {"start_date", "end_date", "cover", "terms", "calendar_code"}
# Dates outside this range are typing mistakes, and month arithmetic near year 1 or 9999 overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
UNIT_DATE_FIELDS = ["production_date", "ship_date", "purchase_date", "acceptance_date"]


def _field_error(field: str, message: Any, *, code: str | None = None) -> ValidationFailed:
    return ValidationFailed(message, code=code, fields={field: [str(message)]})


def _check_dates(values: dict[str, Any], names: list[str]) -> None:
    for name in names:
        value = values.get(name)
        if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
            raise _field_error(
                name,
                _("Enter a date between %(first)s and %(last)s.")
                % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()},
            )


def _check_customer(customer_id: Any) -> None:
    if not valid_id(customer_id) or not Customer.objects.filter(pk=customer_id).exists():
        raise _field_error("customer", _("Choose an existing customer."))


def _check_product(product_id: Any) -> None:
    if not valid_id(product_id) or not Product.objects.filter(pk=product_id).exists():
        raise _field_error("product", _("Choose an existing product."))


def _warranty_date_required() -> ValidationFailed:
    message = _("Enter the production date or the acceptance date: the warranty is computed from them.")
    return ValidationFailed(
        message,
        code=InstalledBaseErrorCode.WARRANTY_DATE_REQUIRED,
        fields={"production_date": [message], "acceptance_date": [message]},
    )


def _check_version(obj: Any, expected_version: int | None) -> None:
    expect_version(
        obj,
        expected_version,
        _("Someone else changed this record meanwhile. Reload it and make your change again."),
        code=InstalledBaseErrorCode.VERSION_CONFLICT,
    )


# --- products (A1) ---------------------------------------------------------------------------


@transaction.atomic
def product_create(
    *,
    actor: Actor,
    model: str,
    name: str,
    spec: str = "",
    category: str = "",
    warranty_months: int | None = None,
) -> Product:
    """Add a product (型号) to the catalogue with its default warranty length.

    Rule: A1. Raises: PermissionDenied, ValidationFailed. Events: product.created.
    """
    actor.require_perm("installed_base.add_product")
    product = Product(
        model=(model or "").strip(),
        name=(name or "").strip(),
        spec=(spec or "").strip(),
        category=(category or "").strip(),
        warranty_months=warranty_months,
    )
    full_clean(product)
    product.save()
    event_record(
        subject=product, action=events.PRODUCT_CREATED, actor=actor, rule="A1", data=snapshot(product, PRODUCT_FIELDS)
    )
    return product


@transaction.atomic
def product_update(*, actor: Actor, product_id: int, **values: Any) -> Product:
    """Change a product; every change is recorded old → new.

    Rule: A1. Raises: PermissionDenied, NotFound, ValidationFailed. Events: product.updated.
    """
    actor.require_perm("installed_base.change_product")
    product = access_product(actor, product_id, for_update=True)
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = snapshot(product, PRODUCT_FIELDS)
    for name, value in values.items():
        setattr(product, name, value.strip() if isinstance(value, str) else value)
    full_clean(product)
    diff = changes(product, before, PRODUCT_FIELDS)
    if not diff:
        return product
    product.save()
    event_record(subject=product, action=events.PRODUCT_UPDATED, actor=actor, rule="A1", data=diff)
    return product


# --- units (A2, A3) --------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    serial: str,
    product_id: int,
    customer_id: int,
    production_date: dt.date | None = None,
    ship_date: dt.date | None = None,
    purchase_date: dt.date | None = None,
    purchase_place: str = "",
    acceptance_date: dt.date | None = None,
    warranty_months: int | None = None,
    site: str = "",
    notes: str = "",
    source: str = "",
) -> Unit:
    """Register an installed unit under its serial number.

    A3 needs a production or an acceptance date to compute the warranty.
    Rule: A2, A3. Raises: PermissionDenied, ValidationFailed (duplicate_serial,
    warranty_date_required, unknown product or customer, field errors). Events: unit.created.
    """
    actor.require_perm("installed_base.add_unit")
    serial = (serial or "").strip()
    if "/" in serial:
        raise _field_error("serial", _("A serial number cannot contain “/”."))
    if serial and Unit.objects.filter(serial=serial).exists():
        raise _field_error(
            "serial",
            _("A unit with serial number %(serial)s is registered already.") % {"serial": serial},
            code=InstalledBaseErrorCode.DUPLICATE_SERIAL,
        )
    if production_date is None and acceptance_date is None:
        raise _warranty_date_required()
    dates = {
        "production_date": production_date,
        "ship_date": ship_date,
        "purchase_date": purchase_date,
        "acceptance_date": acceptance_date,
    }
    _check_dates(dates, UNIT_DATE_FIELDS)
    _check_product(product_id)
    _check_customer(customer_id)
    unit = Unit(
        serial=serial,
        product_id=product_id,
        customer_id=customer_id,
        site=(site or "").strip(),
        purchase_place=(purchase_place or "").strip(),
        warranty_months=warranty_months,
        notes=notes or "",
        **dates,
    )
    full_clean(unit)
    unit.save()
    event_record(
        subject=unit,
        action=events.UNIT_CREATED,
        actor=actor,
        rule="A2",
        data={**snapshot(unit, UNIT_FIELDS), **({"source": source} if source else {})},
    )
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, serial: str, expected_version: int | None = None, **values: Any) -> Unit:
    """Change a unit's data; every change is recorded old → new. The serial number stays.

    `expected_version` (the version the editor saw) stops a second editor from silently
    overwriting the first. Rule: A2, A3. Raises: PermissionDenied, NotFound,
    Conflict(version_conflict), ValidationFailed. Events: unit.updated.
    """
    actor.require_perm("installed_base.change_unit")
    unit = access_unit(actor, serial, for_update=True)
    _check_version(unit, expected_version)
    unknown = set(values) - UNIT_UPDATABLE
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    _check_dates(values, UNIT_DATE_FIELDS)
    if "product_id" in values and values["product_id"] != unit.product_id:
        _check_product(values["product_id"])
    if "customer_id" in values and values["customer_id"] != unit.customer_id:
        _check_customer(values["customer_id"])
        if unit.contracts.exclude(customer_id=values["customer_id"]).filter(end_date__gte=today()).exists():
            raise _field_error(
                "customer",
                _("The unit is on a running service contract of its current customer."),
                code=InstalledBaseErrorCode.UNIT_NOT_OF_CUSTOMER,
            )
    before = snapshot(unit, UNIT_FIELDS)
    for name, value in values.items():
        setattr(unit, name, value.strip() if isinstance(value, str) and name != "notes" else value)
    if unit.production_date is None and unit.acceptance_date is None:
        raise _warranty_date_required()
    full_clean(unit)
    diff = changes(unit, before, UNIT_FIELDS)
    if not diff:
        return unit
    unit.version += 1
    unit.save()
    event_record(subject=unit, action=events.UNIT_UPDATED, actor=actor, rule="A2", data=diff)
    return unit


# --- Excel import (A2) -----------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "serial": ("序列号", "serial", "Serial number"),
    "model": ("型号", "model", "Model"),
    "customer": ("客户编号", "customer", "Customer number"),
    "production_date": ("生产日期", "production_date", "Production date"),
    "ship_date": ("发货日期", "ship_date", "Ship date"),
    "purchase_date": ("购买日期", "purchase_date", "Purchase date"),
    "purchase_place": ("购买地点", "purchase_place", "Place of purchase"),
    "acceptance_date": ("验收日期", "acceptance_date", "Acceptance date"),
    "warranty_months": ("保修月数", "warranty_months", "Warranty (months)"),
    "site": ("安装地点", "site", "Site"),
}
_TEXT_LIMITS = {"serial": 64, "purchase_place": 120, "site": 200}


def _import_row(
    data: dict[str, Any],
    *,
    number: int,
    report: ImportReport,
    products: dict[str, int],
    customers: dict[str, int],
) -> dict[str, Any] | None:
    """One Excel row checked into unit_create arguments, or None with its errors in the report."""

    def error(name: str, message: str) -> None:
        report.add(number, IMPORT_COLUMNS[name][0], message)

    before = len(report.errors)
    row: dict[str, Any] = {}
    for name in ("serial", "purchase_place", "site"):
        row[name] = cell_text(data.get(name))
        if len(row[name]) > _TEXT_LIMITS[name]:
            error(name, _("At most %(n)s characters.") % {"n": _TEXT_LIMITS[name]})
    if not row["serial"]:
        error("serial", _("The serial number is required."))
    elif "/" in row["serial"]:
        error("serial", _("A serial number cannot contain “/”."))
    model = cell_text(data.get("model"))
    if model not in products:
        error("model", _("There is no product with model “%(model)s”.") % {"model": model})
    row["product_id"] = products.get(model)
    code = cell_text(data.get("customer")).upper()
    if code not in customers:
        error("customer", _("There is no customer with number “%(code)s”.") % {"code": code})
    row["customer_id"] = customers.get(code)
    for name in UNIT_DATE_FIELDS:
        try:
            value = cell_date(data.get(name))
        except (ValueError, TypeError):
            error(name, _("“%(value)s” is not a date (use 2025-03-01).") % {"value": cell_text(data.get(name))})
            value = None
        if value is not None and not (EARLIEST_DATE <= value <= LATEST_DATE):
            error(
                name, _("Enter a date between %(first)s and %(last)s.") % {"first": "1900-01-01", "last": "2199-12-31"}
            )
        row[name] = value
    if (
        row["production_date"] is None
        and row["acceptance_date"] is None
        and not cell_text(data.get("production_date"))
        and not cell_text(data.get("acceptance_date"))
    ):
        error(
            "production_date",
            _("Enter the production date or the acceptance date: the warranty is computed from them."),
        )
    months_text = cell_text(data.get("warranty_months"))
    row["warranty_months"] = None
    if months_text:
        if months_text.isdigit() and int(months_text) <= 240:
            row["warranty_months"] = int(months_text)
        else:
            error("warranty_months", _("Enter a whole number of months from 0 to 240."))
    return row if len(report.errors) == before else None


class _ImportRollback(Exception):
    pass


def units_import(*, actor: Actor, fileobj: IO[bytes], progress: ImportProgress | None = None) -> ImportReport:
    """Register units from an Excel file: all rows or none.

    Every row is checked first (unknown model or customer, serial number repeated in the file
    or registered already, bad date, neither production nor acceptance date); when any row is
    wrong nothing is imported and the report names each row and column. Otherwise every unit
    is created through unit_create in this one transaction.
    Rule: A2, A3. Raises: PermissionDenied, ValidationFailed (not an xlsx, missing columns).
    Events: unit.created for each unit (data.source = "import").
    `progress(done, total, stage)` is told the rows checked, then saved. The rows are checked outside
    a transaction (so a background job's progress is seen); the units are created in one.
    """
    actor.require_perm("installed_base.import_unit")
    actor.require_perm("installed_base.add_unit")
    raw = list(xlsx_rows(fileobj, IMPORT_COLUMNS))
    report = ImportReport(rows=len(raw))
    models = {cell_text(d.get("model")) for _n, d in raw}
    products = dict(Product.objects.filter(model__in=models).values_list("model", "pk"))
    codes = {cell_text(d.get("customer")).upper() for _n, d in raw}
    customers = dict(Customer.objects.filter(code__in=codes).values_list("code", "pk"))
    serials = [cell_text(d.get("serial")) for _n, d in raw]
    registered = set(Unit.objects.filter(serial__in=[s for s in serials if s]).values_list("serial", flat=True))
    first_row: dict[str, int] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    for checked, (number, data) in enumerate(raw, start=1):
        if progress is not None:
            progress(checked, len(raw), IMPORT_CHECKING)
        row = _import_row(data, number=number, report=report, products=products, customers=customers)
        serial = cell_text(data.get("serial"))
        if serial in registered:
            report.add(
                number,
                IMPORT_COLUMNS["serial"][0],
                _("A unit with serial number %(serial)s is registered already.") % {"serial": serial},
            )
            row = None
        elif serial and serial in first_row:
            report.add(
                number,
                IMPORT_COLUMNS["serial"][0],
                _("Serial number %(serial)s is also in row %(row)s.") % {"serial": serial, "row": first_row[serial]},
            )
            row = None
        elif serial:
            first_row[serial] = number
        if row is not None:
            rows.append((number, row))
    if not report.ok:
        return report
    if progress is not None:
        progress(0, len(rows), IMPORT_SAVING)
    try:
        with transaction.atomic():
            for number, row in rows:
                try:
                    unit_create(actor=actor, notes="", source="import", **row)
                except DomainError as exc:
                    for name, messages in (exc.fields or {"serial": [exc.message]}).items():
                        column = IMPORT_COLUMNS.get(name.removesuffix("_id"), (name,))[0]
                        report.add(number, column, messages[0] if isinstance(messages, list) else messages)
                    raise _ImportRollback from exc
                report.created += 1
                if progress is not None:
                    progress(report.created, len(rows), IMPORT_SAVING)
    except _ImportRollback:
        report.created = 0
    return report


# --- service contracts (A4) ------------------------------------------------------------------


def _contract_units(customer_id: int, unit_serials: list[str]) -> list[Unit]:
    serials = list(dict.fromkeys(s.strip() for s in unit_serials if s and s.strip()))
    if not serials:
        raise _field_error("units", _("A service contract covers at least one unit."))
    units = list(Unit.objects.filter(serial__in=serials).order_by("serial"))
    unknown = sorted(set(serials) - {u.serial for u in units})
    if unknown:
        raise _field_error("units", _("Unknown serial numbers: %(serials)s") % {"serials": "、".join(unknown)})
    others = [u.serial for u in units if u.customer_id != customer_id]
    if others:
        raise _field_error(
            "units",
            _("These units belong to another customer: %(serials)s") % {"serials": "、".join(others)},
            code=InstalledBaseErrorCode.UNIT_NOT_OF_CUSTOMER,
        )
    return units


def _check_period(start_date: dt.date, end_date: dt.date) -> None:
    _check_dates({"start_date": start_date, "end_date": end_date}, ["start_date", "end_date"])
    if end_date < start_date:
        raise _field_error("end_date", _("The end date must not be before the start date."))


@transaction.atomic
def contract_create(
    *,
    actor: Actor,
    customer_id: int,
    unit_serials: list[str],
    start_date: dt.date,
    end_date: dt.date,
    cover: str = ContractCover.OFFICE_HOURS,
    terms: str = "",
    calendar_code: str = "",
) -> ServiceContract:
    """Sign a service contract (保养协议) covering some of the customer's units.

    Numbered HT<year><seq:04d> in the year it is entered. `calendar_code` names the calendar its
    services run on; "" leaves the default (by cover: CN office hours or 7×24).
    Rule: A4, S6, X1. Raises: PermissionDenied, ValidationFailed (unit of another customer, end
    before start, unknown serials, unknown calendar). Events: servicecontract.created.
    """
    actor.require_perm("installed_base.add_servicecontract")
    _check_customer(customer_id)
    units = _contract_units(customer_id, unit_serials)
    _check_period(start_date, end_date)
    calendar_id = calendar_id_for_code(calendar_code)
    contract = ServiceContract(
        number="HT-PENDING",
        customer_id=customer_id,
        start_date=start_date,
        end_date=end_date,
        cover=cover,
        terms=terms or "",
        calendar_id=calendar_id,
    )
    full_clean(contract, exclude=["number"])
    year = today().year
    contract.number = f"HT{year}{number_next(key='contract', period=str(year)):04d}"
    contract.save()
    contract.units.set(units)
    event_record(
        subject=contract,
        action=events.CONTRACT_CREATED,
        actor=actor,
        rule="A4",
        data={
            "number": contract.number,
            **snapshot(contract, CONTRACT_FIELDS),
            "calendar": contract_calendar_code(contract),
            "units": [u.serial for u in units],
        },
    )
    return contract


@transaction.atomic
def contract_update(
    *,
    actor: Actor,
    number: str,
    expected_version: int | None = None,
    unit_serials: list[str] | None = None,
    **values: Any,
) -> ServiceContract:
    """Change a contract's period, cover, terms, calendar or units; recorded old → new.

    `calendar_code` sets the calendar by its code; "" clears it (back to the default by cover).
    Rule: A4, S6, X1. Raises: PermissionDenied, NotFound, Conflict(version_conflict),
    ValidationFailed (unknown calendar, …). Events: servicecontract.updated (a calendar change
    as "calendar": [old code, new code]).
    """
    actor.require_perm("installed_base.change_servicecontract")
    contract = access_contract(actor, number, for_update=True)
    _check_version(contract, expected_version)
    unknown = set(values) - CONTRACT_UPDATABLE
    if unknown:
        raise ValidationFailed(_("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))})
    before = snapshot(contract, CONTRACT_FIELDS)
    calendar_before = contract_calendar_code(contract)
    if "calendar_code" in values:
        contract.calendar_id = calendar_id_for_code(values.pop("calendar_code"))
    for name, value in values.items():
        setattr(contract, name, value)
    _check_period(contract.start_date, contract.end_date)
    full_clean(contract)
    diff = changes(contract, before, CONTRACT_FIELDS)
    calendar_after = contract_calendar_code(contract)
    if calendar_after != calendar_before:
        diff["calendar"] = [calendar_before, calendar_after]
    if unit_serials is not None:
        old = sorted(contract.units.values_list("serial", flat=True))
        units = _contract_units(contract.customer_id, unit_serials)
        new = [u.serial for u in units]
        if new != old:
            contract.units.set(units)
            diff["units"] = [old, new]
    if not diff:
        return contract
    contract.version += 1
    contract.save()
    event_record(subject=contract, action=events.CONTRACT_UPDATED, actor=actor, rule="A4", data=diff)
    return contract


# --- substitute equipment and loans (A6) -----------------------------------------------------


@transaction.atomic
def substitute_equipment_create(*, actor: Actor, code: str, product_id: int, serial: str = "") -> SubstituteEquipment:
    """Register a piece of the company's own equipment kept for lending.

    Rule: A6. Raises: PermissionDenied, ValidationFailed. Events: substituteequipment.created.
    """
    actor.require_perm("installed_base.add_substituteequipment")
    _check_product(product_id)
    equipment = SubstituteEquipment(
        code=(code or "").strip().upper(), product_id=product_id, serial=(serial or "").strip()
    )
    full_clean(equipment)
    equipment.save()
    event_record(
        subject=equipment,
        action=events.EQUIPMENT_CREATED,
        actor=actor,
        rule="A6",
        data=snapshot(equipment, ["code", "product", "serial"]),
    )
    return equipment


@transaction.atomic
def loan_create(
    *,
    actor: Actor,
    equipment_code: str,
    customer_id: int,
    for_unit_serial: str = "",
    lent_on: dt.date | None = None,
    expected_return: dt.date | None = None,
    reason: str = "",
) -> SubstituteLoan:
    """Lend substitute equipment (代用设备) to a customer, e.g. while their unit is repaired (S10).

    Rule: A6. Raises: PermissionDenied, ValidationFailed, Conflict(equipment_on_loan).
    Events: substituteloan.created (on the loan).
    """
    actor.require_perm("installed_base.add_substituteloan")
    equipment = (
        SubstituteEquipment.objects.select_for_update(of=("self",))
        .filter(code=(equipment_code or "").strip().upper())
        .select_related("product")
        .first()
    )
    if equipment is None:
        raise _field_error("equipment", _("There is no substitute equipment with this asset number."))
    open_loan = SubstituteLoan.objects.filter(equipment=equipment, returned_on__isnull=True).first()
    if open_loan is not None:
        raise Conflict(
            _("%(code)s is out on loan to %(customer)s since %(day)s.")
            % {"code": equipment.code, "customer": open_loan.customer, "day": open_loan.lent_on.isoformat()},
            code=InstalledBaseErrorCode.EQUIPMENT_ON_LOAN,
            fields={"equipment": [_("Out on loan.")]},
        )
    _check_customer(customer_id)
    unit = None
    if for_unit_serial and for_unit_serial.strip():
        unit = Unit.objects.filter(serial=for_unit_serial.strip()).first()
        if unit is None or unit.customer_id != customer_id:
            raise _field_error(
                "for_unit",
                _("The replaced unit must be one of this customer's units."),
                code=InstalledBaseErrorCode.UNIT_NOT_OF_CUSTOMER,
            )
    lent_on = lent_on or today()
    _check_dates({"lent_on": lent_on, "expected_return": expected_return}, ["lent_on", "expected_return"])
    if expected_return is not None and expected_return < lent_on:
        raise _field_error("expected_return", _("The expected return must not be before the loan date."))
    loan = SubstituteLoan(
        equipment=equipment,
        customer_id=customer_id,
        for_unit=unit,
        lent_on=lent_on,
        expected_return=expected_return,
        reason=(reason or "").strip(),
        lent_by=actor.user,
    )
    full_clean(loan)
    loan.save()
    event_record(
        subject=loan,
        action=events.LOAN_CREATED,
        actor=actor,
        rule="A6",
        data={
            "equipment": equipment.code,
            "customer": loan.customer_id,
            "for_unit": unit.serial if unit else None,
            "lent_on": lent_on,
            "expected_return": expected_return,
            "reason": loan.reason,
        },
    )
    return loan


@transaction.atomic
def loan_return(*, actor: Actor, loan_id: int, returned_on: dt.date | None = None) -> SubstituteLoan:
    """Record that lent substitute equipment came back; the loan is tracked until then.

    Rule: A6. Raises: PermissionDenied, NotFound, Conflict(loan_already_returned), ValidationFailed.
    Events: substituteloan.returned.
    """
    actor.require_perm("installed_base.change_substituteloan")
    loan = access_loan(actor, loan_id, for_update=True)
    if loan.returned_on is not None:
        raise Conflict(
            _("This loan was closed on %(day)s.") % {"day": loan.returned_on.isoformat()},
            code=InstalledBaseErrorCode.LOAN_RETURNED,
        )
    returned_on = returned_on or today()
    if returned_on < loan.lent_on:
        raise _field_error("returned_on", _("The return date must not be before the loan date."))
    if returned_on > today():
        raise _field_error("returned_on", _("The return date must not be in the future."))
    loan.returned_on = returned_on
    loan.save(update_fields=["returned_on", "updated_at"])
    event_record(
        subject=loan,
        action=events.LOAN_RETURNED,
        actor=actor,
        rule="A6",
        data={"returned_on": [None, returned_on], "equipment": loan.equipment.code},
    )
    return loan
