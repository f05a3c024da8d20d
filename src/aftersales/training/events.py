"""Event names of training (T2) with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

TRAINING_PLANNED = "customertraining.planned"
TRAINING_HELD = "customertraining.held"
TRAINING_CANCELLED = "customertraining.cancelled"
ASSESSMENT_RECORDED = "assessment.recorded"
CERTIFICATE_ISSUED = "certificate.issued"
CERTIFICATE_EXPIRY_NOTIFIED = "certificate.expiry_notified"

register_action_labels(
    {
        TRAINING_PLANNED: _("Customer training planned"),
        TRAINING_HELD: _("Customer training held"),
        TRAINING_CANCELLED: _("Customer training cancelled"),
        ASSESSMENT_RECORDED: _("Staff assessment recorded"),
        CERTIFICATE_ISSUED: _("Certificate issued"),
        CERTIFICATE_EXPIRY_NOTIFIED: _("Certificate expiry notice sent"),
    }
)
