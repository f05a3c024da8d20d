"""Complaint and approval error codes (K5–K11)."""

from aftersales.core.errors import Conflict


class ComplaintErrorCode:
    VERSION_CONFLICT = "version_conflict"
    INVALID_TRANSITION = "invalid_transition"
    BEYOND_AUTHORITY = "beyond_authority"  # K7, K11: the amount is above the actor's authority
    ALREADY_REPORTED = "already_reported"  # K6
    TASK_DONE = "task_already_done"  # K13, K15
    CAPA_STATE = "capa_invalid_state"  # K14
    OWN_CAPA = "own_corrective_action"  # K14: nobody verifies their own action
    REVIEW_STATE = "review_invalid_state"  # K8


class ComplaintConflict(Conflict):
    """A rule of the complaint forbids the action now (409, nothing changed)."""
