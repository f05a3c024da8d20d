"""V1 callback plans and V2 callbacks; the monthly site check (an engineer visit task, not a callback)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.callbacks.choices import CallbackKind, CallbackResult, CallbackState, SiteCheckState
from aftersales.core.models import BaseModel
from aftersales.surveys.choices import Answer


class Callback(BaseModel):
    """One planned phone call to a customer (V1) and how it went (V2).

    `planning_key` names the rule and period it was planned for (e.g. "routine:42:2026-W49"), unique,
    so planning twice plans nothing new. `due_at` comes from the callback's clock; `try_on` is the day
    it may be called (the planned day, then each retry's day).
    """

    kind = models.CharField(_("kind"), max_length=24, choices=CallbackKind.choices)
    planning_key = models.CharField(_("planning key"), max_length=80, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=CallbackState.choices, default=CallbackState.OPEN)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="callbacks"
    )
    unit = models.ForeignKey(
        "installed_base.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    complaint = models.ForeignKey(  # the complaint it follows (K15) or the low score's complaint (point 5)
        "complaints.Complaint",
        verbose_name=_("complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)  # what it is about, in words
    planned_on = models.DateField(_("planned on"))
    try_on = models.DateField(_("call on"))
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee_role = models.CharField(_("role"), max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    result = models.CharField(_("outcome"), max_length=16, choices=CallbackResult.choices, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=24, choices=Answer.choices, blank=True)
    note = models.TextField(_("remarks"), blank=True)
    talk_seconds = models.PositiveIntegerField(_("call length (seconds)"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("request opened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_complaint = models.ForeignKey(
        "complaints.Complaint",
        verbose_name=_("complaint opened"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_on_callbacks",  # K2: a complaint heard on this callback
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at", "id"], name="callback_queue_idx"),
            models.Index(fields=["customer", "created_at"], name="callback_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.customer_id}"


class SiteCheck(BaseModel):
    """V1: the monthly site check of a customer with a unit in warranty, a visit task for the service point."""

    planning_key = models.CharField(_("planning key"), max_length=80, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="+"
    )
    service_point = models.ForeignKey(
        "accounts.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    month = models.DateField(_("month"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(_("state"), max_length=16, choices=SiteCheckState.choices, default=SiteCheckState.OPEN)

    class Meta:
        verbose_name = _("site check")
        verbose_name_plural = _("site checks")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month:%Y-%m}"
