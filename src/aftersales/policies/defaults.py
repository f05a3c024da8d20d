"""Every regulation value the system uses: key (rule id + name), type, SPEC default, label.

Adding a key here is enough: versions stored before it existed read its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class RegionTierDays(BaseModel):
    """C9: on-site response in days per region tier."""

    model_config = ConfigDict(strict=True, extra="forbid")
    same_city: int = Field(ge=0, le=365)
    same_province: int = Field(ge=0, le=365)
    remote: int = Field(ge=0, le=365)


@dataclass(frozen=True)
class PolicyDef:
    key: str
    rule: str
    adapter: TypeAdapter[Any]
    default: Any
    label: Promise
    help: Promise
    unit: Promise | str = ""

    def validate(self, value: Any) -> Any:
        result = self.adapter.validate_python(value, strict=True)
        return result.model_dump() if isinstance(result, BaseModel) else result


def _months() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=0, le=240)])


def _days() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=1, le=3650)])


POLICIES: dict[str, PolicyDef] = {
    d.key: d
    for d in [
        PolicyDef(
            key="A3.warranty_months",
            rule="A3",
            adapter=_months(),
            default=24,
            label=_("Default warranty length"),
            help=_(
                "Used when neither the unit nor its product states a warranty length (000: 24 months from acceptance)."
            ),
            unit=_("months"),
        ),
        PolicyDef(
            key="A3.production_offset_months",
            rule="A3",
            adapter=_months(),
            default=3,
            label=_("Warranty start without acceptance"),
            help=_(
                "With no acceptance record, the warranty starts this many months after the production date (002 §5.1.15 note 5)."
            ),
            unit=_("months"),
        ),
        PolicyDef(
            key="C3.grant_days",
            rule="C3",
            adapter=_days(),
            default=7,
            label=_("Confidential file access lasts"),
            help=_("An approved request to read another owner's customer file expires after this many days."),
            unit=_("days"),
        ),
        PolicyDef(
            key="C9.tiers",
            rule="C9",
            adapter=TypeAdapter(RegionTierDays),
            default={"same_city": 1, "same_province": 3, "remote": 7},
            label=_("On-site response by region tier"),
            help=_("Days to be on site: same city, same province, remote provinces (002 §5.1.6)."),
            unit=_("days"),
        ),
    ]
}


def policy_def(key: str) -> PolicyDef:
    try:
        return POLICIES[key]
    except KeyError:
        raise KeyError(f"unknown policy key {key!r}; declare it in policies/defaults.py") from None
