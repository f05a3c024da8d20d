"""API schemas of the knowledge base (T1): strict pydantic inputs, Ninja outputs."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aftersales.knowledge.models import Article
from aftersales.knowledge.selectors import MAX_ID, Suggestion

ArticleKindCode = Literal["manual", "faq", "diagnosis"]


class StrictIn(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError(_("Text cannot contain NUL characters."))
        return value


class ArticleCreateIn(StrictIn):
    kind: ArticleKindCode
    product: int | None = Field(default=None, ge=1, le=MAX_ID)  # empty: every product
    title: str = Field(min_length=1, max_length=200)
    symptoms: str = Field(default="", max_length=4000)  # one phrase per line
    body: str = Field(min_length=1, max_length=50_000)
    published: bool = False


class ArticleUpdateIn(StrictIn):
    """PATCH: only the fields sent change. `version`: the version edited (a conflict if it moved)."""

    kind: ArticleKindCode | None = None
    product: int | None = Field(default=None, ge=1, le=MAX_ID)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    symptoms: str | None = Field(default=None, max_length=4000)
    body: str | None = Field(default=None, min_length=1, max_length=50_000)
    published: bool | None = None
    version: int | None = Field(default=None, ge=1, le=2**31 - 1)


class ArticleOut(Schema):
    id: int
    kind: str
    product: int | None
    product_model: str | None
    title: str
    symptoms: list[str]
    body: str
    version: int
    published: bool
    updated_at: dt.datetime
    updated_by: str
    url: str

    @staticmethod
    def resolve_product(obj: Article) -> int | None:
        return obj.product_id

    @staticmethod
    def resolve_product_model(obj: Article) -> str | None:
        return obj.product.model if obj.product else None

    @staticmethod
    def resolve_symptoms(obj: Article) -> list[str]:
        return [line for line in obj.symptoms.splitlines() if line.strip()]

    @staticmethod
    def resolve_updated_by(obj: Article) -> str:
        return obj.updated_by.get_username()

    @staticmethod
    def resolve_url(obj: Article) -> str:
        return obj.get_absolute_url()


class SuggestionOut(Schema):
    id: int
    kind: str
    title: str
    score: int
    matched: list[str]
    product_match: bool
    url: str

    @staticmethod
    def from_suggestion(suggestion: Suggestion) -> dict[str, Any]:
        article = suggestion.article
        return {
            "id": article.pk,
            "kind": article.kind,
            "title": article.title,
            "score": suggestion.score,
            "matched": suggestion.matched,
            "product_match": suggestion.product_match,
            "url": article.get_absolute_url(),
        }
