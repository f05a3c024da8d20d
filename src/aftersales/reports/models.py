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

    class Meta:
        indexes = [models.Index(fields=["day"], name="reqfact_day_idx")]

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


# Q3 early warnings, X5 risk register, Q6 retention archives (docs/decisions/0038).
from aftersales.reports.quality_models import (  # noqa: E402
    EarlyWarning,
    EarlyWarningCase,
    RetentionArchive,
    Risk,
)

__all__ = ["ClockFact", "DayCount", "EarlyWarning", "EarlyWarningCase", "RequestFact", "RetentionArchive", "Risk"]
