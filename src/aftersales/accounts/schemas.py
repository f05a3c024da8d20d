"""API schemas for accounts: strict pydantic inputs, Ninja outputs."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field


class TokenObtainIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=256)
    name: str = Field(default="api", max_length=64)


class TokenObtainOut(Schema):
    token: str
    prefix: str


class TokenCreateIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")
    name: str = Field(min_length=1, max_length=64)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    roles: list[str]
    customer: int | None


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]
