"""Visit plans (巡访计划), gift requests and visit reports (走访用户汇报) (C7, 003 §3.5–3.7)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.customers.choices import GiftState, VisitPurpose


class VisitPlan(BaseModel):
    """One owner's yearly plan (`month` empty) or monthly plan of customer visits."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="visit_plans"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        ordering = ["-year", "-month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "year", "month"],
                name="visit_plan_monthly_once",
                condition=models.Q(month__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["owner", "year"], name="visit_plan_yearly_once", condition=models.Q(month__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


class VisitPlanItem(BaseModel):
    """One planned visit: which customer, in which month (and on which day when known), why."""

    plan = models.ForeignKey(VisitPlan, verbose_name=_("visit plan"), on_delete=models.CASCADE, related_name="items")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="planned_visits"
    )
    # The month the visit falls in (first day of it): monthly plans and "due this month" read one indexed column.
    month_start = models.DateField(_("planned month"))
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    purpose = models.CharField(
        pgettext_lazy("visit", "purpose"), max_length=16, choices=VisitPurpose.choices, default=VisitPurpose.ROUTINE
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    done = models.BooleanField(_("visited"), default=False)

    class Meta:
        verbose_name = _("planned visit")
        verbose_name_plural = _("planned visits")
        ordering = ["month_start", "planned_on", "id"]
        indexes = [models.Index(fields=["done", "month_start"], name="visit_item_due_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.month_start:%Y-%m}"


class GiftRequest(BaseModel):
    """C7: a gift or souvenir for a customer, asked for before the visit and decided through the
    approvals engine (by amount, C7.gift_limits); an approved one is given once, with a visit report."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="gift_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("gift"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    plan_item = models.ForeignKey(
        VisitPlanItem,
        verbose_name=_("planned visit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=16, choices=GiftState.choices, default=GiftState.PENDING)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("gift request")
        verbose_name_plural = _("gift requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "state"], name="gift_requester_idx")]

    def __str__(self) -> str:
        return f"{self.description} ({self.value})"


class VisitReport(BaseModel):
    """走访用户汇报: who visited whom, when, why, what was found, what the customer said, what to improve."""

    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="visit_reports"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="visit_reports"
    )
    companions = models.CharField(_("accompanied by"), max_length=200, blank=True)
    visited_on = models.DateField(_("visit date"))
    purpose = models.CharField(
        pgettext_lazy("visit", "purpose"), max_length=16, choices=VisitPurpose.choices, default=VisitPurpose.ROUTINE
    )
    people_met = models.CharField(_("people met"), max_length=200, blank=True)
    findings = models.TextField(_("main findings"))
    customer_opinion = models.TextField(_("customer opinion"), blank=True)
    suggestions = models.TextField(_("suggestions for improvement"), blank=True)
    plan_item = models.OneToOneField(
        VisitPlanItem,
        verbose_name=_("planned visit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report",
    )
    gift = models.OneToOneField(
        GiftRequest, verbose_name=_("gift"), null=True, blank=True, on_delete=models.PROTECT, related_name="report"
    )

    class Meta:
        verbose_name = _("visit report")
        verbose_name_plural = _("visit reports")
        ordering = ["-visited_on", "-id"]
        permissions = [("view_all_visits", _("Can see every owner's visit plans, gifts and reports"))]
        indexes = [
            models.Index(fields=["customer", "visited_on"], name="visit_report_customer_idx"),
            models.Index(fields=["visitor", "visited_on"], name="visit_report_visitor_idx"),
            models.Index(fields=["visited_on", "id"], name="visit_report_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.visited_on}"
