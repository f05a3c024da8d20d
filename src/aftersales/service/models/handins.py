"""S14: a repair point hands in its month's repair orders by the 25th."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class RepairOrderHandIn(BaseModel):
    service_point = models.ForeignKey("accounts.ServicePoint", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("month"), max_length=7)  # "2026-11"
    due_on = models.DateField(_("due on"))
    handed_in_at = models.DateTimeField(_("handed in at"), null=True, blank=True)
    handed_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_count = models.PositiveIntegerField(_("repair orders"), default=0)

    class Meta:
        verbose_name = _("repair order hand-in")
        verbose_name_plural = _("repair order hand-ins")
        ordering = ["-period", "service_point"]
        constraints = [
            models.UniqueConstraint(fields=["service_point", "period"], name="handin_once_per_point_and_month")
        ]

    def __str__(self) -> str:
        return f"{self.service_point} {self.period}"
