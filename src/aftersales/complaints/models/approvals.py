"""Approval by amount (核决权限, K7) of any record: one row per request, decided once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.choices import ApprovalPurpose, ApprovalState
from aftersales.core.models import BaseModel


class Approval(BaseModel):
    """K7: an amount someone asks to grant (compensation, discount, return, sanction), the role that
    must decide it by the policy K7.limits of `policy_version`, and the decision.

    The subject is any record, named like clocks.Clock does (type "app_label.model", id, label).
    """

    subject_type = models.CharField(_("record type"), max_length=64)
    subject_id = models.CharField(_("record id"), max_length=64)
    subject_label = models.CharField(_("record"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ApprovalPurpose.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    required_role = models.CharField(_("approver role"), max_length=32)
    rule = models.CharField(_("rule"), max_length=16, default="K7")
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    state = models.CharField(_("state"), max_length=16, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    explanation = models.JSONField(_("explanation"), default=dict)

    class Meta:
        verbose_name = _("amount approval")
        verbose_name_plural = _("amount approvals")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "required_role", "created_at"], name="k7_approval_queue_idx"),
            models.Index(fields=["subject_type", "subject_id", "created_at"], name="k7_approval_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="k7_approval_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.amount}"
