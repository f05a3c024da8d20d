from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field


class PolicyOut(Schema):
    key: str
    rule: str
    value: Any
    default: Any
    version: int
    label: str


class PolicySetIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    value: Any
    note: str = Field(default="", max_length=200)


class PolicyChangePendingOut(Schema):
    """An approval policy's change waiting for the general manager (202): the approval to follow."""

    approval: int
    kind: str
    state: str
    key: str
    required_role: str
    explanation: str


class PolicyVersionOut(Schema):
    number: int
    effective_from: dt.datetime
    changed_key: str
    note: str
