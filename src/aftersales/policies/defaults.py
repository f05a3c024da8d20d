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
PausableClock = Literal["respond", "arrive"]  # S6: the clocks a customer's wait may pause (never S10's)
ComplaintOwnerRole = Literal["agent", "team_lead", "cs_manager", "sales", "sales_manager"]
RoutineCustomers = Literal["key_accounts", "all"]  # V1: who gets the weekly routine callback
LowScoreFollowUp = Literal["task", "complaint"]  # point 5: what a low score opens


VettingDeciderRole = Literal["cs_manager", "sales_manager", "vp", "gm"]  # C5: who decides a vetting
# C5 (003 §2.2.2): management, finances, credit, ability to perform; cooperative attitude; keeps secrets.
VETTING_CRITERIA_DEFAULT = [
    "经营管理水平较高",
    "财务能力较强",
    "信誉良好",
    "履约能力强",
    "具有主动合作态度",
    "遵守双方在商业和技术上的秘密",
]


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


class SurveyItem(BaseModel):
    """V4: one question of the satisfaction survey form (用户满意度调查表) with its weight λ.

    `products`: the question lists the products used (item 1; weight 0). `not_attended`: the question
    may be answered 未参加 (item 6, training), which leaves it out and rescales the other weights.
    """

    model_config = ConfigDict(strict=True, extra="forbid")
    number: int = Field(ge=1, le=50)
    text: str = Field(min_length=1, max_length=200)
    weight: float = Field(ge=0, le=1)
    products: bool = False
    not_attended: bool = False


class SurveyForm(BaseModel):
    """V4: the questions of the survey; the weights of the scored questions sum to 1."""

    model_config = ConfigDict(strict=True, extra="forbid")
    items: list[SurveyItem] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _consistent(self) -> SurveyForm:
        numbers = [item.number for item in self.items]
        if len(set(numbers)) != len(numbers):
            raise ValueError("item numbers must be unique")
        if abs(sum(item.weight for item in self.items if not item.products) - 1) > 1e-9:
            raise ValueError("the weights of the scored items must sum to 1")
        return self


class AnswerScores(BaseModel):
    """V4: the points of each answer (满意 / 较满意 / 一般 / 不满意)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    satisfied: int = Field(ge=0, le=100)
    fairly_satisfied: int = Field(ge=0, le=100)
    average: int = Field(ge=0, le=100)
    dissatisfied: int = Field(ge=0, le=100)


class GradeBounds(BaseModel):
    """V4: the lowest score of each grade; below `somewhat_satisfied` a score is 不满意."""

    model_config = ConfigDict(strict=True, extra="forbid")
    satisfied: int = Field(ge=0, le=100)
    fairly_satisfied: int = Field(ge=0, le=100)
    somewhat_satisfied: int = Field(ge=0, le=100)

    @model_validator(mode="after")
    def _ordered(self) -> GradeBounds:
        if not self.satisfied >= self.fairly_satisfied >= self.somewhat_satisfied:
            raise ValueError("the bounds must descend: satisfied ≥ fairly satisfied ≥ somewhat satisfied")
        return self


class PassMarks(BaseModel):
    """T2: the pass mark of each part of a staff assessment (scores 0–100)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    theory: int = Field(ge=0, le=100)
    practice: int = Field(ge=0, le=100)
    simulated: int = Field(ge=0, le=100)


class CallbackPhrases(BaseModel):
    """V2: what the agent says first and last on one kind of callback."""

    model_config = ConfigDict(strict=True, extra="forbid")
    opening: str = Field(max_length=1000)
    closing: str = Field(max_length=1000)


