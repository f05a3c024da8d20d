"""API schemas of callbacks (V2)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field


class OutcomeIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    result: Literal["reached", "no_answer", "wrong_number", "refused"]
    satisfaction: Literal["satisfied", "fairly_satisfied", "average", "dissatisfied"] | None = None
    note: str = Field(default="", max_length=4000)
    opens: Literal["service_request", "complaint"] | None = None
    talk_seconds: int | None = Field(default=None, ge=0, le=86_400)
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class CallbackOut(Schema):
    id: int
    kind: str
    state: str
    customer: int
    customer_name: str
    unit: str | None
    reason: str
    complaint: str | None  # the complaint it follows (K15), or a low score's complaint
    planned_on: dt.date
    try_on: dt.date
    due_at: dt.datetime | None
    attempts: int
    result: str
    satisfaction: str
    note: str
    opened_request: str | None
    opened_complaint: str | None
    version: int

    @staticmethod
    def resolve_customer(obj: object) -> int:
        return int(getattr(obj, "customer_id"))  # noqa: B009

    @staticmethod
    def resolve_customer_name(obj: object) -> str:
        return str(getattr(obj, "customer").name)  # noqa: B009

    @staticmethod
    def resolve_unit(obj: object) -> str | None:
        unit = getattr(obj, "unit", None)
        return unit.serial if unit is not None else None

    @staticmethod
    def resolve_complaint(obj: object) -> str | None:
        found = getattr(obj, "complaint", None)
        return found.number if found is not None else None

    @staticmethod
    def resolve_opened_request(obj: object) -> str | None:
        found = getattr(obj, "opened_request", None)
        return found.number if found is not None else None

    @staticmethod
    def resolve_opened_complaint(obj: object) -> str | None:
        found = getattr(obj, "opened_complaint", None)
        return found.number if found is not None else None
