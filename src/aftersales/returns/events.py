"""Event names of returns and exchanges with their timeline labels (R1–R4).

State moves are recorded by core.workflow.transition() as "returnrequest.<new state>" (and
"discountcertificate.<new state>").
"""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

RETURN_REQUESTED = "returnrequest.requested"
RETURN_APPROVED = "returnrequest.approved"
RETURN_REFUSED = "returnrequest.refused"
RETURN_RECEIVED = "returnrequest.received"
RETURN_BOOKED = "returnrequest.booked"
RETURN_REISSUED = "returnrequest.reissued"
DISCOUNT_ISSUED = "discountcertificate.issued"
DISCOUNT_AWAITING_APPROVAL = "discountcertificate.awaiting_approval"
DISCOUNT_REFUSED = "discountcertificate.refused"

register_action_labels(
    {
        RETURN_REQUESTED: _("Return requested"),
        RETURN_APPROVED: _("Return approved"),
        RETURN_REFUSED: _("Return refused"),
        RETURN_RECEIVED: _("Returned goods received"),
        RETURN_BOOKED: _("Return booked by finance"),
        RETURN_REISSUED: _("Replacement shipped"),
        DISCOUNT_ISSUED: _("Sales discount certificate issued"),
        DISCOUNT_AWAITING_APPROVAL: _("Sales discount certificate awaiting approval"),
        DISCOUNT_REFUSED: _("Sales discount certificate refused"),
    }
)
