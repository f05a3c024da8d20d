"""Models of complaints and amount approvals (K1–K13)."""

from aftersales.complaints.models.approvals import Approval
from aftersales.complaints.models.complaints import Complaint
from aftersales.complaints.models.followup import CorrectiveAction, FollowUpTask, ResponsibilityReview

__all__ = ["Approval", "Complaint", "CorrectiveAction", "FollowUpTask", "ResponsibilityReview"]
