"""Complaint follow-up (K8, K12–K15): tasks raised by the rules, corrective actions, the monthly review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.choices import CapaState, FollowUpKind, ReviewState
from aftersales.core.models import BaseModel


class FollowUpTask(BaseModel):
    """A task a rule raises on a complaint: the K15 callback after closing, the K13 receivables of an
    unfounded complaint (for finance), the K14 verification of a corrective action (for quality).

    Callback and receivables tasks carry a clock (kinds "callback", "collect") whose due time is `due_at`.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint", verbose_name=_("complaint"), on_delete=models.CASCADE, related_name="tasks"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=FollowUpKind.choices)
    rule = models.CharField(_("rule"), max_length=16)
    corrective_action = models.ForeignKey(
        "complaints.CorrectiveAction",
        verbose_name=_("corrective action"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint_tasks",
    )
    assignee_role = models.CharField(_("assignee role"), max_length=32, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("complaint follow-up task")
        verbose_name_plural = _("complaint follow-up tasks")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["assignee", "done_at"], name="complaint_task_assignee_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind"],
                condition=models.Q(corrective_action__isnull=True),
                name="complaint_task_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["corrective_action", "kind"],
                condition=models.Q(corrective_action__isnull=False),
                name="complaint_task_once_per_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint.number} {self.get_kind_display()}"


class CorrectiveAction(BaseModel):
    """K14 纠正和预防措施: is improvement needed, what measures, carried out, verified (by quality).

    Usually planned on a complaint; one planned on a recurring-problem warning (Q3) has no complaint
    and says what it stands on in `topic`.
    """

    complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="corrective_actions",
    )
    topic = models.CharField(_("problem addressed"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=CapaState.choices, default=CapaState.PLANNED)
    needed = models.BooleanField(_("improvement needed"), default=True)
    measures = models.TextField(_("measures"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("planned by"), on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verification_note = models.TextField(_("verification"), blank=True)

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["created_at", "id"]
        permissions = [("verify_correctiveaction", _("Can verify corrective actions"))]

    def __str__(self) -> str:
        return f"{self.complaint.number if self.complaint else self.topic} CAPA {self.pk}"


class ResponsibilityReview(BaseModel):
    """K8: the monthly review of last month's closed complaints with a human factor.

    `lines` (one per case), `sanctions` (人事公布单, per person: points) and `notices` (奖罚通知单,
    per person: deduction = K8.loss_standard applied to each case's loss) are frozen when the review is prepared. The VP approves the
    sanctions, the GM the notices; both make it approved.
    """

    period = models.CharField(_("period"), max_length=7, unique=True)  # YYYY-MM
    state = models.CharField(_("state"), max_length=16, choices=ReviewState.choices, default=ReviewState.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    due_at = models.DateTimeField(_("due at"))
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    lines = models.JSONField(_("lines"), default=list)
    sanctions = models.JSONField(_("sanction list"), default=list)
    notices = models.JSONField(_("reward and penalty notice"), default=list)
    total_points = models.PositiveIntegerField(_("total penalty points"), default=0)
    total_deductions = models.DecimalField(_("total deductions (yuan)"), max_digits=12, decimal_places=2, default=0)
    # K8.loss_standard applied (share_percent, cap_yuan, policy_version, points): the notice explains it
    loss_standard = models.JSONField(_("loss and penalty standard"), default=dict, blank=True)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    sanctions_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sanctions approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sanctions_approved_at = models.DateTimeField(_("sanctions approved at"), null=True, blank=True)
    notices_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("notices approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notices_approved_at = models.DateTimeField(_("notices approved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("responsibility review")
        verbose_name_plural = _("responsibility reviews")
        ordering = ["-period"]
        permissions = [
            ("submit_responsibilityreview", _("Can prepare and submit the monthly responsibility review")),
            ("approve_responsibilityreview", _("Can approve sanctions and reward/penalty notices")),
        ]

    def __str__(self) -> str:
        return f"{_('Responsibility review')} {self.period}"
