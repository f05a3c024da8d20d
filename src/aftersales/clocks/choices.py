"""Clock states, outcomes, kinds and segment kinds (X2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")  # counting working time towards due_at
    PAUSED = "paused", _("Paused")  # waiting (customer, parts): nothing counts, no deadline
    STOPPED = "stopped", _("Stopped")  # finished: outcome and margin are final


class ClockOutcome(models.TextChoices):
    MET = "met", _("Met")  # stopped at or before due_at
    BREACHED = "breached", _("Breached")  # stopped after due_at


class ClockKind(models.TextChoices):
    """What a clock measures; the escalation ladder (policy X2.escalation) is chosen by kind."""

    ACCESS_DECISION = "access_decision", _("Access request decision")  # C3: decide within C3.decide_within
    RESPOND = "respond", _("Response")  # S6: contact the customer within S6.respond_minutes
    ARRIVE = "arrive", _("Arrival on site")  # S6: on site by priority and region tier (S6/C9)
    # S10: not solved within S10.substitute_after_days → lend substitute equipment (备用机). Not a solution
    # deadline: it runs from receipt, never pauses, and may fall before a remote arrival (docs/decisions/0019).
    SOLVE = "solve", pgettext_lazy("clock", "Substitute equipment")
    # Complaints (K5, K6)
    CONTACT = "contact", _("Contact the complainant")  # K5: first contact within K5.contact
    SOLUTION = "solution", _("Complaint solution")  # K5: solution (or escalation to the head) within K5.solution
    HEAD_DECISION = "head_decision", _("Department head's decision")  # K5: within K5.decide
    REPLY = "reply", _("Reply to the complainant")  # K5: after the head's decision, within K5.reply
    IMPLEMENT = "implement", _("Carry out the solution")  # K5: within K5.implement
    CLOSE = "close", _("Close the complaint")  # K5: the whole case within K5.close
    REPORT_DESK = "report_desk", _("Report to the complaint desk")  # K6: major, within K6.report_desk
    REPORT_HEAD = "report_head", _("Report to the department head")  # K6: major, within K6.report_head
    # Complaint follow-up (K8, K13, K15)
    CALLBACK = "callback", _("Callback after closing")  # K15: within K15.callback_days
    COLLECT = "collect", _("Collect the receivables")  # K13: unfounded complaint, within K13.collect_days
    PLANNED_CALLBACK = "planned_callback", _("Planned callback")  # V1: due per V1.window, V1.after_service_days
    SATISFACTION_REPORT = "satisfaction_report", _("Satisfaction analysis report")  # V5: by V5.report_day
    REVIEW = "responsibility_review", _("Monthly responsibility review")  # K8: by K8.review_day of the month
    # Spare parts (P4): a replaced major part back to the central parts keeper within P4.return_within
    PART_RETURN = "part_return", _("Return of the old part")


class SegmentKind(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