class CallbackScripts(BaseModel):
    """V2: the opening and closing phrases per callback kind (callbacks.choices.CallbackKind)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    scripts: dict[str, CallbackPhrases]


SURVEY_FORM_DEFAULT = {
    "items": [
        {"number": 1, "text": "贵单位目前使用的本公司产品", "weight": 0.0, "products": True, "not_attended": False},
        {"number": 2, "text": "贵单位对本公司产品质量评价", "weight": 0.15, "products": False, "not_attended": False},
        {
            "number": 3,
            "text": "您对市场人员提供的产品销售前服务评价",
            "weight": 0.15,
            "products": False,
            "not_attended": False,
        },
        {
            "number": 4,
            "text": "贵单位对合同履约（交货期）的满意程度",
            "weight": 0.15,
            "products": False,
            "not_attended": False,
        },
        {
            "number": 5,
            "text": "您对本公司提供的上门售后服务满意程度",
            "weight": 0.2,
            "products": False,
            "not_attended": False,
        },
        {
            "number": 6,
            "text": "贵单位对本公司组织的产品培训满意程度",
            "weight": 0.1,
            "products": False,
            "not_attended": True,
        },
        {
            "number": 7,
            "text": "您对本公司网站提供的信息服务满意程度",
            "weight": 0.1,
            "products": False,
            "not_attended": False,
        },
        {"number": 8, "text": "您对本公司的总体评价", "weight": 0.15, "products": False, "not_attended": False},
    ]
}

_SCRIPT_CLOSING = "感谢您的支持，祝您工作顺利，再见！"
CALLBACK_SCRIPTS_DEFAULT = {
    "scripts": {
        kind: {"opening": opening, "closing": _SCRIPT_CLOSING}
        for kind, opening in [
            ("routine", "您好，我是售后服务中心客服，今天例行回访，想了解设备近期的使用情况，耽误您两分钟可以吗？"),
            ("warranty_month", "您好，我是售后服务中心客服，设备在保修期内，本月例行回访，请问设备运行是否正常？"),
            (
                "handover",
                "您好，我是售后服务中心客服，您的设备保修期下月到期，想和您确认设备状况并介绍保修期后的服务。",
            ),
            (
                "after_service",
                "您好，我是售后服务中心客服，前几天我们的工程师为您上门服务，想了解问题是否已经解决，对服务是否满意？",
            ),
            (
                "after_complaint",
                "您好，我是售后服务中心客服，关于您之前反映的问题，我们已处理完毕，想确认处理结果您是否满意？",
            ),
            (
                "key_account_care",
                "您好，我是售后服务中心客服，作为我们的重点客户，想了解您对我们的产品和服务还有什么需要？",
            ),
            ("low_score", "您好，我是售后服务中心，看到您对我们的服务不太满意，想具体了解情况并尽快改进。"),
        ]
    }
}


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


def _cases() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=1, le=100000)])


def _levels() -> TypeAdapter[Any]:
    from typing import Annotated

    return TypeAdapter(Annotated[int, Field(ge=2, le=10)])


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
            key="S6.customer_wait_pauses",
            rule="S6",
            adapter=TypeAdapter(list[PausableClock]),
            default=["respond", "arrive"],
            label=_("Clocks that pause while the request waits for the customer"),
            help=_(
                "One clock per line: respond (response) and arrive (arrival on site). They pause while the "
                "customer decides a quotation or is unavailable (客户暂不方便), and run again when the wait "
                "ends. The substitute-equipment clock (S10) is not on the list: it never pauses."
            ),
        ),
        PolicyDef(
            key="S9.photo_max_mb",
            rule="S9",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=100)]),
            default=10,
            label=_("Largest photo the engineer may attach"),
            help=_("Megabytes per photo as uploaded (JPEG, PNG or WebP); the stored copy is downscaled."),
            unit=_("MB"),
        ),
        PolicyDef(
            key="S9.photo_max_edge_px",
            rule="S9",
            adapter=TypeAdapter(Annotated[int, Field(ge=640, le=8000)]),
            default=2048,
            label=_("Photos are stored downscaled to at most"),
            help=_("Pixels on the longer side; the stored copy has no EXIF data (no GPS position)."),
            unit=_("pixels"),
        ),
        PolicyDef(
            key="S9.video_max_mb",
            rule="S9",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=1000)]),
            default=50,
            label=_("Largest video the engineer may attach"),
            help=_("Megabytes per video (MP4, WebM or QuickTime)."),
            unit=_("MB"),
        ),
        PolicyDef(
            key="S9.video_max_seconds",
            rule="S9",
            adapter=TypeAdapter(Annotated[int, Field(ge=5, le=3600)]),
            default=60,
            label=_("Longest video the engineer may attach"),
            help=_("Seconds, checked where the file states its length (MP4 and QuickTime)."),
            unit=_("seconds"),
        ),
        PolicyDef(
            key="S9.attachments_max",
            rule="S9",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=500)]),
            default=40,
            label=_("Most photos and videos on one request"),
            help=_("Attachments per service request; delete one before adding more."),
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
        # --- V1 callback plans, V2 callback script (docs/decisions/0030) -------------------------
        PolicyDef(
            key="V1.routine_customers",
            rule="V1",
            adapter=TypeAdapter(RoutineCustomers),
            default="key_accounts",
            label=_("Weekly routine callbacks go to"),
            help=_("key_accounts: the key accounts only; all: every customer with a unit in warranty (000)."),
        ),
        PolicyDef(
            key="V1.routine_weekday",
            rule="V1",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=7)]),
            default=1,
            label=_("Weekly routine callbacks are planned on weekday"),
            help=_("1 = Monday … 7 = Sunday."),
            unit=_("weekday"),
        ),
        PolicyDef(
            key="V1.window",
            rule="V1",
            adapter=_duration(),
            default={"amount": 2, "unit": "working_days"},
            label=_("A planned callback is due within"),
            help=_("From the day it is planned (routine, monthly, hand-over and care callbacks)."),
        ),
        PolicyDef(
            key="V1.after_service_days",
            rule="V1",
            adapter=_days(),
            default=3,
            label=_("Call back after a closed service request within"),
            help=_("Working days from closing the request until the callback about the service (000)."),
            unit=_("working days"),
        ),
        PolicyDef(
            key="V1.handover_months",
            rule="A5",
            adapter=_months(),
            default=1,
            label=_("Hand-over callback before the warranty ends"),
            help=_(
                "Months before the last day in warranty of a unit (month-end clamp: last day 30 March → "
                "28 February) the hand-over callback is due (000)."
            ),
            unit=_("months"),
        ),
        PolicyDef(
            key="V1.care_months",
            rule="V1",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=24)]),
            default=3,
            label=_("Key-account care callback every"),
            help=_("Each key account gets a care callback on the first planning day of every such period."),
            unit=_("months"),
        ),
        PolicyDef(
            key="V2.target_seconds",
            rule="V2",
            adapter=TypeAdapter(Annotated[int, Field(ge=10, le=3600)]),
            default=180,
            label=_("Target length of a callback"),
            help=_("The callback screen's timer turns red after this many seconds (000: under 3 minutes)."),
            unit=_("seconds"),
        ),
        PolicyDef(
            key="V2.retries",
            rule="V2",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=20)]),
            default=3,
            label=_("Retries when nobody answers"),
            help=_("A callback not answered is tried again this many times before it is closed as not reached."),
            unit=_("times"),
        ),
        PolicyDef(
            key="V2.retry_gap_days",
            rule="V2",
            adapter=_days(),
            default=1,
            label=_("Try again after"),
            help=_("Working days between two tries of a callback nobody answered."),
            unit=_("working days"),
        ),
        PolicyDef(
            key="V2.scripts",
            rule="V2",
            adapter=TypeAdapter(CallbackScripts),
            default=CALLBACK_SCRIPTS_DEFAULT,
            shape="phrases",
            label=_("Callback script"),
            help=_("Opening and closing phrases the agent reads, per kind of callback (000)."),
        ),
        # --- V4 survey, V5 report ---------------------------------------------------------------
        PolicyDef(
            key="V4.form",
            rule="V4",
            adapter=TypeAdapter(SurveyForm),
            default=SURVEY_FORM_DEFAULT,
            shape="survey_form",
            label=_("Satisfaction survey questions and weights"),
            help=_(
                "用户满意度调查表 (002 §5.1.17): the questions and their weights λ; the weights of the scored "
                "questions sum to 1. A campaign keeps the form it was sent with."
            ),
        ),
        PolicyDef(
            key="V4.answer_scores",
            rule="V4",
            adapter=TypeAdapter(AnswerScores),
            default={"satisfied": 100, "fairly_satisfied": 80, "average": 60, "dissatisfied": 0},
            label=_("Points per survey answer"),
            help=_("满意 / 较满意 / 一般 / 不满意 (002 §5.1.17)."),
            unit=_("points"),
        ),
        PolicyDef(
            key="V4.valid_share",
            rule="V4",
            adapter=TypeAdapter(Annotated[float, Field(gt=0, le=1)]),
            default=0.85,
            label=_("A survey is valid when this share is returned"),
            help=_("Returned ÷ sent (002 §5.1.17: 85 %)."),
        ),
        PolicyDef(
            key="V4.grade_bounds",
            rule="V4",
            adapter=TypeAdapter(GradeBounds),
            default={"satisfied": 85, "fairly_satisfied": 70, "somewhat_satisfied": 60},
            label=_("Satisfaction grades from"),
            help=_("满意 from the first score, 较满意 from the second, 一般满意 from the third, below it 不满意."),
            unit=_("points"),
        ),
        PolicyDef(
            key="V4.low_score_follow_up",
            rule="V4",
            adapter=TypeAdapter(LowScoreFollowUp),
            default="task",
            label=_("A low score opens"),
            help=_(
                "A survey graded dissatisfied, a poor engineer rating or a dissatisfied callback opens this: "
                "task = a callback task for the head of after-sales; complaint = a complaint registered for the customer."
            ),
        ),
        PolicyDef(
            key="V5.report_day",
            rule="V5",
            adapter=_day_of_month(),
            default=5,
            label=_("Satisfaction analysis report due by day"),
            help=_("Day of the next month by which the report goes to the management representative and quality."),
            unit=_("day of the month"),
        ),
        PolicyDef(
            key="C5.criteria",
            rule="C5",
            adapter=TypeAdapter(list[Annotated[str, Field(min_length=1, max_length=200)]]),
            default=VETTING_CRITERIA_DEFAULT,
            label=_("New-customer vetting criteria"),
            help=_("新用户选择 (003 §2.2.2): the checklist every vetting answers, one criterion a line."),
        ),
        PolicyDef(
            key="C5.decider_role",
            rule="C5",
            adapter=TypeAdapter(VettingDeciderRole),
            default="cs_manager",
            label=_("Who decides a new-customer vetting"),
            help=_("Role code: the holder approves, rejects or asks for more investigation."),
        ),
        PolicyDef(
            key="C5.file_max_mb",
            rule="C5",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=100)]),
            default=10,
            label=_("Largest file archived with a vetting"),
            help=_("PDF, JPEG or PNG documents of the investigation."),
            unit=_("MB"),
        ),
        PolicyDef(
            key="C7.gift_limits",
            rule="C7",
            adapter=TypeAdapter(ApprovalLimits),
            default={"lower": 1000, "upper": 5000, "roles": {"below": "sales_manager", "between": "vp", "above": "gm"}},
            label=_("Who approves a gift to a customer"),
            help=_(
                "Yuan: a gift or souvenir is approved before the visit (003 §3.7); below the lower limit the sales "
                "manager, up to and including the upper limit the vice-president, above it the general manager."
            ),
            unit=_("yuan"),
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
        # --- T2 training and certificates, S7 certified engineers first (docs/decisions/0035) -------
        PolicyDef(
            key="T2.pass_marks",
            rule="T2",
            adapter=TypeAdapter(PassMarks),
            default={"theory": 60, "practice": 60, "simulated": 60},
            label=_("Staff assessment pass marks"),
            help=_("Each part (theory, practice, simulated customer) must reach its mark out of 100 (004 §6.3)."),
            unit=_("points"),
        ),
        PolicyDef(
            key="T2.certificate_months",
            rule="T2",
            adapter=TypeAdapter(Annotated[int, Field(ge=1, le=120)]),
            default=24,
            label=_("A product-line certificate is valid for"),
            help=_("Months from the passed assessment; then the engineer is assessed again."),
            unit=_("months"),
        ),
        PolicyDef(
            key="T2.expiry_notice_days",
            rule="T2",
            adapter=_days(),
            default=30,
            label=_("Warn of an expiring certificate"),
            help=_("Days before a certificate expires the engineer and their manager are notified."),
            unit=_("days"),
        ),
        PolicyDef(
            key="T2.training_lookback_days",
            rule="T2",
            adapter=_days(),
            default=365,
            label=_("Survey question on training: trainings counted from the last"),
            help=_(
                "Days before a survey is sent in which a customer training attended counts: without one, the "
                "survey's question on training starts at “not attended”. Not from a regulation: a house default."
            ),
            unit=_("days"),
        ),
        PolicyDef(
            key="S7.certified_weight",
            rule="S7",
            adapter=TypeAdapter(Annotated[int, Field(ge=0, le=1000)]),
            default=50,
            label=_("Dispatch suggestions: weight of a valid certificate"),
            help=_(
                "Points an engineer without a valid certificate for the unit's product line is ranked behind "
                "(same point 0, same region 100, each open job 10)."
            ),
            unit=_("points"),
        ),
        # Q3 early warning (000: problems recurring within a month, a quarter, a year), Q6 minimum keep
        # times (002 §6), X5 risk scales (004 §9): reports app, docs/decisions/0038.
        *[
            PolicyDef(
                key=f"Q3.warning_{window}",
                rule="Q3",
                adapter=_cases(),
                default=default,
                label=label,
                help=_(
                    "The same fault symptom on the same product, or the same part replaced on it, in at least this "
                    "many service requests of one calendar period raises an early warning for quality (000)."
                ),
                unit=_("cases"),
            )
            for window, default, label in (
                ("month", 3, _("Early warning: recurrences within a month")),
                ("quarter", 5, _("Early warning: recurrences within a quarter")),
                ("year", 10, _("Early warning: recurrences within a year")),
            )
        ],
        *[
            PolicyDef(
                key=f"Q6.keep_{kind}_months",
                rule="Q6",
                adapter=_months(),
                default=default,
                label=label,
                help=_(
                    "Minimum keep time (002 §6). Nothing is removed by itself: after this time an administrator may "
                    "archive the records to a file and remove them."
                ),
                unit=_("months"),
            )
            for kind, default, label in (
                ("statistics", 24, _("Keep statistical analyses at least")),
                ("survey_forms", 12, _("Keep survey forms at least")),
                ("reports", 12, _("Keep analysis reports at least")),
            )
        ],
        *[
            PolicyDef(
                key=f"X5.{axis}_levels",
                rule="X5",
                adapter=_levels(),
                default=5,
                label=label,
                help=_(
                    "Number of levels of the risk register's scale (1 = lowest); the heat map has one cell per pair."
                ),
                unit=_("levels"),
            )
            for axis, label in (("likelihood", _("Risk likelihood scale")), ("impact", _("Risk impact scale")))
        ],
    ]
}


def policy_def(key: str) -> PolicyDef:
    try:
        return POLICIES[key]
    except KeyError:
        raise KeyError(f"unknown policy key {key!r}; declare it in policies/defaults.py") from None
