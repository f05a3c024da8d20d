"""Service case error codes (S1–S16, B1)."""

from aftersales.core.errors import Conflict


class ServiceErrorCode:
    VERSION_CONFLICT = "version_conflict"
    INVALID_TRANSITION = "invalid_transition"
    NOT_YOUR_JOB = "not_your_job"
    QUOTE_REQUIRED = "quote_required"  # B1: chargeable work needs an accepted quotation first
    UNSOLVED_NEEDS_PERMISSION = "unsolved_needs_permission"  # S9
    OFFSITE_NOT_APPROVED = "offsite_not_approved"  # S8: an off-site trip needs an approval before travel
    SELF_CHECK_REQUIRED = "self_check_required"  # S11
    SIGNATURE_REQUIRED = "signature_required"  # S11
    REPORT_REQUIRED = "repair_report_required"  # S13: no return to the customer without the repair report
    NO_FEE_STANDARD = "no_fee_standard"  # B2
    APPROVAL_DECIDED = "approval_already_decided"
    TASK_DONE = "task_already_done"
    HANDIN_ALREADY_SUBMITTED = "handin_already_submitted"  # S14
    QUOTE_NOT_OFFERED = "quote_not_offered"  # B1/B2
    QUOTE_NOT_ACCEPTED = "quote_not_accepted"  # B1/B2
    NOT_CHARGEABLE = "not_chargeable"  # B1/B2
    FEE_STANDARD_APPROVED = "fee_standard_already_approved"  # B1/B2
    PAYMENT_RECORDED = "payment_already_recorded"  # B1/B2
    CASH_LIMIT = "cash_limit_exceeded"  # B1: above the policy limit finance invoices
    ATTACHMENTS_CLOSED = "attachments_closed"  # S9: photos are part of the repair order once it is signed
    FEE_OUTSTANDING = "fee_outstanding"  # B1: a paid request closes only when collected or invoiced


class ServiceConflict(Conflict):
    """A rule of the service case forbids the action now (409, nothing changed)."""
