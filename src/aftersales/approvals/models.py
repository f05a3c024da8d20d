"""One approval of any record (审批): K7 amounts, S8/S9, B2, C3 and approval-policy changes; decided once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.approvals.choices import ApprovalKind, ApprovalPurpose, ApprovalState
from aftersales.core.models import BaseModel


class Approval(BaseModel):
    """One request for a decision: what (kind, the record, the amount when the kind has one), under which
    rule, who may decide it (a K7 role of the authority ladder, another role, or a permission), and the
    decision. The subject is any record, named like clocks.Clock does (type "app_label.model", id, label).
    """

    subject_type = models.CharField(_("record type"), max_length=64)
    subject_id = models.CharField(_("record id"), max_length=64)
    subject_label = models.CharField(_("record"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=ApprovalKind.choices, default=ApprovalKind.COMPLAINT)
    purpose = models.CharField(_("purpose"), max_length=16, choices=ApprovalPurpose.choices, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    required_role = models.CharField(_("approver role"), max_length=32, blank=True)
    required_perm = models.CharField(_("approver right"), max_length=100, blank=True)
    rule = models.CharField(_("rule"), max_length=16, default="K7")
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    state = models.CharField(_("state"), max_length=16, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The one person who may decide besides the holders of the role or right (a file's owner, C3); the
    # kind's app names them when it asks. Nobody decides their own request all the same.
    decider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    explanation = models.JSONField(_("explanation"), default=dict)
    payload = models.JSONField(_("proposal"), default=dict, blank=True)  # what approving applies (policy kind)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "required_role", "created_at"], name="k7_approval_queue_idx"),
            models.Index(fields=["subject_type", "subject_id", "created_at"], name="k7_approval_subject_idx"),
            models.Index(fields=["requested_by", "state", "created_at"], name="approval_requester_idx"),
            models.Index(fields=["state", "required_perm", "created_at"], name="approval_perm_queue_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="k7_approval_amount_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.subject_label} {self.amount}" if self.amount is not None else self.subject_label

    @property
    def approver_label(self) -> str:
        """Who decides, in words, for an approval without an explanation: the role's name, never its code."""
        from aftersales.accounts.choices import Role

        if self.required_role:
            return str(Role(self.required_role).label) if self.required_role in Role.values else ""
        return str(_("a holder of the right to decide")) if self.required_perm else ""
