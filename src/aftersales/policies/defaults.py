"""Every regulation value the system uses: key (rule id + name), type, SPEC default, label.

Adding a key here is enough: versions stored before it existed read its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter


class RegionTierDays(BaseModel):
    """C9: on-site response in days per region tier."""

    model_config = ConfigDict(strict=True, extra="forbid")
    same_city: int = Field(ge=0, le=365)
    same_province: int = Field(ge=0, le=365)
    remote: int = Field(ge=0, le=365)


RecipientToken = Annotated[str, Field(pattern=r"^(owner|department_head|(department_role|role):[a-z_]+)$")]


class EscalationStep(BaseModel):
    """X2: one rung of an escalation ladder.

    `at`: "warning" or "breach"; `after_minutes`: minutes after that moment (breach + N).
    `notify`: "owner" (the clock's responsible user), "department_head" (head of the owner's
    department), "department_role:<role>" (that role in the owner's department), "role:<role>"
    (everyone holding the role, e.g. "role:vp"). `raise_level`: the record goes one level up.
    `reassign_to`: one such token (or ""); the first active user it names becomes responsible.
    """

    model_config = ConfigDict(strict=True, extra="forbid")
    at: Literal["warning", "breach"]
    after_minutes: int = Field(default=0, ge=0, le=60 * 24 * 30)
    notify: list[RecipientToken] = Field(default_factory=list, max_length=10)
    raise_level: bool = False
    reassign_to: RecipientToken | Literal[""] = ""


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


def _minutes() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=1, le=60 * 24 * 30)])


def _day_of_month() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=1, le=28)])


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
                    ],
                    # S6: the request has no engineer yet, so the team leads hear of the response first.
                    "respond": [
                        {
                            "at": "warning",
                            "after_minutes": 0,
                            "notify": ["owner", "role:team_lead"],
                            "raise_level": False,
                        },
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:cs_manager"],
                            "raise_level": True,
                        },
                    ],
                    "arrive": [
                        {"at": "warning", "after_minutes": 0, "notify": ["owner"], "raise_level": False},
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "department_head", "role:cs_manager"],
                            "raise_level": True,
                        },
                        {"at": "breach", "after_minutes": 240, "notify": ["role:vp"], "raise_level": True},
                    ],
                    # S10: the breach raises the task to lend substitute equipment (service app's handler).
                    "solve": [
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:cs_manager"],
                            "raise_level": True,
                        },
                    ],
                }
            },
            label=_("Escalation ladders"),
            help=_(
                "Per clock kind: at the warning, at the breach and N minutes after it, who is notified, "
                "whether the record is raised a level and to whom it is reassigned."
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
        PolicyDef(
            key="S6.respond_minutes",
            rule="S6",
            adapter=_minutes(),
            default=30,
            label=_("Respond to a service request within"),
            help=_(
                "Working minutes from registration until an engineer has confirmed the fault with the customer (000)."
            ),
            unit=_("minutes"),
        ),
        PolicyDef(
            key="S6.urgent_arrive_hours",
            rule="S6",
            adapter=_hours(),
            default=1,
            label=_("On site for urgent in-warranty faults in the service city within"),
            help=_(
                "Hours, around the clock (24-hour emergency line), for urgent faults of units in warranty in a "
                "same-city region; other requests use the region tier days (C9) in working days (000)."
            ),
            unit=_("hours"),
        ),
        PolicyDef(
            key="S10.substitute_after_days",
            rule="S10",
            adapter=_days(),
            default=3,
            label=_("Lend substitute equipment when not solved within"),
            help=_("Calendar days from registration; then a task to lend equipment of the same grade is raised (000)."),
            unit=_("days"),
        ),
        PolicyDef(
            key="S15.repeat_window_days",
            rule="S15",
            adapter=_days(),
            default=90,
            label=_("A fault on a unit repaired within this many days is a repeat repair"),
            help=_(
                "A new request on a unit with the same symptom as a request completed within this window is "
                "flagged as a repeat repair (000: the same fault must not be repaired twice)."
            ),
            unit=_("days"),
        ),
        PolicyDef(
            key="S14.handin_day",
            rule="S14",
            adapter=_day_of_month(),
            default=25,
            label=_("Repair points hand in the month's repair orders by day"),
            help=_("Day of the month by which each repair point hands in its repair orders (002 §5.1.8)."),
            unit=_("day of the month"),
        ),
    ]
}


def policy_def(key: str) -> PolicyDef:
    try:
        return POLICIES[key]
    except KeyError:
        raise KeyError(f"unknown policy key {key!r}; declare it in policies/defaults.py") from None
