"""Knowledge-base error codes (T1)."""


class KnowledgeErrorCode:
    VERSION_CONFLICT = "version_conflict"  # T1: the article was edited by someone else meanwhile
    UNKNOWN_PRODUCT = "unknown_product"  # the product named does not exist
