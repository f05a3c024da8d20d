"""Event names for the installed base, with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

PRODUCT_CREATED = "product.created"
PRODUCT_UPDATED = "product.updated"
UNIT_CREATED = "unit.created"
UNIT_UPDATED = "unit.updated"
CONTRACT_CREATED = "servicecontract.created"
CONTRACT_UPDATED = "servicecontract.updated"
LOAN_CREATED = "substituteloan.created"
LOAN_RETURNED = "substituteloan.returned"
EQUIPMENT_CREATED = "substituteequipment.created"

register_action_labels(
    {
        PRODUCT_CREATED: _("Product created"),
        PRODUCT_UPDATED: _("Product changed"),
        UNIT_CREATED: _("Unit registered"),
        UNIT_UPDATED: _("Unit changed"),
        CONTRACT_CREATED: _("Service contract created"),
        CONTRACT_UPDATED: _("Service contract changed"),
        LOAN_CREATED: _("Substitute equipment lent"),
        LOAN_RETURNED: _("Substitute equipment returned"),
        EQUIPMENT_CREATED: _("Substitute equipment registered"),
    }
)
