"""Customer error codes."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError


class CustomerErrorCode:
    CONFIDENTIAL = "customer_confidential"
    VERSION_CONFLICT = "version_conflict"
    ALREADY_REQUESTED = "access_already_requested"
    NOT_DECIDABLE = "access_not_decidable"
    IMPORT_INVALID = "import_invalid"


class ConfidentialFile(DomainError):
    """C3: the file exists and the user may ask for access, so this is a 403, not a 404."""

    status = 403
    default_code = CustomerErrorCode.CONFIDENTIAL

    def __init__(self, customer_id: int) -> None:
        super().__init__(
            _("This customer file is confidential. Ask its owner or a manager for access."),
            fields={"customer": [str(customer_id)]},
        )
        self.customer_id = customer_id


class VisitErrorCode:
    GIFT_NOT_APPROVED = "gift_not_approved"
    PLAN_EXISTS = "visit_plan_exists"
    ALREADY_REPORTED = "visit_already_reported"
    VETTING_NOT_EDITABLE = "vetting_not_editable"
    VETTING_NOT_APPROVED = "vetting_not_approved"
    VETTING_HAS_CUSTOMER = "vetting_has_customer"
