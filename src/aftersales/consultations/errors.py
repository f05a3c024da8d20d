"""Error codes of the consultation register (C8)."""


class ConsultationErrorCode:
    VERSION_CONFLICT = "version_conflict"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_CUSTOMER = "unknown_customer"
    UNKNOWN_USER = "unknown_user"
    FOLLOWUP_DONE = "followup_done"  # the follow-up was already recorded
    DUPLICATE_FIELD = "duplicate_field"
