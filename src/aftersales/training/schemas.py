"""API schemas of training (T2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

Day = Annotated[dt.date, Field(strict=False)]  # an ISO date string in JSON
Score = Annotated[Decimal, Field(strict=False, ge=0, le=100, max_digits=5, decimal_places=2)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]


class AttendanceIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    customer: Id
    attendees: str = Field(default="", max_length=300)


class TrainingIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    course: str = Field(min_length=1, max_length=120)
    product: Id | None = None
    planned_on: Day
    place: str = Field(default="", max_length=120)
    trainer: str = Field(min_length=1, max_length=80)
    customers: list[AttendanceIn] = Field(default_factory=list, max_length=500)


class TrainingRecordIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    held_on: Day
    feedback: str = Field(default="", max_length=4000)
    attendance: list[AttendanceIn] | None = Field(default=None, max_length=500)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class TrainingCancelIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    reason: str = Field(default="", max_length=300)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class AttendanceOut(Schema):
    customer: int
    customer_name: str
    attendees: str

    @staticmethod
    def resolve_customer(obj: Any) -> int:
        return int(obj.customer_id)

    @staticmethod
    def resolve_customer_name(obj: Any) -> str:
        return str(obj.customer.name)


class TrainingOut(Schema):
    id: int
    course: str
    product: str | None
    planned_on: dt.date
    held_on: dt.date | None
    place: str
    trainer: str
    state: str
    feedback: str
    attendance: list[AttendanceOut]
    version: int

    @staticmethod
    def resolve_product(obj: Any) -> str | None:
        return obj.product.model if obj.product_id else None

    @staticmethod
    def resolve_attendance(obj: Any) -> list[Any]:
        return list(obj.attendance.select_related("customer").order_by("id"))


class AttendedOut(Schema):
    customer: int
    date_from: dt.date
    date_to: dt.date
    attended: bool


class AssessmentIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    user: Id
    product_line: str = Field(min_length=1, max_length=64)
    taken_on: Day
    theory: Score
    practice: Score
    simulated: Score
    note: str = Field(default="", max_length=300)


class AssessmentOut(Schema):
    id: int
    user: str
    product_line: str
    taken_on: dt.date
    theory: Decimal
    practice: Decimal
    simulated: Decimal
    passed: bool
    pass_marks: dict[str, Any]
    certificate_expires_on: dt.date | None

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_certificate_expires_on(obj: Any) -> dt.date | None:
        certificate = getattr(obj, "certificate", None) if obj.passed else None
        return certificate.expires_on if certificate is not None else None


class CertificateOut(Schema):
    id: int
    user: str
    product_line: str
    issued_on: dt.date
    expires_on: dt.date

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.username)
