"""Event names of complaints and approvals with their timeline labels (K1–K15).

State moves are recorded by core.workflow.transition() as "complaint.<new state>".
"""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

COMPLAINT_REGISTERED = "complaint.registered"
COMPLAINT_MAJOR = "complaint.major"
COMPLAINT_REPORTED = "complaint.reported"
COMPLAINT_VP_INFORMED = "complaint.vp_informed"
COMPLAINT_CALLBACK_DUE = "complaint.callback_due"
COMPLAINT_RECEIVABLES_DUE = "complaint.receivables_due"
COMPLAINT_REOPENED = "complaint.reopened"
COMPLAINT_CLOCK_ESCALATED = "complaint.clock_escalated"
COMPLAINT_REASSIGNED = "complaint.reassigned"
COMPLAINT_TASK_RAISED = "complaint.task_raised"
COMPLAINT_TASK_DONE = "complaint.task_done"
COMPLAINT_SUPPLIER = "complaint.supplier_set"
CAPA_PLANNED = "complaint.capa_planned"
CAPA_DONE = "complaint.capa_done"
CAPA_VERIFIED = "complaint.capa_verified"
REVIEW_PREPARED = "responsibility_review.prepared"
REVIEW_SUBMITTED = "responsibility_review.submitted"
REVIEW_APPROVED = "responsibility_review.approved"
REVIEW_REFUSED = "responsibility_review.refused"

register_action_labels(
    {
        COMPLAINT_REGISTERED: _("Complaint registered"),
        COMPLAINT_MAJOR: _("Marked as a major complaint"),
        COMPLAINT_REPORTED: _("Major complaint reported"),
        COMPLAINT_VP_INFORMED: _("Reported to the vice-president"),
        COMPLAINT_CALLBACK_DUE: _("Callback due"),
        COMPLAINT_RECEIVABLES_DUE: _("Receivables to be collected"),
        COMPLAINT_REOPENED: _("Reopened as a new complaint"),
        COMPLAINT_CLOCK_ESCALATED: _("Deadline escalated"),
        COMPLAINT_REASSIGNED: _("Reassigned"),
        "complaint.contacted": _("Customer contacted"),
        "complaint.awaiting_approval": _("Waiting for approval"),
        "complaint.escalated": _("Escalated to the department head"),
        "complaint.decided": _("Decided"),
        "complaint.replied": _("Replied to the customer"),
        "complaint.implemented": _("Carried out"),
        "complaint.closed": _("Closed"),
        "complaint.rejected": _("Conclusion rejected by the customer"),
        COMPLAINT_TASK_RAISED: _("Follow-up task raised"),
        COMPLAINT_TASK_DONE: _("Follow-up task done"),
        COMPLAINT_SUPPLIER: _("Joint handling with a supplier"),
        CAPA_PLANNED: _("Corrective action planned"),
        CAPA_DONE: _("Corrective action carried out"),
        CAPA_VERIFIED: _("Corrective action verified"),
        REVIEW_PREPARED: _("Responsibility review prepared"),
        REVIEW_SUBMITTED: _("Responsibility review submitted"),
        REVIEW_APPROVED: _("Responsibility review approved"),
        REVIEW_REFUSED: _("Responsibility review sent back"),
    }
)
