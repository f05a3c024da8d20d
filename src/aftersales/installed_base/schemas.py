"""API schemas for the installed base: strict pydantic inputs, Ninja outputs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from aftersales.core.errors import ValidationFailed
from aftersales.installed_base.models import ServiceContract, SubstituteLoan, Unit
from aftersales.installed_base.selectors import MAX_ID, contract_calendar_code, service_calendar_code
from aftersales.installed_base.services import EARLIEST_DATE, LATEST_DATE

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(value: Any) -> dt.date:
    """A calendar date written YYYY-MM-DD, between 1900 and 2199; nothing else (no numbers, no booleans)."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("“%(value)s” is not a calendar date.") % {"value": value}) from None
    else:
        raise ValueError(_("Enter a date as YYYY-MM-DD."))
    if not (EARLIEST_DATE <= day <= LATEST_DATE):
        raise ValueError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.isoformat(), "last": LATEST_DATE.isoformat()}
        )
    return day


def query_date(value: str, *, field: str) -> dt.date | None:
    """An optional date from the query string. Raises: ValidationFailed on `field`."""
    if not value:
        return None
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise ValidationFailed(_("The request data is invalid."), fields={field: [str(exc)]}) from exc


IsoDate = Annotated[dt.date, BeforeValidator(parse_iso_date)]
Months = Annotated[int, Field(ge=0, le=240)]


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError(_("Text cannot contain NUL characters."))
        return value


# --- products --------------------------------------------------------------------------------


class ProductCreateIn(StrictIn):
    model: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    spec: str = Field(default="", max_length=200)
    category: str = Field(default="", max_length=64)
    warranty_months: Months | None = None


class ProductOut(Schema):
    id: int
    model: str
    name: str
    spec: str
    category: str
    warranty_months: int | None


# --- units -----------------------------------------------------------------------------------


class UnitCreateIn(StrictIn):
    serial: str = Field(min_length=1, max_length=64)
    model: str = Field(min_length=1, max_length=64)
    customer: int = Field(ge=1, le=MAX_ID)
    production_date: IsoDate | None = None
    ship_date: IsoDate | None = None
    purchase_date: IsoDate | None = None
    purchase_place: str = Field(default="", max_length=120)
    acceptance_date: IsoDate | None = None
    warranty_months: Months | None = None
    site: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=4000)


class UnitOut(Schema):
    serial: str
    model: str
    product_name: str
    customer: int
    customer_code: str
    customer_name: str
    site: str
    production_date: dt.date | None
    ship_date: dt.date | None
    purchase_date: dt.date | None
    purchase_place: str
    acceptance_date: dt.date | None
    warranty_months: int | None
    notes: str
    masked: bool  # C3: the customer's file is confidential and the caller may not open it (no site, no notes)
    version: int

    @staticmethod
    def resolve_model(obj: Unit) -> str:
        return obj.product.model

    @staticmethod
    def resolve_product_name(obj: Unit) -> str:
        return obj.product.name

    @staticmethod
    def resolve_customer(obj: Unit) -> int:
        return obj.customer_id

    @staticmethod
    def resolve_customer_code(obj: Unit) -> str:
        return obj.customer.code

    @staticmethod
    def resolve_customer_name(obj: Unit) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_site(obj: Unit) -> str:
        # C3: the site as `selectors.units_shown` decided for the actor; a unit not passed through
        # it shows no site (fail closed).
        return str(getattr(obj, "shown_site", ""))

    @staticmethod
    def resolve_notes(obj: Unit) -> str:
        # C3: free text that may copy the file's contacts; as `selectors.units_shown` decided (fail closed).
        return str(getattr(obj, "shown_notes", ""))

    @staticmethod
    def resolve_masked(obj: Unit) -> bool:
        return bool(getattr(obj, "shown_masked", True))


