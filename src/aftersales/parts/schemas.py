"""API schemas of the spare-parts service (P1): strict inputs, plain outputs. Money travels as
decimal strings ("350.00"); quantities are whole numbers ≥ 1 (422 otherwise)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field, field_validator

from aftersales.installed_base.schemas import StrictIn

StoreKindCode = Literal["central", "service_point", "engineer", "customer", "defective"]
Quantity = Annotated[int, Field(ge=1, le=1_000_000)]
MoneyIn = Annotated[Decimal, Field(ge=0, le=Decimal("9999999999.99"), decimal_places=2)]
Code = Annotated[str, Field(min_length=1, max_length=32)]


class Out(Schema):
    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value


class PartIn(StrictIn):
    code: Code
    name: str = Field(min_length=1, max_length=100)
    spec: str = Field(default="", max_length=200)
    uom: str = Field(default="", max_length=16)
    cost: MoneyIn = Decimal("0")
    price: MoneyIn | None = None
    major: bool = False
    products: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(default_factory=list, max_length=200)
    supplier: str = Field(default="", max_length=200)

    model_config = {"strict": False, "extra": "forbid"}


class PartChangeIn(StrictIn):
    """PATCH /parts/{code}: only the fields given change (never the number; prices go through a price list)."""

    name: str | None = Field(default=None, min_length=1, max_length=100)
    spec: str | None = Field(default=None, max_length=200)
    uom: str | None = Field(default=None, min_length=1, max_length=16)
    cost: MoneyIn | None = None
    major: bool | None = None
    active: bool | None = None
    supplier: str | None = Field(default=None, max_length=200)
    products: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(default=None, max_length=200)
    version: int | None = Field(default=None, ge=1)

    model_config = {"strict": False, "extra": "forbid"}


class PartOut(Out):
    code: str
    name: str
    spec: str
    uom: str
    cost: Decimal = Field(validation_alias="standard_cost")
    price: Decimal | None = Field(validation_alias="list_price")
    major: bool
    supplier: str
    active: bool
    version: int
    products: list[str]

    @staticmethod
    def resolve_products(obj: Any) -> list[str]:
        return [p.model for p in obj.products.all()]


class StoreIn(StrictIn):
    code: Code
    name: str = Field(min_length=1, max_length=100)
    kind: StoreKindCode
    owner: str | None = Field(default=None, max_length=150)
    service_point: str | None = Field(default=None, max_length=16)
    engineer: str | None = Field(default=None, max_length=150)
    customer: str | None = Field(default=None, max_length=16)


class StoreOut(Out):
    code: str
    name: str
    kind: str
    owner: str
    service_point: str | None
    engineer: str | None
    customer: str | None
    active: bool

    @staticmethod
    def resolve_owner(obj: Any) -> str:
        return str(obj.owner.username)

    @staticmethod
    def resolve_service_point(obj: Any) -> str | None:
        return obj.service_point.code if obj.service_point_id else None

    @staticmethod
    def resolve_engineer(obj: Any) -> str | None:
        return obj.engineer.username if obj.engineer_id else None

    @staticmethod
    def resolve_customer(obj: Any) -> str | None:
        return obj.customer.code if obj.customer_id else None


class ReceiptLineIn(StrictIn):
    part: Code
    quantity: Quantity
    unit_cost: MoneyIn | None = None

    model_config = {"strict": False, "extra": "forbid"}


class ReceiptIn(StrictIn):
    store: Code
    reference: str = Field(default="", max_length=40)
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=1000)


class MoveOut(Out):
    number: str
    kind: str
    occurred_at: dt.datetime
    store: str
    part: str
    quantity: int
    on_hand_change: int
    in_transit_change: int
    reserved_change: int
    reference: str
    serial: str
    reason: str

    @staticmethod
    def resolve_store(obj: Any) -> str:
        return str(obj.store.code)

    @staticmethod
    def resolve_part(obj: Any) -> str:
        return str(obj.part.code)


class ReceiptOut(Out):
    store: str
    reference: str
    moves: list[MoveOut]


class StockOut(Out):
    store: str
    part: str
    on_hand: int
    reserved: int
    in_transit: int
    available: int

    @staticmethod
    def resolve_store(obj: Any) -> str:
        return str(obj.store.code)

    @staticmethod
    def resolve_part(obj: Any) -> str:
        return str(obj.part.code)


class TransferIn(StrictIn):
    from_store: Code
    to_store: Code
    part: Code
    quantity: Quantity
    reference: str = Field(default="", max_length=40)
    serial: str = Field(default="", max_length=64)


class AdjustmentIn(StrictIn):
    store: Code
    part: Code
    change: int = Field(ge=-1_000_000, le=1_000_000)
    reason: str = Field(min_length=1, max_length=200)
    reference: str = Field(default="", max_length=40)
    serial: str = Field(default="", max_length=64)


class DecideIn(StrictIn):
    note: str = Field(default="", max_length=500)


class AdjustmentOut(Out):
    number: str
    state: str
    store: str
    part: str
    change: int
    reason: str
    reference: str
    move: str | None

    @staticmethod
    def resolve_store(obj: Any) -> str:
        return str(obj.store.code)

    @staticmethod
    def resolve_part(obj: Any) -> str:
        return str(obj.part.code)

    @staticmethod
    def resolve_move(obj: Any) -> str | None:
        return obj.move.number if obj.move_id else None


class PriceLineIn(StrictIn):
    part: Code
    price: MoneyIn

    model_config = {"strict": False, "extra": "forbid"}


class PriceListIn(StrictIn):
    note: str = Field(default="", max_length=200)
    lines: list[PriceLineIn] = Field(min_length=1, max_length=20000)


class PriceLineOut(Out):
    part: str
    price: Decimal

    @staticmethod
    def resolve_part(obj: Any) -> str:
        return str(obj.part.code)


class PriceListOut(Out):
    version: int
    state: str
    note: str
    approved_at: dt.datetime | None
    lines: list[PriceLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.select_related("part"))
