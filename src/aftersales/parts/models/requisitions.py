"""P2: the repair point's requisition (维修点领用配件表): a store asks another for parts, numbered LY<yyyymm><seq>."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.flow.choices import RequisitionState


class Requisition(BaseModel):
    """Parts asked of `from_store` (it issues) for `to_store` (it receives). `value` = the lines at standard
    cost, the amount the approval ladder reads (P2.keeper_limit_yuan). A job waiting for the parts links it."""

    number = models.CharField(_("requisition number"), max_length=20, unique=True)
    from_store = models.ForeignKey(
        "parts.Store", verbose_name=_("issuing store"), on_delete=models.PROTECT, related_name="+"
    )
    to_store = models.ForeignKey(
        "parts.Store", verbose_name=_("receiving store"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(pgettext_lazy("spare parts", "reason"))
    state = models.CharField(
        _("state"), max_length=16, choices=RequisitionState.choices, default=RequisitionState.REQUESTED
    )
    value = models.DecimalField(_("value (yuan)"), max_digits=14, decimal_places=2, default=0)
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=pgettext_lazy("spare parts", "service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requisitions",
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approval_role = models.CharField(pgettext_lazy("spare parts", "approver role"), max_length=32, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(pgettext_lazy("spare parts", "decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(pgettext_lazy("spare parts", "received at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("requisition")
        verbose_name_plural = _("requisitions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "-created_at"], name="parts_req_state_idx"),
            models.Index(fields=["from_store", "state"], name="parts_req_from_idx"),
            models.Index(fields=["to_store", "state"], name="parts_req_to_idx"),
            models.Index(fields=["requested_by", "-created_at"], name="parts_req_requester_idx"),
        ]
        permissions = [
            ("approve_requisition", "Can approve requisitions"),
            ("issue_requisition", "Can issue and receive requisitions"),
        ]

    def __str__(self) -> str:
        return self.number


class RequisitionLine(models.Model):
    """One part on a requisition: asked, issued (all that was approved), received; a shortfall is the
    discrepancy (issued − received), recorded, never silent."""

    requisition = models.ForeignKey(Requisition, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("requested"))
    issued_quantity = models.PositiveIntegerField(_("issued"), default=0)
    received_quantity = models.PositiveIntegerField(_("received"), null=True, blank=True)
    unit_cost = models.DecimalField(_("unit cost (yuan)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("requisition line")
        verbose_name_plural = _("requisition lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "part"], name="parts_req_line_part_unique"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="parts_req_line_quantity_positive"),
        ]
        indexes = [models.Index(fields=["part", "requisition"], name="parts_req_line_part_idx")]

    def __str__(self) -> str:
        return f"{self.requisition_id}:{self.part_id}×{self.quantity}"

    @property
    def discrepancy(self) -> int:
        """Issued but not received (0 until received)."""
        if self.received_quantity is None:
            return 0
        return self.issued_quantity - self.received_quantity