class CoverageOut(Schema):
    serial: str
    on: dt.date
    in_warranty: bool
    before_acceptance: bool  # A3: before the warranty starts, the supplier's installation duty (charging C)
    warranty_start: dt.date
    warranty_end: dt.date
    basis: Literal["acceptance", "production_plus_3_months"]
    warranty_months: int
    length_source: Literal["unit", "product", "policy"]
    policy_version: int
    contract: str | None
    contract_cover: str | None
    charging_type: Literal["A", "B", "C", "D"]
    explanation: str


# --- service contracts -----------------------------------------------------------------------


class ContractCreateIn(StrictIn):
    customer: int = Field(ge=1, le=MAX_ID)
    units: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(min_length=1, max_length=2000)
    start: IsoDate
    end: IsoDate
    cover: Literal["office_hours", "24x7"] = "office_hours"
    terms: str = Field(default="", max_length=4000)
    calendar: str = Field(default="", max_length=32)  # a calendar code; "" = the default by cover (S6, X1)


class ContractOut(Schema):
    number: str
    customer: int
    customer_name: str
    units: list[str]
    start: dt.date
    end: dt.date
    cover: str
    terms: str  # C3: "" when the customer's file is confidential and the caller may not open it
    masked: bool
    calendar: str  # the calendar code set on the contract, "" when it follows the default
    effective_calendar: str  # the calendar its services run on (a service point's own calendar may replace CN)
    version: int

    @staticmethod
    def resolve_customer(obj: ServiceContract) -> int:
        return obj.customer_id

    @staticmethod
    def resolve_terms(obj: ServiceContract) -> str:
        # C3: as `selectors.contracts_shown` decided for the caller; a contract not passed through it
        # shows no terms (fail closed).
        return str(getattr(obj, "shown_terms", ""))

    @staticmethod
    def resolve_masked(obj: ServiceContract) -> bool:
        return bool(getattr(obj, "shown_masked", True))

    @staticmethod
    def resolve_calendar(obj: ServiceContract) -> str:
        return contract_calendar_code(obj)

    @staticmethod
    def resolve_effective_calendar(obj: ServiceContract) -> str:
        return service_calendar_code(contract=obj, service_point=None)

    @staticmethod
    def resolve_customer_name(obj: ServiceContract) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_units(obj: ServiceContract) -> list[str]:
        return sorted(u.serial for u in obj.units.all())

    @staticmethod
    def resolve_start(obj: ServiceContract) -> dt.date:
        return obj.start_date

    @staticmethod
    def resolve_end(obj: ServiceContract) -> dt.date:
        return obj.end_date


# --- substitute equipment loans --------------------------------------------------------------


class LoanCreateIn(StrictIn):
    equipment: str = Field(min_length=1, max_length=32)
    customer: int = Field(ge=1, le=MAX_ID)
    for_unit: str = Field(default="", max_length=64)
    lent_on: IsoDate | None = None
    expected_return: IsoDate | None = None
    reason: str = Field(default="", max_length=200)


class LoanReturnIn(StrictIn):
    returned_on: IsoDate | None = None


class LoanOut(Schema):
    id: int
    equipment: str
    equipment_model: str
    customer: int
    customer_name: str
    for_unit: str | None
    lent_on: dt.date
    expected_return: dt.date | None
    returned_on: dt.date | None
    reason: str
    open: bool

    @staticmethod
    def resolve_equipment(obj: SubstituteLoan) -> str:
        return obj.equipment.code

    @staticmethod
    def resolve_equipment_model(obj: SubstituteLoan) -> str:
        return obj.equipment.product.model

    @staticmethod
    def resolve_customer(obj: SubstituteLoan) -> int:
        return obj.customer_id

    @staticmethod
    def resolve_customer_name(obj: SubstituteLoan) -> str:
        return obj.customer.name

    @staticmethod
    def resolve_for_unit(obj: SubstituteLoan) -> str | None:
        return obj.for_unit.serial if obj.for_unit else None

    @staticmethod
    def resolve_open(obj: SubstituteLoan) -> bool:
        return obj.returned_on is None
