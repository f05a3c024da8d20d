"""Event names of the service case with their timeline labels (S1–S16, B1).

State moves are recorded by core.workflow.transition() as "servicerequest.<new state>".
"""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

REQUEST_REGISTERED = "servicerequest.registered"
REQUEST_DISPATCHED = "servicerequest.dispatched"
REQUEST_BOOKED = "servicerequest.booked"
REQUEST_ON_SITE = "servicerequest.on_site"
REQUEST_WAITING_PARTS = "servicerequest.waiting_parts"
REQUEST_IN_DEPOT = "servicerequest.in_depot"
REQUEST_QUOTED = "servicerequest.quoted"
REQUEST_COMPLETED = "servicerequest.completed"
REQUEST_SIGNED = "servicerequest.signed"
REQUEST_CLOSED = "servicerequest.closed"
REQUEST_DECLINED = "servicerequest.declined"
REQUEST_CANCELLED = "servicerequest.cancelled"
REQUEST_CHARGING_CHANGED = "servicerequest.charging_changed"
REQUEST_STEP = "servicerequest.step"
REQUEST_PART_USED = "servicerequest.part_used"
REQUEST_CARRIED_OVER = "servicerequest.carried_over"
REQUEST_REPEAT = "servicerequest.repeat_flagged"
REQUEST_ESCALATED = "servicerequest.escalated"
REQUEST_WAITING_CUSTOMER = "servicerequest.waiting_customer"  # 客户暂不方便 (state move)
REQUEST_CUSTOMER_BACK = "servicerequest.customer_available"  # recorded with the move back to work
ATTACHMENT_ADDED = "servicerequest.attachment_added"
ATTACHMENT_DELETED = "servicerequest.attachment_deleted"
REQUEST_SYMPTOM_MAPPED = "servicerequest.symptom_mapped"  # map_symptoms: free text → symptom code
FAULT_CODE_CREATED = "faultcode.created"
FAULT_CODE_CHANGED = "faultcode.changed"
APPROVAL_REQUESTED = "approval.requested"
APPROVAL_DECIDED = "approval.decided"
TASK_RAISED = "servicetask.raised"
TASK_DONE = "servicetask.done"
QUOTE_OFFERED = "quote.offered"
QUOTE_DECIDED = "quote.decided"
QUOTE_PAID = "quote.paid"
FEE_STANDARD_CREATED = "feestandard.created"
# State moves of a fee standard (core.workflow.transition on the FeeStandard, B2).
FEE_STANDARD_SUBMITTED = "feestandard.submitted"
FEE_STANDARD_APPROVED = "feestandard.approved"
FEE_STANDARD_REFUSED = "feestandard.refused"
FEE_STANDARD_SUPERSEDED = "feestandard.superseded"
DEPOT_MOVED = "depotjob.moved"
DEPOT_REPORTED = "depotjob.reported"
HANDIN_SUBMITTED = "repairorderhandin.submitted"
HANDIN_OVERDUE = "repairorderhandin.overdue"  # recorded once per hand-in when the managers were told
# State moves of a quotation and of its payment (core.workflow.transition on the Quote).
QUOTE_ACCEPTED = "quote.accepted"
QUOTE_DECLINED = "quote.declined"
QUOTE_COLLECTED = "quote.collected"
QUOTE_INVOICED = "quote.invoiced"
QUOTE_RECEIVED = "quote.received"

register_action_labels(
    {
        REQUEST_REGISTERED: _("Registered"),
        REQUEST_SYMPTOM_MAPPED: _("Symptom code assigned"),
        FAULT_CODE_CREATED: _("Fault code added"),
        FAULT_CODE_CHANGED: _("Fault code changed"),
        REQUEST_DISPATCHED: _("Dispatched"),
        REQUEST_BOOKED: _("Visit booked"),
        REQUEST_ON_SITE: _("Checked in on site"),
        REQUEST_WAITING_PARTS: _("Waiting for parts"),
        REQUEST_IN_DEPOT: _("Taken to the depot"),
        REQUEST_QUOTED: _("Quotation sent"),
        REQUEST_WAITING_CUSTOMER: _("Customer unavailable: clocks paused"),
        REQUEST_CUSTOMER_BACK: _("Customer available again: clocks run"),
        ATTACHMENT_ADDED: _("Photo or video attached"),
        ATTACHMENT_DELETED: _("Photo or video deleted"),
        REQUEST_COMPLETED: _("Work completed"),
        REQUEST_SIGNED: _("Signed by customer"),
        REQUEST_CLOSED: _("Closed"),
        REQUEST_DECLINED: _("Quote declined"),
        REQUEST_CANCELLED: _("Cancelled"),
        REQUEST_CHARGING_CHANGED: _("Charging type changed"),
        REQUEST_STEP: _("Work step recorded"),
        REQUEST_PART_USED: _("Part used"),
        REQUEST_CARRIED_OVER: _("Carried over to the next day"),
        REQUEST_REPEAT: _("Flagged as a repeat repair"),
        REQUEST_ESCALATED: _("Escalated"),
        APPROVAL_REQUESTED: _("Approval requested"),
        APPROVAL_DECIDED: _("Approval decided"),
        TASK_RAISED: _("Task raised"),
        TASK_DONE: _("Task done"),
        QUOTE_OFFERED: _("Quotation offered"),
        QUOTE_DECIDED: _("Quotation decided"),
        QUOTE_PAID: _("Fee recorded"),
        FEE_STANDARD_CREATED: _("Fee standard drafted"),
        FEE_STANDARD_SUBMITTED: _("Fee standard sent for approval"),
        FEE_STANDARD_APPROVED: _("Fee standard approved"),
        FEE_STANDARD_REFUSED: _("Fee standard refused"),
        FEE_STANDARD_SUPERSEDED: _("Fee standard superseded by a newer version"),
        DEPOT_MOVED: _("Depot register entry"),
        DEPOT_REPORTED: _("Repair report written"),
        HANDIN_SUBMITTED: _("Repair orders handed in"),
        HANDIN_OVERDUE: _("Repair orders overdue, managers told"),
        QUOTE_ACCEPTED: _("Quotation accepted"),
        QUOTE_DECLINED: _("Quotation declined"),
        QUOTE_COLLECTED: _("Fee collected on site"),
        QUOTE_INVOICED: _("Fee handed to finance"),
        QUOTE_RECEIVED: _("Cash received by finance"),
    }
)
