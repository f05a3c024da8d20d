"""Event actions of Q3 early warnings, X5 risks and Q6 retention, with their display labels."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

WARNING_RAISED = "earlywarning.raised"
WARNING_CASES_ADDED = "earlywarning.cases_added"
WARNING_CLOSED = "earlywarning.closed"
RISK_CREATED = "risk.created"
RISK_CHANGED = "risk.changed"
RISK_REVIEW_OVERDUE = "risk.review_overdue"
RETENTION_ARCHIVED = "retention.archived"

register_action_labels(
    {
        WARNING_RAISED: _("Early warning raised"),
        WARNING_CASES_ADDED: _("Early warning: new cases"),
        WARNING_CLOSED: _("Early warning closed"),
        RISK_CREATED: _("Risk registered"),
        RISK_CHANGED: _("Risk changed"),
        RISK_REVIEW_OVERDUE: _("Risk review overdue"),
        RETENTION_ARCHIVED: _("Records archived and removed"),
    }
)
