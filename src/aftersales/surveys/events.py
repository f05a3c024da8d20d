"""Event names of the satisfaction survey (V4) and its report (V5) with their timeline labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

CAMPAIGN_CREATED = "survey.created"
RESPONSE_RECORDED = "survey.response_recorded"
REPORT_GENERATED = "survey.report_generated"

register_action_labels(
    {
        CAMPAIGN_CREATED: _("Satisfaction survey sent"),
        RESPONSE_RECORDED: _("Survey answer recorded"),
        REPORT_GENERATED: _("Satisfaction analysis report generated"),
    }
)
