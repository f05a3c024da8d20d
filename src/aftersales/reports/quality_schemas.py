"""API shapes of the Q3 early warnings (issue 16: `GET /api/v1/early-warnings?state=`)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from aftersales.installed_base.schemas import IsoDate, StrictIn
from aftersales.reports.quality_models import EarlyWarning
from aftersales.reports.warnings import period_code, warning_title
from aftersales.service.schemas import Version


class EarlyWarningOut(Schema):
    id: int
    kind: str
    title: str
    product: str
    symptom: str | None
    part: str | None
    window: str
    period: str
    period_start: dt.date
    period_end: dt.date
    threshold: int
    count: int
    state: str
    version: int
    capa: int | None
    capa_state: str | None  # the linked corrective action's state (K14: planned, done, verified)
    close_reason: str
    closed_at: dt.datetime | None
    cases: list[str] | None = None  # request numbers, on the detail only

    @staticmethod
    def resolve_title(obj: EarlyWarning) -> str:
        return warning_title(obj)

    @staticmethod
    def resolve_product(obj: EarlyWarning) -> str:
        return obj.product.model

    @staticmethod
    def resolve_symptom(obj: EarlyWarning) -> str | None:
        return obj.symptom.code if obj.symptom_id and obj.symptom else None

    @staticmethod
    def resolve_part(obj: EarlyWarning) -> str | None:
        return obj.part_key or None

    @staticmethod
    def resolve_period(obj: EarlyWarning) -> str:
        return period_code(obj)

    @staticmethod
    def resolve_capa(obj: EarlyWarning) -> int | None:
        return obj.capa_id

    @staticmethod
    def resolve_capa_state(obj: EarlyWarning) -> str | None:
        return obj.capa.state if obj.capa_id and obj.capa else None

    @staticmethod
    def resolve_cases(obj: EarlyWarning) -> list[str] | None:
        return getattr(obj, "case_numbers", None)


class WarningCloseIn(StrictIn):
    reason: str = Field(min_length=1, max_length=200)
    version: Version = None


class WarningCapaIn(StrictIn):
    """An existing corrective action (`capa`), or the measures of one planned on the warning."""

    capa: int | None = Field(None, ge=1, le=2**31 - 1)
    measures: str = Field("", max_length=2000)
    owner: str = Field("", max_length=150)
    due_date: IsoDate | None = None
    version: Version = None


class WarningCapaDoneIn(StrictIn):
    note: str = Field("", max_length=2000)


class WarningCapaVerifyIn(StrictIn):
    effective: bool = True
    note: str = Field("", max_length=2000)
