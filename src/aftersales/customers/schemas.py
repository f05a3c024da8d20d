"""API schemas for customer files: strict pydantic inputs, Ninja outputs (C1, C3, C6)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from aftersales.clocks.schemas import ClockOut, clocks_out
from aftersales.customers.models import Contact, Customer, CustomerAccessRequest
from aftersales.customers.selectors import CustomerCard

CustomerKindCode = Literal["end_user", "dealer", "retailer", "agent"]
CreditRatingCode = Literal["A", "B", "C", "D"]
MAX_ID = 2_147_483_647  # larger ids cannot exist, and SQLite overflows on them


class ContactIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    phone: str = Field(default="", max_length=40)
    title: str = Field(default="", max_length=64)
    email: str = Field(default="", max_length=254)
    is_primary: bool = False


class CustomerCreateIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    kind: CustomerKindCode
    phone: str = Field(max_length=40)
    address: str = Field(max_length=200)
    region: int | None = Field(default=None, ge=1, le=MAX_ID)
    credit_rating: CreditRatingCode = "B"
    relationship: str = Field(default="", max_length=200)
    key_account: bool = False
    confidential: bool = False
    notes: str = Field(default="", max_length=5000)
    contacts: list[ContactIn] = Field(default_factory=list, max_length=50)


class CustomerUpdateIn(BaseModel):
    """Only the fields sent are changed; `version` is the version the editor saw (409 when stale)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(default="", min_length=1, max_length=120)
    kind: CustomerKindCode = "end_user"
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=200)
    region: int | None = Field(default=None, ge=1, le=MAX_ID)
    credit_rating: CreditRatingCode = "B"
    relationship: str = Field(default="", max_length=200)
    key_account: bool = False
    confidential: bool = False
    owner: int | None = Field(default=None, ge=1, le=MAX_ID)
    notes: str = Field(default="", max_length=5000)
    version: int | None = Field(default=None, ge=1)


class AccessRequestCreateIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    reason: str = Field(min_length=1, max_length=200)


class RegionRefOut(Schema):
    id: int
    code: str
    name: str
    tier: str


class UserRefOut(Schema):
    id: int
    username: str
    display_name: str


class ContactOut(Schema):
    id: int
    name: str
    title: str
    phone: str
    email: str
    is_primary: bool


class CustomerRefOut(Schema):
    id: int
    code: str
    name: str


class CustomerSummaryOut(Schema):
    """One row of GET /customers (the hotline lookup and the list), built from a CustomerCard (C3).

    A confidential file the caller may not open has `may_open` false and shows only its id,
    number, name and the number typed in `q` (`phone`); every other field is null, and
    `request_access` is the endpoint that asks its owner or a manager for access.
    """

    id: int
    code: str
    name: str
    kind: str | None
    phone: str
    region: RegionRefOut | None
    key_account: bool | None
    confidential: bool
    owner: UserRefOut | None
    primary_contact: ContactOut | None
    # C6: with `q`, the contact whose phone (or its last digits) or name matched, to confirm and
    # pre-fill that caller; null when the file's own phone, name, number or a unit serial matched,
    # and on a masked row (C3).
    matched_contact: ContactOut | None
    updated_at: dt.datetime | None
    may_open: bool
    request_access: str | None

    @staticmethod
    def resolve_request_access(obj: CustomerCard) -> str | None:
        if obj.may_open:
            return None
        return reverse("api:access_request_create", kwargs={"customer_id": obj.pk})


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    phone: str
    address: str
    region: RegionRefOut | None
    credit_rating: str
    relationship: str
    key_account: bool
    confidential: bool
    owner: UserRefOut | None
    notes: str
    version: int
    contacts: list[ContactOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_contacts(obj: Customer) -> list[Contact]:
        return list(obj.contacts.all())


class AccessRequestOut(Schema):
    id: int
    customer: CustomerRefOut
    requester: UserRefOut
    reason: str
    status: str
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    expires_at: dt.datetime | None
    policy_version: int | None
    created_at: dt.datetime
    clocks: list[ClockOut]  # X2: the decision clock (C3.decide_within)

    @staticmethod
    def resolve_clocks(obj: CustomerAccessRequest) -> list[Any]:
        return clocks_out(obj)
