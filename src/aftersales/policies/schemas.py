from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

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
    # ISO 8601 with offset; absent = now. A later time makes the change take effect then (0020).
    effective_from: Annotated[dt.datetime | None, Field(strict=False)] = None
    recompute_clocks: bool = False  # recompute running clocks once the change is in force
    expected_version: int | None = None  # the key's newest version the caller saw (409 when stale)


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
