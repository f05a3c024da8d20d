"""Every regulation value the system uses: key (rule id + name), type, SPEC default, label.

Adding a key here is enough: versions stored before it existed read its default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator


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


DurationUnitCode = Literal["working_minutes", "working_hours", "working_days", "hours", "days"]


class Duration(BaseModel):
    """X2: a deadline with its unit (calendars.choices.DurationUnit), e.g. {"amount": 4, "unit": "working_hours"}.

    A clock started from such a policy takes both from it, so "8 working hours instead of 24 hours"
    is one policy change; running clocks keep what they started with unless the change asks to
    recompute them (docs/decisions/0020).
    """

    model_config = ConfigDict(strict=True, extra="forbid")
    amount: int = Field(ge=1, le=100_000)
    unit: DurationUnitCode


ApproverRole = Literal["sales_manager", "vp", "gm"]
# K2: the roles that handle complaints and may own the ones registered by others
ComplaintOwnerRole = Literal["agent", "team_lead", "cs_manager", "sales", "sales_manager"]


class ApprovalRoles(BaseModel):
    """K7: who decides below the lower limit, between the limits (both inclusive), above the upper."""

    model_config = ConfigDict(strict=True, extra="forbid")
    below: ApproverRole = "sales_manager"
    between: ApproverRole = "vp"
    above: ApproverRole = "gm"


class ApprovalLimits(BaseModel):
    """K7 (001 §27): amounts in whole yuan; lower ≤ upper. `roles` nests so that readers which take
    "the two numbers of K7.limits" (returns) keep working."""

    model_config = ConfigDict(strict=True, extra="forbid")
    lower: int = Field(ge=0, le=1_000_000_000)
    upper: int = Field(ge=0, le=1_000_000_000)
    roles: ApprovalRoles = Field(default_factory=ApprovalRoles)

    @model_validator(mode="after")
    def _ordered(self) -> ApprovalLimits:
        if self.lower > self.upper:
            raise ValueError("lower must not exceed upper")
        return self


class LossStandard(BaseModel):
    """K8: the deduction per case (奖罚通知单) = share_percent % of the accountable loss, at most cap_yuan."""

    model_config = ConfigDict(strict=True, extra="forbid")
    share_percent: int = Field(ge=0, le=100)
    cap_yuan: int = Field(ge=0, le=1_000_000_000)


@dataclass(frozen=True)
class PolicyDef:
    key: str
    rule: str
    adapter: TypeAdapter[Any]
    default: Any
    label: Promise
    help: Promise
    unit: Promise | str = ""
    # The form shape (policies.shapes): "" = inferred from the type's JSON schema, which covers integers,
    # shares, booleans, lists, durations, tier tables, limit tables and escalation ladders.
    shape: str = ""

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


def _duration() -> TypeAdapter[Any]:
    return TypeAdapter(Duration)


def _flag() -> TypeAdapter[Any]:
    return TypeAdapter(bool)


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
            key="X4.token_days",
            rule="X4",
            adapter=_days(),
            default=90,
            label=_("API tokens expire after"),
            help=_(
                "A personal API token stops working this many days after it was issued; a password change or "
                "deactivation ends every token of the user at once."
            ),
            unit=_("days"),
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
                    # K5: the first contact is late → the team leads, then the department head.
                    "contact": [
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
                    # K5: the whole case beyond 5 working days → the department head, a day later the VP (K16).
                    "close": [
                        {"at": "warning", "after_minutes": 0, "notify": ["owner"], "raise_level": False},
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:cs_manager"],
                            "raise_level": True,
                        },
                        {"at": "breach", "after_minutes": 1440, "notify": ["role:vp"], "raise_level": True},
                    ],
                    # K6: a major complaint not reported in time goes straight to the department head.
                    "report_desk": [
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:cs_manager"],
                            "raise_level": True,
                        },
                    ],
                    # K6: the desk's 2 h report on to the department head; missed → the head and the VP (K16).
                    "report_head": [
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:cs_manager", "role:vp"],
                            "raise_level": True,
                        },
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
                    # P4: an old major part not back in time → the engineer and the parts keepers, a day
                    # later the head of after-sales.
                    "part_return": [
                        {"at": "warning", "after_minutes": 0, "notify": ["owner"], "raise_level": False},
                        {
                            "at": "breach",
                            "after_minutes": 0,
                            "notify": ["owner", "role:parts_keeper"],
                            "raise_level": True,
                        },
                        {"at": "breach", "after_minutes": 1440, "notify": ["role:cs_manager"], "raise_level": True},
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
                "Working minutes from registration until an engineer has confirmed the fault with the customer "
                "(000); minutes around the clock when the request is on the 24-hour emergency line (urgent, "
                "in warranty, same city), so the response is never due after the arrival."
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
                "same-city region; such a request's response clock runs around the clock too. Other requests "
                "use the region tier days (C9) in working days (000)."
            ),
            unit=_("hours"),
        ),
        PolicyDef(
            key="S1.backdate_days",
            rule="S1",
            adapter=_days(),
            default=30,
            label=_("A request or complaint may be registered as received up to this many days ago"),
            help=_(
                "The time received entered at intake (service requests and complaints) may lie this many days "
                "in the past at most; an older one needs a team lead or the head of after-sales."
            ),
            unit=_("days"),
        ),
        PolicyDef(
            key="S10.substitute_after_days",
            rule="S10",
            adapter=_days(),
            default=3,
            label=_("Lend substitute equipment when not solved within"),
            help=_(
                "Calendar days from registration, never paused (not even while waiting for parts); then a task "
                "to lend substitute equipment of the same grade is raised (000). Consulting, software and "
                "training requests have no such clock."
            ),
            unit=_("days"),
        ),
        PolicyDef(
            key="S9.parts_wait_pauses",
            rule="S9",
            adapter=_flag(),
            default=False,
            label=_("Waiting for our own parts pauses the response and arrival clocks"),
            help=_(
                "false (default): the parts are ours to bring, so waiting for them pauses nothing. true: the "
                "response and arrival clocks pause while the job waits for parts. The substitute-equipment "
                "clock (S10) never pauses: that wait is when a substitute is needed."
            ),
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
        PolicyDef(
            key="R1.fresh_days",
            rule="R1",
            adapter=_days(),
            default=30,
            label=_("A return counts as “just shipped” within"),
            help=_(
                "Calendar days after shipment within which unopened goods may be exchanged for another model, "
                "and within which a quality defect must be verified by a manager (002 §5.5 says only "
                "“just shipped” / “shortly after shipment”)."
            ),
            unit=_("days"),
        ),
        # --- complaints (K5–K8); units and reasons: docs/decisions/0005-complaints.md ---
        PolicyDef(
            key="K2.owner_role",
            rule="K2",
            adapter=TypeAdapter(ComplaintOwnerRole),
            default="team_lead",
            label=_("Who owns a complaint registered by someone who does not handle complaints"),
            help=_(
                "Role code. A complaint filed on the portal, or registered by a member of staff who does not "
                "handle complaints (an engineer, finance …), is owned by the person of this role with the "
                "fewest open complaints (000: the complaint desk, the customer-service team lead)."
            ),
        ),
        PolicyDef(
            key="K5.contact",
            rule="K5",
            adapter=_duration(),
            default={"amount": 4, "unit": "working_hours"},
            label=_("Contact the complainant within"),
            help=_(
                "From receipt to the first contact with the customer, on the complaint calendar (000: 4 h; working hours, since the hotline is staffed in office hours)."
            ),
        ),
        PolicyDef(
            key="K5.solution",
            rule="K5",
            adapter=_duration(),
            default={"amount": 24, "unit": "hours"},
            label=_("Solution to the customer within"),
            help=_(
                "From the first contact until the customer has the solution when it is within the handler's authority, or until the case is with the department head when it is not (000: 24 h around the clock; 002 §5.1.18: 8 working hours)."
            ),
        ),
        PolicyDef(
            key="K5.head",
            rule="K5",
            adapter=_duration(),
            default={"amount": 24, "unit": "hours"},
            label=_("Beyond authority, to the department head within"),
            help=_(
                "From the first contact until a case beyond authority reaches the department head (000: 24 h around the clock)."
            ),
        ),
        PolicyDef(
            key="K5.decide",
            rule="K5",
            adapter=_duration(),
            default={"amount": 24, "unit": "hours"},
            label=_("The department head decides within"),
            help=_("From the escalation until the department head decides (000: 24 h around the clock)."),
        ),
        PolicyDef(
            key="K5.reply",
            rule="K5",
            adapter=_duration(),
            default={"amount": 24, "unit": "hours"},
            label=_("Reply to the customer after the head's decision within"),
            help=_(
                "From the department head's decision until the customer is replied to (000: 24 h around the clock)."
            ),
        ),
        PolicyDef(
            key="K5.implement",
            rule="K5",
            adapter=_duration(),
            default={"amount": 2, "unit": "working_days"},
            label=_("The responsible person carries out the solution within"),
            help=_(
                "From the reply to the customer until the solution is carried out (000: 2 days, as working days; 002 §5.1.18: 8 working hours for human-factor remedies)."
            ),
        ),
        PolicyDef(
            key="K5.close",
            rule="K5",
            adapter=_duration(),
            default={"amount": 5, "unit": "working_days"},
            label=_("Close a complaint within"),
            help=_("From receipt until the whole case is closed (000: 5 working days; 001 §25: 6 days)."),
        ),
        PolicyDef(
            key="K6.major_loss_yuan",
            rule="K6",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=1_000_000_000)]),
            default=5000,
            label=_("A customer loss of at least this much makes a complaint major"),
            help=_("Yuan; with industry inspection or media exposure the complaint is a major complaint (000)."),
            unit=_("yuan"),
        ),
        PolicyDef(
            key="B1.cash_limit",
            rule="B1",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=1_000_000)]),
            default=2000,
            label=_("Largest fee the engineer may collect in cash on site"),
            help=_(
                "Yuan: a fee up to this amount may be collected on site and handed to finance; above it "
                "finance invoices the customer (001 §9)."
            ),
            unit=_("yuan"),
        ),
        PolicyDef(
            key="K6.report_desk",
            rule="K6",
            adapter=_duration(),
            default={"amount": 4, "unit": "hours"},
            label=_("Report a major complaint to the complaint desk within"),
            help=_("From receipt, around the clock (000: 4 h)."),
        ),
        PolicyDef(
            key="K6.report_head",
            rule="K6",
            adapter=_duration(),
            default={"amount": 2, "unit": "hours"},
            label=_("The complaint desk reports a major complaint to the department head within"),
            help=_("From the report to the complaint desk, around the clock (000: 2 h)."),
        ),
        PolicyDef(
            key="K7.limits",
            rule="K7",
            adapter=TypeAdapter(ApprovalLimits),
            default={"lower": 1000, "upper": 5000, "roles": {"below": "sales_manager", "between": "vp", "above": "gm"}},
            label=_("Approval authority by amount"),
            help=_(
                "Yuan: below the lower limit the sales manager, from the lower up to and including the upper "
                "limit the vice-president, above it the general manager (001 §27)."
            ),
            unit=_("yuan"),
        ),
        PolicyDef(
            key="K8.negligence_points",
            rule="K8",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=100)]),
            default=3,
            label=_("Penalty points for negligence per case"),
            help=_("Given to the responsible person when a human factor caused the complaint (000)."),
            unit=_("points"),
        ),
        PolicyDef(
            key="K8.loss_standard",
            rule="K8",
            adapter=TypeAdapter(LossStandard),
            default={"share_percent": 10, "cap_yuan": 2000},
            label=_("Penalty standard for customer complaint losses"),
            help=_(
                "客户投诉损失金额核算基准 / 罚扣判定基准: the responsible person's deduction on the reward and "
                "penalty notice is this percentage of the loss for which they are accountable, at most this "
                "many yuan per case (besides the penalty points)."
            ),
        ),
        PolicyDef(
            key="K8.review_day",
            rule="K8",
            adapter=_day_of_month(),
            default=10,
            label=_("Review last month's closed complaints by day"),
            help=_(
                "Day of the month by which the previous month's closed complaints are reviewed for sanctions (001 §28)."
            ),
            unit=_("day of the month"),
        ),
        PolicyDef(
            key="P2.keeper_limit_yuan",
            rule="P2",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=1_000_000_000)]),
            default=5000,
            label=_("The parts keeper approves requisitions up to"),
            help=_(
                "Yuan at standard cost: a requisition (维修点领用配件表) worth up to this amount is approved by the "
                "parts keeper, above it by the head of after-sales."
            ),
            unit=_("yuan"),
        ),
        PolicyDef(
            key="P4.return_within",
            rule="P4",
            adapter=_duration(),
            default={"amount": 10, "unit": "working_days"},
            label=_("Send a replaced major part back within"),
            help=_(
                "From the consumption of a major part on a job until the old part reaches the central parts "
                "keeper (002 §5.1.11); working days on the national calendar by default."
            ),
        ),
        PolicyDef(
            key="P5.history_months",
            rule="P5",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=60)]),
            default=6,
            label=_("Demand plan: consumption history"),
            help=_("The demand plan averages each part's consumption in a store over this many past months."),
            unit=_("months"),
        ),
        PolicyDef(
            key="P5.lead_time_months",
            rule="P5",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=24)]),
            default=1,
            label=_("Demand plan: purchase lead time"),
            help=_("Months from the purchase request until the parts are in the store."),
            unit=_("months"),
        ),
        PolicyDef(
            key="P5.cover_months",
            rule="P5",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=24)]),
            default=2,
            label=_("Demand plan: months of consumption to cover"),
            help=_("After the parts arrive, the stock should last this many months of average consumption."),
            unit=_("months"),
        ),
        PolicyDef(
            key="K13.collect_days",
            rule="K13",
            adapter=_days(),
            default=30,
            label=_("Collect the receivables of an unfounded complaint within"),
            help=_(
                "Calendar days from closing an unfounded complaint until finance has collected what is owed (001 §25.8)."
            ),
            unit=_("days"),
        ),
        PolicyDef(
            key="K15.callback_days",
            rule="K15",
            adapter=_days(),
            default=3,
            label=_("Call the complainant back after closing within"),
            help=_(
                "Working days on the complaint calendar from closing until the callback that confirms the result (004)."
            ),
            unit=_("working days"),
        ),
    ]
}


def policy_def(key: str) -> PolicyDef:
    try:
        return POLICIES[key]
    except KeyError:
        raise KeyError(f"unknown policy key {key!r}; declare it in policies/defaults.py") from None
