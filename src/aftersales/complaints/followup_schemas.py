"""API schemas of complaint follow-up (K8, K12–K15): tasks, corrective actions, the supplier, the
monthly responsibility review. Strict pydantic inputs, Ninja outputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydantic import Field

from aftersales.complaints.models import FollowUpTask
from aftersales.installed_base.schemas import IsoDate, StrictIn
from aftersales.service.schemas import Money, Out, UserRefOut, Version

# --- inputs ----------------------------------------------------------------------------------


class TaskDoneIn(StrictIn):
    note: str = Field(default="", max_length=4000)


class SupplierIn(StrictIn):
    """K12: the supplier (or other company) handling jointly; an empty name clears it."""

    version: Version = None
    supplier_name: str = Field(default="", max_length=200)
    supplier_contact: str = Field(default="", max_length=200)
    supplier_share: Money | None = None


class CapaPlanIn(StrictIn):
    """K14: improvement needed? the measures, their owner (username) and due date."""

    needed: bool = True
    measures: str = Field(default="", max_length=4000)
    owner: str = Field(default="", max_length=150)
    due_date: IsoDate | None = None


class CapaDoneIn(StrictIn):
    note: str = Field(default="", max_length=4000)


class CapaVerifyIn(StrictIn):
    effective: bool = True
    note: str = Field(default="", max_length=4000)


class ReviewSubmitIn(StrictIn):
    note: str = Field(default="", max_length=4000)


class ReviewApproveIn(StrictIn):
    approve: bool = True
    note: str = Field(default="", max_length=4000)


# --- outputs ---------------------------------------------------------------------------------


class TaskOut(Out):
    id: int
    complaint: str
    kind: str
    kind_label: str
    rule: str
    assignee: UserRefOut | None
    assignee_role: str
    amount: Decimal | None
    due_at: dt.datetime | None
    policy_version: int
    done_at: dt.datetime | None
    done_by: UserRefOut | None
    note: str
    corrective_action: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_complaint(obj: FollowUpTask) -> str:
        return obj.complaint.number

    @staticmethod
    def resolve_kind_label(obj: FollowUpTask) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_corrective_action(obj: FollowUpTask) -> int | None:
        return obj.corrective_action_id


class CapaOut(Out):
    id: int
    state: str
    needed: bool
    measures: str
    owner: UserRefOut | None
    due_date: dt.date | None
    planned_by: UserRefOut
    done_at: dt.datetime | None
    done_note: str
    verified_by: UserRefOut | None
    verified_at: dt.datetime | None
    verification_note: str
    created_at: dt.datetime


class SupplierOut(Out):
    number: str
    version: int
    supplier_name: str
    supplier_contact: str
    supplier_share: Decimal | None


class ReviewOut(Out):
    period: str
    state: str
    version: int
    due_at: dt.datetime
    policy_version: int
    lines: list[dict[str, Any]]
    sanctions: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    total_points: int
    total_deductions: Decimal
    loss_standard: dict[str, Any]
    prepared_at: dt.datetime | None
    submitted_by: UserRefOut | None
    submitted_at: dt.datetime | None
    sanctions_approved_by: UserRefOut | None
    sanctions_approved_at: dt.datetime | None
    notices_approved_by: UserRefOut | None
    notices_approved_at: dt.datetime | None
    note: str
