"""What the reports app owns for Q3 early warnings, X5 risks and Q6 retention archives.

Imported at the end of reports.models so Django registers them in the reports app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel


class WarningKind(models.TextChoices):
    SYMPTOM = "symptom", _("Same fault symptom")
    PART = "part", _("Same part replaced")


class WarningWindow(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class WarningState(models.TextChoices):
    OPEN = "open", pgettext_lazy("warning state", "Open")
    CLOSED = "closed", pgettext_lazy("warning state", "Closed")


class EarlyWarning(BaseModel):
    """Q3: a problem recurring on one product in one period at or above the window's threshold.

    One row per product × symptom (or part) × window × period (`key`, `window`, `period_start`):
    detection runs again and again and only adds the new cases. Closed with a linked corrective
    action (K14) or a reason.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=WarningKind.choices)
    key = models.CharField(max_length=120)  # "<kind>:<product id>:<symptom id | part key>"
    product = models.ForeignKey(
        "installed_base.Product", verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    symptom = models.ForeignKey(
        "service.FaultCode",
        verbose_name=_("fault symptom"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    part_key = models.CharField(_("part number"), max_length=64, blank=True)
    part_label = models.CharField(_("part"), max_length=100, blank=True)
    window = models.CharField(_("window"), max_length=16, choices=WarningWindow.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    threshold = models.PositiveIntegerField(_("threshold"))  # the policy value when raised
    count = models.PositiveIntegerField(_("cases"))
    state = models.CharField(_("state"), max_length=16, choices=WarningState.choices, default=WarningState.OPEN)
    version = models.PositiveIntegerField(_("version"), default=1)
    capa = models.ForeignKey(
        "complaints.CorrectiveAction",
        verbose_name=_("corrective action"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    close_reason = models.CharField(_("reason"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    cases: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "service.ServiceRequest", through="EarlyWarningCase", related_name="+", verbose_name=_("cases")
    )

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-period_start", "-count", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "window", "period_start"], name="earlywarning_once_per_period")
        ]
        indexes = [models.Index(fields=["state", "period_start"], name="earlywarning_state_idx")]
        permissions = [("close_earlywarning", _("Can close early warnings"))]

    def __str__(self) -> str:
        return f"{self.key} {self.window} {self.period_start}"


class EarlyWarningCase(models.Model):
    warning = models.ForeignKey(EarlyWarning, on_delete=models.CASCADE, related_name="case_links")
    request = models.ForeignKey("service.ServiceRequest", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["warning", "request"], name="earlywarning_case_once")]

    def __str__(self) -> str:
        return f"{self.warning_id}:{self.request_id}"


class Risk(BaseModel):
    """X5 risk register (004 §9): likelihood × impact on the policy scales, owner, mitigation, review."""

    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    mitigation = models.TextField(_("mitigation"), blank=True)
    review_on = models.DateField(_("review date"))
    review_notified_on = models.DateField(
        null=True, blank=True, editable=False
    )  # overdue notice sent (reset on a new date)
    closed = models.BooleanField(_("closed"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["closed", "-likelihood", "-impact", "id"]
        permissions = [("manage_risk", _("Can keep the risk register"))]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RetentionArchive(BaseModel):
    """Q6: the file a removal of old records was archived to (kept; listed and downloadable)."""

    kind = models.CharField(_("record kind"), max_length=32)
    before = models.DateField(_("records before"))
    count = models.PositiveIntegerField(_("records"))
    file_name = models.CharField(_("file"), max_length=120)
    content = models.BinaryField(editable=False)  # the zip (JSON of every removed row)
    sha256 = models.CharField(max_length=64)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("retention archive")
        verbose_name_plural = _("retention archives")
        ordering = ["-created_at", "-id"]
        permissions = [("archive_records", _("Can archive and remove records past their keep time"))]

    def __str__(self) -> str:
        return self.file_name
