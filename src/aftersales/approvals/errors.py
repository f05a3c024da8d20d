"""Approval error codes."""

from aftersales.core.errors import Conflict, PermissionDenied


class ApprovalErrorCode:
    BEYOND_AUTHORITY = "beyond_authority"  # K7: the amount is above the actor's authority
    APPROVAL_DECIDED = "approval_already_decided"
    OWN_APPROVAL = "own_approval"  # nobody decides their own request
    NOT_DECIDER = "not_decider"  # the approval needs a role or right the actor does not hold
    INVALID_TRANSITION = "invalid_transition"


class ApprovalConflict(Conflict):
    """The approval cannot be decided now (409, nothing changed)."""


class BeyondAuthority(PermissionDenied):
    """K7: the amount needs a higher approver (403)."""

    default_code = ApprovalErrorCode.BEYOND_AUTHORITY
