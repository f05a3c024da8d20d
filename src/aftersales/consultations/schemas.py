"""API schemas of the consultation register (C8)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

Channel = Literal["phone", "web", "email", "walk_in", "other"]
FieldTypeCode = Literal["text", "number", "choice", "date"]
Day = Annotated[dt.date, Field(strict=False)]  # an ISO date string in JSON
Extra = dict[str, str | int | float | None]


class ConsultationIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    channel: Channel
    name: str = Field(min_length=1, max_length=80)
    organisation: str = Field(default="", max_length=120)
    contact: str = Field(min_length=1, max_length=120)
    customer: int | None = Field(default=None, ge=1, le=2**31 - 1)
    product: int | None = Field(default=None, ge=1, le=2**31 - 1)
    question: str = Field(min_length=1, max_length=4000)
    answer: str = Field(default="", max_length=4000)
    extra: Extra = Field(default_factory=dict, max_length=50)
    follow_up_on: Day | None = None


class StageIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    stage: Literal["enquiry", "visited", "purchased", "dropped"]
    on: Day | None = None
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    due_on: Day
    assignee: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: str = Field(default="", max_length=300)


class FollowUpOutcomeIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    result: Literal["reached", "no_answer", "visit_agreed", "not_interested"]
    outcome: str = Field(default="", max_length=4000)


class FollowUpOut(Schema):
    id: int
    consultation: int
    due_on: dt.date
    assignee: str
    note: str
    state: str
    result: str
    outcome: str
    done_at: dt.datetime | None

    @staticmethod
    def resolve_consultation(obj: Any) -> int:
        return int(obj.consultation_id)

    @staticmethod
    def resolve_assignee(obj: Any) -> str:
        return str(obj.assignee.username)


class ConsultationOut(Schema):
    id: int
    channel: str
    name: str
    organisation: str
    contact: str
    customer: int | None
    product: str | None
    question: str
    answer: str
    handler: str
    received_at: dt.datetime
    extra: dict[str, Any]
    stage: str
    visited_on: dt.date | None
    purchased_on: dt.date | None
    version: int

    @staticmethod
    def resolve_customer(obj: Any) -> int | None:
        return obj.customer_id

    @staticmethod
    def resolve_product(obj: Any) -> str | None:
        return obj.product.model if obj.product_id else None

    @staticmethod
    def resolve_handler(obj: Any) -> str:
        return str(obj.handler.username)


class ConsultationDetailOut(ConsultationOut):
    follow_ups: list[FollowUpOut]

    @staticmethod
    def resolve_follow_ups(obj: Any) -> list[Any]:
        return list(obj.follow_ups.select_related("assignee").order_by("due_on", "id"))


class ConversionOut(Schema):
    period: str
    enquiries: int
    visited: int
    purchased: int
    visit_rate: float
    purchase_rate: float
    visit_to_purchase_rate: float


class FieldIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=80)
    field_type: FieldTypeCode
    choices: list[str] = Field(default_factory=list, max_length=50)
    required: bool = False
    order: int = Field(default=0, ge=0, le=9999)


class FieldUpdateIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    label: str | None = Field(default=None, min_length=1, max_length=80)
    field_type: FieldTypeCode | None = None
    choices: list[str] | None = Field(default=None, max_length=50)
    required: bool | None = None
    order: int | None = Field(default=None, ge=0, le=9999)
    active: bool | None = None
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class FieldOut(Schema):
    id: int
    key: str
    label: str
    field_type: str
    choices: list[str]
    required: bool
    order: int
    active: bool
    version: int
