"""Models of complaints (K1–K13); amount approvals live in the approvals app."""

from aftersales.complaints.models.complaints import Complaint
from aftersales.complaints.models.followup import CorrectiveAction, FollowUpTask, ResponsibilityReview

__all__ = ["Complaint", "CorrectiveAction", "FollowUpTask", "ResponsibilityReview"]
