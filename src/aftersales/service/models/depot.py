"""S13: depot repair — pickup receipt, in/out register, repair tag, repair report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.service.choices import DepotMove
from aftersales.service.models.requests import ServiceRequest


class DepotJob(BaseModel):
    """One unit's stay in the depot: receipt and tag numbers, the repair report (维修报表)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="depot_jobs")
    receipt_number = models.CharField(_("pickup receipt number"), max_length=20, unique=True)  # 用户产品领取收据
    tag_number = models.CharField(_("repair tag number"), max_length=20, unique=True)  # 维修卡
    accessories = models.CharField(_("accessories taken"), max_length=200, blank=True)
    condition = models.CharField(_("condition on pickup"), max_length=200, blank=True)
    report = models.TextField(_("repair report"), blank=True)
    labour_minutes = models.PositiveIntegerField(_("labour (minutes)"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("depot job")
        verbose_name_plural = _("depot jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.tag_number


class DepotMovement(models.Model):
    """One line of the product in/out register (用户产品进出登记本)."""

    job = models.ForeignKey(DepotJob, on_delete=models.CASCADE, related_name="movements")
    move = models.CharField(_("movement"), max_length=16, choices=DepotMove.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("depot register entry")
        verbose_name_plural = _("depot register")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.job.tag_number} {self.move}"
