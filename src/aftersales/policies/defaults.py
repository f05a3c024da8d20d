"""Every regulation value the system uses: key (rule id + name), type, SPEC default, label.

Adding a key here is enough: versions stored before it existed read its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class RegionTierDays(BaseModel):
    """C9: on-site response in days per region tier."""

    model_config = ConfigDict(strict=True, extra="forbid")
    same_city: int = Field(ge=0, le=365)
    same_province: int = Field(ge=0, le=365)
    remote: int = Field(ge=0, le=365)


class EscalationStep(BaseModel):
    """X2: one rung of an escalation ladder.

    `at`: "warning" or "breach"; `after_minutes`: minutes after that moment (breach + N).
    `notify`: "owner" (the clock's responsible user), "department_head" (head of the owner's
    department), "department_role:<role>" (that role in the owner's department), "role:<role>"
    (everyone holding the role, e.g. "role:vp"). `raise_level`: the record goes one level up.
    """

    model_config = ConfigDict(strict=True, extra="forbid")
    at: Literal["warning", "breach"]
    after_minutes: int = Field(default=0, ge=0, le=60 * 24 * 30)
    notify: list[str] = Field(default_factory=list, max_length=10)
    raise_level: bool = False


class EscalationLadders(BaseModel):
    """X2: escalation ladder per clock kind (clocks.choices.ClockKind)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    ladders: dict[str, list[EscalationStep]]


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


def _share() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[float, Field(gt=0, lt=1)])


def _hours() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=1, le=2000)])


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
            key="C3.decide_within",
            rule="C3",
            adapter=_hours(),
            default=8,
            label=_("Decide an access request within"),
            help=_("The owner or a manager decides a request for a confidential file within this many working hours."),
            unit=_("working hours"),
        ),
        PolicyDef(
            key="X2.warn_share",
            rule="X2",
            adapter=_share(),
            default=0.75,
            label=_("Warn when this share of a deadline has passed"),
            help=_("A clock warns once this share of its target working time has elapsed (0.75 = 75 %)."),
        ),
        PolicyDef(
            key="X2.escalation",
            rule="X2",
            adapter=TypeAdapter(EscalationLadders),
            default={
                "ladders": {
                    "access_decision": [
                        {"at": "warning", "after_minutes": 0, "notify": ["owner"], "raise_level": False},
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "department_head"],
                            "raise_level": True,
                        },
                        {"at": "breach", "after_minutes": 240, "notify": ["role:vp"], "raise_level": True},
                    ]
                }
            },
            label=_("Escalation ladders"),
            help=_(
                "Per clock kind: at the warning, at the breach and N minutes after it, who is notified "
                "and whether the record is raised a level."
            ),
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
