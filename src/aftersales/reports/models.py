"""What the reports app owns: per-record facts with their stored period key, and day counts (Q1, Q4).

RequestFact and ClockFact hold one row per service request / stopped clock with the local day
that puts it in a period (received day, stopped day) and the figures the KPIs need, so a month's
figures read that month's rows through the day index and never all history. DayCount holds the
number of requests received per day and dimension key (product, symptom, part, …): the statistics
sum at most days × keys rows. All three are maintained in the writer's transaction
(reports.maintain) and can be rebuilt from the base tables (reports.maintain.summaries_rebuild).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestFact(models.Model):
    """One service request as the statistics see it (kept by reports.maintain only)."""

    request = models.OneToOneField(
        "service.ServiceRequest", primary_key=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    day = models.DateField(_("day received"))  # local day of received_at: the stored period key
    product_id = models.IntegerField(null=True)
    symptom_id = models.IntegerField(null=True)  # confirmed symptom code, else the intake's
    service_point_id = models.IntegerField(null=True)
    engineer_id = models.IntegerField(null=True)
    channel = models.CharField(max_length=16, blank=True)
    region_tier = models.CharField(max_length=16, blank=True)
    completed = models.BooleanField(default=False)
    response_seconds = models.BigIntegerField(null=True)  # business seconds, the S6 response clock
    resolution_seconds = models.BigIntegerField(null=True)  # business seconds, receipt → solved (S10 clock)
    first_time_fix = models.BooleanField(null=True)  # None while not completed
    repair_cost = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    parts = models.TextField(blank=True)  # "key<TAB>label" per line: the part keys it counts under
    open = models.BooleanField(default=False)  # the request's open flag (the dashboard's backlog)

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="reqfact_day_idx"),
            # The KPIs' percentiles: a period's groups and times from the index alone (0039).
            models.Index(
                fields=[
                    "day",
                    "service_point_id",
                    "region_tier",
                    "engineer_id",
                    "product_id",
                    "response_seconds",
                    "resolution_seconds",
                ],
                name="reqfact_times_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"fact {self.pk} {self.day}"


class ClockFact(models.Model):
    """One stopped clock: the local day it stopped, its kind and whether it was attained."""

    clock = models.OneToOneField(
        "clocks.Clock", primary_key=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    day = models.DateField(_("day stopped"))
    kind = models.CharField(max_length=32)
    attained = models.BooleanField()  # stopped_at <= due_at
    # The service request the clock counts for (its own, or its complaint's), for the groupings.
    request_fact = models.ForeignKey(
        RequestFact, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["day", "kind"], name="clockfact_day_idx")]

    def __str__(self) -> str:
        return f"clock {self.pk} {self.kind} {self.day}"


class DayCount(models.Model):
    """Service requests received on `day` with `key` in dimension `dim` (a request counts once per key)."""

    day = models.DateField()
    dim = models.CharField(max_length=16)
    key = models.CharField(max_length=64)  # "" = not recorded
    label = models.CharField(max_length=100, blank=True)  # the part's name (parts have no catalogue yet)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dim", "day", "key"], name="daycount_unique")]
        permissions = [("view_statistics", _("Can view statistics, KPIs and dashboards"))]

    def __str__(self) -> str:
        return f"{self.day} {self.dim}={self.key}: {self.count}"


class GroupDayCount(models.Model):
    """Q4 counts per day and group, so a period's KPIs read days × groups rows (docs/decisions/0039).

    `dim` is a KPI grouping (service point, response tier, engineer, product) or "all" (key "");
    `measure` "done": completed requests received that day (count), first-time fixes (hits), repair
    cost in fen (amount); "open": open requests received that day (count); "clock:<kind>": clocks of
    that kind stopped that day (count) and attained (hits), grouped by the request they count for.
    """

    day = models.DateField()
    dim = models.CharField(max_length=16)
    key = models.CharField(max_length=64)  # "" = not recorded
    measure = models.CharField(max_length=40)
    count = models.BigIntegerField(default=0)
    hits = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # fen (0.01 yuan)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dim", "day", "key", "measure"], name="groupdaycount_unique")]

    def __str__(self) -> str:
        return f"{self.day} {self.dim}={self.key} {self.measure}: {self.count}/{self.hits}/{self.amount}"


# --- Q1 / Q2 / Q5: the period reports and their stored snapshots (docs/decisions/0037) -----------------


class PeriodReportKind(models.TextChoices):
    ANALYSIS = "analysis", _("Statistical analysis table")  # 统计分析表 (Q1, monthly, approved)
    WEEKLY = "weekly", _("Weekly service report")  # 周报 (Q2, each Monday)
    APPRAISAL = "appraisal", _("Monthly staff appraisal")  # 月度考核 (Q5, monthly, approved)


class PeriodReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # figures may still be refreshed
    SUBMITTED = "submitted", _("Awaiting approval")  # figures fixed; the head of after-sales decides
    APPROVED = "approved", _("Approved")  # figures never change again; distributed
    ISSUED = "issued", _("Issued")  # the weekly report: no approval, fixed when generated


class PeriodReport(models.Model):
    """One report of one period: its figures are the stored `snapshot`, computed when drafted (and
    refreshed while a draft); once submitted, approved or issued they never change."""

    kind = models.CharField(_("kind"), max_length=16, choices=PeriodReportKind.choices)
    period = models.CharField(_("period"), max_length=10)  # "2026-11" (month) or "2026-W48" (ISO week)
    date_from = models.DateField(_("from"))
    date_to = models.DateField(_("to"))
    state = models.CharField(_("state"), max_length=16, choices=PeriodReportState.choices)
    snapshot = models.JSONField(_("figures"), default=dict)
    version = models.PositiveIntegerField(default=1)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    submitted_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    approved_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="periodreport_once_per_period")]
        permissions = [
            ("draft_periodreport", _("Can draft and submit period reports")),
            ("view_appraisal", _("Can view the monthly staff appraisal")),
            ("view_analysistable", _("Can view the approved statistical analysis tables")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period}"


# Q3 early warnings, X5 risk register, Q6 retention archives (docs/decisions/0038).
from aftersales.reports.quality_models import (  # noqa: E402
    EarlyWarning,
    EarlyWarningCase,
    RetentionArchive,
    Risk,
)

__all__ = ["ClockFact", "DayCount", "EarlyWarning", "EarlyWarningCase", "RequestFact", "RetentionArchive", "Risk"]
