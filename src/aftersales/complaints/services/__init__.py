"""Writes of complaints (K1–K15), re-exported here; approvals are the approvals app's."""

from aftersales.complaints.services.complaints import (
    complaint_approve,
    complaint_close,
    complaint_contact,
    complaint_decide,
    complaint_escalate,
    complaint_implement,
    complaint_is_major,
    complaint_reassign,
    complaint_register,
    complaint_reject_conclusion,
    complaint_reply,
    complaint_report,
)
from aftersales.complaints.services.followup import (
    capa_done,
    capa_plan,
    capa_plan_on_topic,
    capa_verify,
    complaint_supplier_set,
    task_done,
    task_raise,
)
from aftersales.complaints.services.reviews import (
    review_approve,
    review_prepare,
    review_prepare_due,
    review_submit,
)

__all__ = [
    "capa_done",
    "capa_plan",
    "capa_plan_on_topic",
    "capa_verify",
    "complaint_supplier_set",
    "review_approve",
    "review_prepare",
    "review_prepare_due",
    "review_submit",
    "task_done",
    "task_raise",
    "complaint_approve",
    "complaint_close",
    "complaint_contact",
    "complaint_decide",
    "complaint_escalate",
    "complaint_implement",
    "complaint_is_major",
    "complaint_reassign",
    "complaint_register",
    "complaint_reject_conclusion",
    "complaint_reply",
    "complaint_report",
]
