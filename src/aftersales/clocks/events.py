"""Event names for clocks, with their timeline labels (X2)."""

from django.utils.translation import gettext_lazy as _

from aftersales.core.events import register_action_labels

CLOCK_STARTED = "clock.started"
CLOCK_PAUSED = "clock.paused"
CLOCK_RESUMED = "clock.resumed"
CLOCK_STOPPED = "clock.stopped"
CLOCK_RECOMPUTED = "clock.recomputed"
CLOCK_WARNED = "clock.warned"
CLOCK_BREACHED = "clock.breached"
CLOCK_ESCALATED = "clock.escalated"
CLOCK_REASSIGNED = "clock.reassigned"  # the escalation ladder (sweep) made someone else responsible
CLOCK_OWNER_SET = "clock.owner_set"  # a person was made responsible by an ordinary hand-over (e.g. dispatch)
CLOCK_DATA_MISSING = "clock.data_missing"

register_action_labels(
    {
        CLOCK_STARTED: _("Clock started"),
        CLOCK_PAUSED: _("Clock paused"),
        CLOCK_RESUMED: _("Clock resumed"),
        CLOCK_STOPPED: _("Clock stopped"),
        CLOCK_RECOMPUTED: _("Clock recomputed"),
        CLOCK_WARNED: _("Deadline approaching"),
        CLOCK_BREACHED: _("Deadline missed"),
        CLOCK_ESCALATED: _("Escalated"),
        CLOCK_REASSIGNED: _("Reassigned by escalation"),
        CLOCK_OWNER_SET: _("Clock assigned to the person responsible"),
        CLOCK_DATA_MISSING: _("Calendar data missing for a clock"),
    }
)
