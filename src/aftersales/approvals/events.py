"""Event names of approvals with their timeline labels.

The decision itself is recorded by core.workflow.transition() on the approval ("approval.approved" /
"approval.refused", state old → new); the record asked about gets "approval.requested" and
"approval.decided" on its own timeline.
"""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

APPROVAL_REQUESTED = "approval.requested"
APPROVAL_DECIDED = "approval.decided"

register_action_labels(
    {
        APPROVAL_REQUESTED: _("Approval requested"),
        APPROVAL_DECIDED: _("Approval decided"),
        "approval.approved": _("Approved"),
        "approval.refused": _("Refused"),
    }
)
