"""Deadline clocks on any record, with their running/paused segments (X2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.clocks.choices import ClockKind, ClockOutcome, ClockState, SegmentKind
from aftersales.core.models import BaseModel


class Clock(BaseModel):
    """One deadline on one record: `kind` under rule `rule`, `target_amount` `target_unit` on a calendar.

    `next_check_at` is the only column the sweep reads: warn_at until warned, then due_at until
    breached, then the next "breach + N minutes" ladder step; NULL when paused, stopped or done.
    Maintained by clocks.services and clocks.sweep only.
    """

    subject_type = models.CharField(_("record type"), max_length=64)  # "app_label.model"
    subject_id = models.CharField(_("record"), max_length=64)
    subject_label = models.CharField(_("record label"), max_length=200, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=ClockKind.choices)
    rule = models.CharField(_("rule"), max_length=16)
    policy_key = models.CharField(_("policy key"), max_length=64, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    calendar_code = models.CharField(_("calendar"), max_length=32)
    calendar_version = models.PositiveIntegerField(_("calendar version"), default=0)
    target_amount = models.PositiveIntegerField(_("target"))
    target_unit = models.CharField(_("time unit"), max_length=16)
    target_seconds = models.BigIntegerField(_("target in seconds"), default=0)
    warn_share = models.FloatField(_("warning share"), default=0.75)
    state = models.CharField(_("state"), max_length=16, choices=ClockState.choices, default=ClockState.RUNNING)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"))
    # Indexed as (state, due_at), clock_state_due_idx: every due_at query also asks for running clocks.
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True, db_index=True)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=ClockOutcome.choices, blank=True)
    margin_seconds = models.BigIntegerField(_("margin (seconds)"), null=True, blank=True)
    paused_seconds = models.BigIntegerField(_("paused (seconds)"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    escalation_steps_done = models.PositiveSmallIntegerField(_("after-breach steps done"), default=0)
    data_missing_year = models.PositiveIntegerField(_("year without calendar data"), null=True, blank=True)

    class Meta:
        verbose_name = _("clock")
        verbose_name_plural = _("clocks")
        ordering = ["started_at", "id"]
        permissions = [("view_all_clocks", _("Can list all clocks"))]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="clock_subject_idx"),
            # The sweep: WHERE next_check_at <= now ORDER BY next_check_at (NULLs never match).
            models.Index(fields=["next_check_at"], name="clock_next_check_idx"),
            models.Index(fields=["state", "due_at"], name="clock_state_due_idx"),
            # The home queues' overdue counts, per kind of record (requests, complaints): one range each,
            # where (state, due_at) read every record type's overdue clocks and dropped the others.
            models.Index(fields=["state", "subject_type", "due_at"], name="clock_state_type_due_idx"),
            models.Index(fields=["calendar_code", "state", "calendar_version"], name="clock_calendar_idx"),
            models.Index(fields=["state", "policy_version"], name="clock_policy_idx"),
        ]

    def __str__(self) -> str:
        # in words (the audit page lists clock events by this label): "旧件返还 · JJ000001"
        return f"{self.get_kind_display()} · {self.subject_label or '#' + self.subject_id}"

    @property
    def target_unit_label(self) -> str:
        from aftersales.calendars.choices import DurationUnit

        return (
            str(DurationUnit(self.target_unit).label) if self.target_unit in DurationUnit.values else self.target_unit
        )


class ClockSegment(models.Model):
    """One running or paused interval of a clock; `ended_at` NULL for the current one."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="segments")
    kind = models.CharField(max_length=16, choices=SegmentKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["clock", "started_at"], name="clocksegment_clock_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"
