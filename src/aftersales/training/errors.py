"""Error codes of training (T2)."""


class TrainingErrorCode:
    VERSION_CONFLICT = "version_conflict"
    UNKNOWN_PRODUCT = "unknown_product"
    UNKNOWN_CUSTOMER = "unknown_customer"
    UNKNOWN_USER = "unknown_user"
