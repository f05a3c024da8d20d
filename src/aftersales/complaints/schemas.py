"""API schemas of complaints (their amount approvals read through the approvals app): strict pydantic inputs, Ninja outputs (K1–K11).

The complaint's class travels as `class` (a Python keyword, hence the alias). A portal user gets
ComplaintPublicOut: the public state and the reply, never the internal state, clocks, major flag,
handling, approvals or responsibility (K11).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, RootModel, Tag

from aftersales.approvals.schemas import ApprovalOut
from aftersales.approvals.selectors import approvals_for
from aftersales.approvals.services import Approval, approval_level
from aftersales.clocks.schemas import ClockOut, clocks_out
from aftersales.complaints.choices import public_state
from aftersales.complaints.models import Complaint
from aftersales.complaints.selectors import complaint_reopened_as
from aftersales.installed_base.schemas import IsoDate, StrictIn
from aftersales.service.schemas import MAX_ID, AwareDateTime, CustomerRefOut, Money, Out, UserRefOut, Version

ComplaintClassCode = Literal["quality", "non_quality", "other"]
ComplaintChannelCode = Literal["phone", "letter", "visit", "onsite", "web"]
DispositionCode = Literal["return", "exchange", "guidance", "explanation", "compensation", "reprocessing"]
ComplaintStateCode = Literal[
    "registered",
    "contacted",
    "awaiting_approval",
    "escalated",
    "decided",
    "replied",
    "implemented",
    "closed",
    "rejected",
]
PublicStateCode = Literal["received", "in_progress", "replied", "closed", "reopened"]  # choices.PublicState


# --- inputs ----------------------------------------------------------------------------------


class ComplaintCreateIn(StrictIn):
    """K2, K4, K6: a complaint as received. `service_request`: the number of a related request."""

    customer: int = Field(ge=1, le=MAX_ID)
    complaint_class: ComplaintClassCode = Field(alias="class")
    channel: ComplaintChannelCode
    description: str = Field(min_length=1, max_length=4000)
    amount_claimed: Money = Decimal("0")
    loss_amount: Money | None = None
    media_exposure: bool = False
    industry_inspection: bool = False
    received_at: AwareDateTime | None = None
    service_request: str = Field(default="", max_length=20)
    callback: int | None = Field(default=None, ge=1, le=2**63 - 1)  # K2: the K15 callback task it was raised on
    order_number: str = Field(default="", max_length=40)
    batch_number: str = Field(default="", max_length=40)
    ship_date: IsoDate | None = None
    quantity: int | None = Field(default=None, ge=0, le=MAX_ID)
    defective_quantity: int | None = Field(default=None, ge=0, le=MAX_ID)
    customer_request: str = Field(default="", max_length=4000)
    samples: str = Field(default="", max_length=4000)


class ComplaintVersionIn(StrictIn):
    version: Version = None


class ComplaintNoteIn(ComplaintVersionIn):
    note: str = Field(default="", max_length=4000)


class ComplaintDecideIn(ComplaintVersionIn):
    """K9: the disposition and the solution; `amount` granted (compensation, discount) in yuan."""

    disposition: DispositionCode
    decision: str = Field(min_length=1, max_length=4000)
    amount: Money = Decimal("0")
    internal_handling: str = Field(default="", max_length=4000)


class ComplaintEscalateIn(ComplaintVersionIn):
    reason: str = Field(default="", max_length=200)


class ComplaintReplyIn(ComplaintVersionIn):
    public_reply: str = Field(min_length=1, max_length=4000)


class ComplaintImplementIn(ComplaintVersionIn):
    """K8: responsibility, recorded when the solution has been carried out."""

    note: str = Field(default="", max_length=4000)
    human_factor: bool = False
    responsible_department: str = Field(default="", max_length=64)
    responsible_person: str = Field(default="", max_length=150)  # username
    loss_amount: Money | None = None


class ComplaintCloseIn(ComplaintVersionIn):
    unfounded: bool = False  # K13
    receivables: Money | None = None  # K13: to collect when unfounded (default: the amount claimed)


class ComplaintReassignIn(ComplaintVersionIn):
    owner: str = Field(min_length=1, max_length=150)  # the new owner's username (K2)
    reason: str = Field(default="", max_length=200)


class ComplaintRejectIn(ComplaintVersionIn):
    reason: str = Field(min_length=1, max_length=200)


# --- outputs ---------------------------------------------------------------------------------


class ComplaintSummaryOut(Out):
    """One row of the staff's complaint list (a portal user's rows are ComplaintPublicOut, K11)."""

    number: str
    state: str
    version: int
    customer: CustomerRefOut
    complaint_class: str = Field(serialization_alias="class")
    channel: str
    major: bool
    received_at: dt.datetime
    closed_at: dt.datetime | None


class ComplaintRegistrationOut(Out):
    """K4, K11: what the customer told us and our public reply (in the staff and the portal body)."""

    description: str
    order_number: str
    batch_number: str
    ship_date: dt.date | None
    quantity: int | None
    defective_quantity: int | None
    customer_request: str
    amount_claimed: Decimal
    samples: str
    service_request: str | None
    parent: str | None
    public_reply: str
    replied_at: dt.datetime | None

    @staticmethod
    def resolve_service_request(obj: Complaint) -> str | None:
        return obj.service_request.number if obj.service_request else None

    @staticmethod
    def resolve_parent(obj: Complaint) -> str | None:
        return obj.parent.number if obj.parent else None


class ComplaintPublicOut(ComplaintRegistrationOut):
    """What the complainant sees on the portal and its API (K11): what they told us, the public
    state (choices.public_state) and the reply. No internal state, clock, major flag or handling.
    `reopened_as`: the new complaint when they rejected the conclusion (K10)."""

    number: str
    customer: CustomerRefOut  # their own organisation
    public_state: PublicStateCode
    public_state_label: str
    complaint_class: str = Field(serialization_alias="class")
    channel: str
    received_at: dt.datetime
    closed_at: dt.datetime | None
    reopened_as: str | None

    @staticmethod
    def resolve_public_state(obj: Complaint) -> str:
        return public_state(obj.state).value

    @staticmethod
    def resolve_public_state_label(obj: Complaint) -> str:
        return str(public_state(obj.state).label)

    @staticmethod
    def resolve_reopened_as(obj: Complaint) -> str | None:
        follower = complaint_reopened_as(obj)
        return follower.number if follower is not None else None


def _list_row_kind(row: Any) -> str:
    """The API marks a portal user's rows (`public_view`); every other row is a staff row.
    (Serializing, the row is the validated schema itself.)"""
    if isinstance(row, ComplaintPublicOut) or getattr(row, "public_view", False):
        return "public"
    return "staff"


class ComplaintListRowOut(
    RootModel[
        Annotated[
            Annotated[ComplaintSummaryOut, Tag("staff")] | Annotated[ComplaintPublicOut, Tag("public")],
            Discriminator(_list_row_kind),
        ]
    ]
):
    """GET /complaints: a staff row, or the public body for a portal user (K11)."""


class ComplaintOut(ComplaintSummaryOut, ComplaintRegistrationOut):
    """GET /complaints/{number} and every action's answer, for staff."""

    clocks: list[ClockOut]
    registered_by: UserRefOut
    callback: int | None  # K2: the K15 callback task it was raised on (staff only)
    owner: UserRefOut | None
    supervisor: UserRefOut | None
    loss_amount: Decimal | None
    media_exposure: bool
    industry_inspection: bool
    desk_reported_at: dt.datetime | None
    head_reported_at: dt.datetime | None
    approval_role: str  # K7: who would decide the amount claimed
    approval_explanation: dict[str, Any]
    disposition: str
    decision: str
    decision_amount: Decimal | None
    within_authority: bool | None
    escalated_to_head: bool
    internal_handling: str
    human_factor: bool
    responsible_department: str
    responsible_person: UserRefOut | None
    penalty_points: int
    supplier_name: str  # K12
    supplier_contact: str
    supplier_share: Decimal | None
    unfounded: bool
    approvals: list[ApprovalOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_callback(obj: Complaint) -> int | None:
        return obj.callback_id

    @staticmethod
    def resolve_clocks(obj: Complaint) -> list[Any]:
        return clocks_out(obj)

    @staticmethod
    def resolve_approval_role(obj: Complaint) -> str:
        return approval_level(obj.amount_claimed)[0]

    @staticmethod
    def resolve_approval_explanation(obj: Complaint) -> dict[str, Any]:
        return approval_level(obj.amount_claimed)[1]

    @staticmethod
    def resolve_approvals(obj: Complaint) -> list[Approval]:
        return approvals_for(obj)
