"""V4 satisfaction survey campaigns, their recipients and responses; V5 analysis reports (snapshots)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.surveys.choices import Grade, ReportState, ResponseChannel


class Campaign(BaseModel):
    """One sending of the survey (用户满意度调查表) to a list of customers.

    `rules`: the form, answer points, validity share and grade bounds in force when it was sent
    (policy version `policy_version`), so the result never moves when the policies change later.
    """

    title = models.CharField(_("title"), max_length=120)
    period = models.CharField(_("period"), max_length=32)  # e.g. "2026-H2" or "2026-12"
    rules = models.JSONField(_("rules"), default=dict)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at", "-id"]
        permissions = [("answer_campaign", "Can type in survey answers from paper")]

    def __str__(self) -> str:
        return f"{self.title} ({self.period})"


class Recipient(BaseModel):
    """A customer the campaign went to; the answer link is signed with this row's id."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    # set when the answer is stored and never cleared: the link stays dead after Q6 removes the answer
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey recipient")
        verbose_name_plural = _("survey recipients")
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="survey_recipient_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id}"


class Response(BaseModel):
    """One customer's answers; `score` is the unrounded S (to 6 places), `explanation` how it came about."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    products = models.JSONField(_("products used"), default=list)
    answers = models.JSONField(_("answers"), default=dict)
    score = models.DecimalField(_("score"), max_digits=10, decimal_places=6)
    grade = models.CharField(_("grade"), max_length=24, choices=Grade.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ResponseChannel.choices)
    respondent_name = models.CharField(_("respondent"), max_length=64, blank=True)
    comment = models.TextField(_("opinions and suggestions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "customer"], name="survey_response_once")]
        indexes = [models.Index(fields=["created_at"], name="survey_response_created_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.customer_id} {self.score}"


class AnalysisReport(BaseModel):
    """V5 顾客满意度分析报告 of one campaign for one month: what was reported stays as reported."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="reports")
    month = models.DateField(_("month"))  # the first day of the month reported
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=ReportState.choices, default=ReportState.DRAFT)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("satisfaction analysis report")
        verbose_name_plural = _("satisfaction analysis reports")
        ordering = ["-month", "-id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "month"], name="survey_report_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.month:%Y-%m}"
