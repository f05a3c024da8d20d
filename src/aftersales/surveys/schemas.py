"""API schemas of the satisfaction survey (V4): strict pydantic inputs, plain outputs."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from aftersales.surveys.selectors import MAX_ID

AnswerCode = Literal["satisfied", "fairly_satisfied", "average", "dissatisfied", "not_attended"]


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class CampaignIn(StrictIn):
    title: str = Field(min_length=1, max_length=120)
    period: str = Field(min_length=1, max_length=32)
    customers: list[int] = Field(min_length=1, max_length=20_000)


class CampaignOut(Schema):
    id: int
    title: str
    period: str
    sent: int
    policy_version: int
    created_at: dt.datetime


class ResponseIn(StrictIn):
    customer: int = Field(ge=1, le=MAX_ID)
    products: list[str] = Field(default_factory=list, max_length=50)
    # the codes are checked by the service against the campaign's form (422 names the question)
    answers: dict[str, str] = Field(max_length=30)
    respondent_name: str = Field(default="", max_length=64)
    comment: str = Field(default="", max_length=4000)


class ResponseOut(Schema):
    id: int
    customer: int
    products: list[str]
    answers: dict[str, str]
    score: float
    grade: str
    channel: str

    @staticmethod
    def resolve_customer(obj: object) -> int:
        return int(getattr(obj, "customer_id"))  # noqa: B009 — the FK's id, not the row

    @staticmethod
    def resolve_score(obj: object) -> float:
        return round(float(getattr(obj, "score")), 2)  # noqa: B009


class ProductResultOut(Schema):
    product: str
    score: float | None
    grade: str | None
    responses: int


class ResultOut(Schema):
    sent: int
    returned: int
    return_rate: float
    valid: bool
    score: float | None
    grade: str | None
    by_product: list[ProductResultOut]
    explanation: list[str]
