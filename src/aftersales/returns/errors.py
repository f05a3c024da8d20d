"""Returns error codes (R1–R4)."""

from aftersales.core.errors import Conflict, ValidationFailed


class ReturnsErrorCode:
    RETURN_NOT_ALLOWED = "return_not_allowed"  # R1: neither allowed case applies
    VERSION_CONFLICT = "version_conflict"
    INVALID_TRANSITION = "invalid_transition"
    QUANTITY_MISMATCH = "quantity_mismatch"  # R3: received ≠ approved
    NOT_AN_EXCHANGE = "not_an_exchange"  # only an exchange ships a replacement


class ReturnNotAllowed(ValidationFailed):
    """R1 refuses the return (422); `fields` names each failed condition."""

    default_code = ReturnsErrorCode.RETURN_NOT_ALLOWED


class ReturnsConflict(Conflict):
    """A rule of returns forbids the action now (409, nothing changed)."""
