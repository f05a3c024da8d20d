"""P4: a replaced major part owed back to the central parts keeper (旧件返还)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.flow.choices import PartDisposition, PartReturnState


class PartReturn(BaseModel):
    """Opened when a `major` part is consumed on a job: the engineer owes the old part by `due_at` (a clock,
    P4.return_within); the parts keeper receives it into the defective store and decides its fate."""

    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    serial = models.CharField(_("serial number of the new part"), max_length=64, blank=True)
    old_serial = models.CharField(_("serial number of the old part"), max_length=64, blank=True)
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=pgettext_lazy("spare parts", "service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_returns",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("engineer"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("consumption reference"), max_length=40, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=PartReturnState.choices, default=PartReturnState.OUTSTANDING
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    defective_store = models.ForeignKey(
        "parts.Store",
        verbose_name=_("defective store"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    disposition = models.CharField(_("disposition"), max_length=16, choices=PartDisposition.choices, blank=True)
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)
    complaint_number = models.CharField(_("complaint number"), max_length=20, blank=True)
    note = models.CharField(pgettext_lazy("spare parts", "note"), max_length=500, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(pgettext_lazy("spare parts", "received at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("old-part return")
        verbose_name_plural = _("old-part returns")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="parts_return_state_due_idx"),
            models.Index(fields=["engineer", "state", "due_at"], name="parts_return_engineer_idx"),
        ]
        permissions = [("receive_partreturn", "Can receive old parts")]

    def __str__(self) -> str:
        return f"JJ{self.pk or 0:06d}"
