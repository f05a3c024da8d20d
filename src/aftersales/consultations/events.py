"""Event names of the consultation register (C8) with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

CONSULTATION_REGISTERED = "consultation.registered"
CONSULTATION_UPDATED = "consultation.updated"
FOLLOWUP_PLANNED = "consultation.followup_planned"
FOLLOWUP_DONE = "consultation.followup_done"
FIELD_CREATED = "consultationfield.created"
FIELD_UPDATED = "consultationfield.updated"

register_action_labels(
    {
        CONSULTATION_REGISTERED: _("Consultation registered"),
        CONSULTATION_UPDATED: _("Consultation edited"),
        "consultation.visited": _("Consultation: the enquirer visited"),
        "consultation.purchased": _("Consultation: the enquirer purchased"),
        "consultation.dropped": _("Consultation dropped"),
        FOLLOWUP_PLANNED: _("Follow-up callback planned"),
        FOLLOWUP_DONE: _("Follow-up callback done"),
        FIELD_CREATED: _("Consultation field added"),
        FIELD_UPDATED: _("Consultation field changed"),
    }
)
