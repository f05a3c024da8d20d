"""API schemas of approvals: a strict decision input, one output for every kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aftersales.approvals.models import Approval
from aftersales.approvals.registry import approval_link

MAX_ID = 2_147_483_647  # larger ids cannot exist, and SQLite overflows on them

ApprovalKindCode = Literal[
    "complaint",
    "return",
    "discount_certificate",
    "offsite",
    "support",
    "leave_unsolved",
    "fee_standard",
    "access",
    "policy",
    "responsibility_review",
]  # choices.ApprovalKind
ApprovalStateCode = Literal["pending", "approved", "refused"]
ApprovalMineCode = Literal["waiting"]


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("Text cannot contain NUL characters."))
        return value


class Out(Schema):
    """Times leave in UTC."""

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC)
        return value


class UserRefOut(Out):
    id: int
    username: str
    display_name: str


class ApprovalDecideIn(StrictIn):
    decision: Literal["approve", "refuse"]
    reason: str = Field(default="", max_length=200)


class ApprovalOut(Out):
    """One approval with the rule and numbers that chose its approver (`explanation.text` in plain language)."""

    id: int
    kind: str
    subject_type: str
    subject_label: str
    link: str
    purpose: str
    amount: Decimal | None
    required_role: str
    rule: str
    policy_version: int
    state: str
    requested_by: UserRefOut
    decided_by: UserRefOut | None
    decided_at: dt.datetime | None
    note: str
    decision_note: str
    explanation: dict[str, Any]
    # What the record's app said the request is about (payload, e.g. a complaint's decision): "" when none.
    customer_name: str
    summary: str
    disposition: str
    disposition_label: str
    created_at: dt.datetime

    @staticmethod
    def resolve_link(obj: Approval) -> str:
        return approval_link(obj)

    @staticmethod
    def resolve_customer_name(obj: Approval) -> str:
        return str(obj.payload.get("customer_name", "")) if isinstance(obj.payload, dict) else ""

    @staticmethod
    def resolve_summary(obj: Approval) -> str:
        return str(obj.payload.get("summary", "")) if isinstance(obj.payload, dict) else ""

    @staticmethod
    def resolve_disposition(obj: Approval) -> str:
        return str(obj.payload.get("disposition", "")) if isinstance(obj.payload, dict) else ""

    @staticmethod
    def resolve_disposition_label(obj: Approval) -> str:
        return str(obj.payload.get("disposition_label", "")) if isinstance(obj.payload, dict) else ""
