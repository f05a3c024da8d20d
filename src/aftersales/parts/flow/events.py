"""Event actions of the parts flows and their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

REQUISITION_REQUESTED = "requisition.requested"
REQUISITION_APPROVED = "requisition.approved"
REQUISITION_REFUSED = "requisition.refused"
REQUISITION_ISSUED = "requisition.issued"
REQUISITION_RECEIVED = "requisition.received"
REQUISITION_CANCELLED = "requisition.cancelled"
REQUISITION_DISCREPANCY = "requisition.discrepancy"
PART_RETURN_OPENED = "partreturn.opened"
PART_RETURN_RECEIVED = "partreturn.received"
PURCHASE_REQUESTED = "purchaserequest.requested"
PURCHASE_APPROVED = "purchaserequest.approved"
PURCHASE_REFUSED = "purchaserequest.refused"
REORDER_ALERT = "reorderalert.raised"

register_action_labels(
    {
        REQUISITION_REQUESTED: _("Requisition submitted"),
        REQUISITION_APPROVED: _("Requisition approved"),
        REQUISITION_REFUSED: _("Requisition refused"),
        REQUISITION_ISSUED: _("Parts issued"),
        REQUISITION_RECEIVED: _("Parts received"),
        REQUISITION_CANCELLED: _("Requisition cancelled"),
        REQUISITION_DISCREPANCY: _("Shortfall on receipt"),
        PART_RETURN_OPENED: _("Old part to return"),
        PART_RETURN_RECEIVED: _("Old part received"),
        PURCHASE_REQUESTED: _("Purchase request submitted"),
        PURCHASE_APPROVED: _("Purchase request approved"),
        PURCHASE_REFUSED: _("Purchase request refused"),
        REORDER_ALERT: _("Stock under the reorder point"),
    }
)
