"""Clock states, outcomes, kinds and segment kinds (X2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
    SOLVE = "solve", _("Solution")  # S10: not solved within S10.substitute_after_days → lend equipment


class SegmentKind(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
