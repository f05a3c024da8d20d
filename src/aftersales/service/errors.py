"""Service case error codes (S1–S16, B1)."""

from aftersales.core.errors import Conflict


class ServiceErrorCode:
    VERSION_CONFLICT = "version_conflict"
    INVALID_TRANSITION = "invalid_transition"
    NOT_YOUR_JOB = "not_your_job"
    QUOTE_REQUIRED = "quote_required"  # B1: chargeable work needs an accepted quotation first
    UNSOLVED_NEEDS_PERMISSION = "unsolved_needs_permission"  # S9
    SELF_CHECK_REQUIRED = "self_check_required"  # S11
    SIGNATURE_REQUIRED = "signature_required"  # S11
    NO_FEE_STANDARD = "no_fee_standard"  # B2
    APPROVAL_DECIDED = "approval_already_decided"
    TASK_DONE = "task_already_done"


class ServiceConflict(Conflict):
    """A rule of the service case forbids the action now (409, nothing changed)."""
