"""P5: stock planning per part and store (safety stock, reorder point), the purchase request the demand plan
turns into (备品配件需要计划 → 物流部采购) and the reorder alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.flow.choices import PurchaseRequestState


class StockPlan(BaseModel):
    """Safety stock and reorder point of one part in one store (0 = none), kept by the parts keeper."""

    store = models.ForeignKey("parts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.CASCADE, related_name="+")
    safety_stock = models.PositiveIntegerField(_("safety stock"), default=0)
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)

    class Meta:
        verbose_name = _("stock plan")
        verbose_name_plural = _("stock plans")
        constraints = [models.UniqueConstraint(fields=["store", "part"], name="parts_stockplan_unique")]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.part_id}"


class PurchaseRequest(BaseModel):
    """The approved demand plan of one store, handed to logistics (warehouse) to buy; numbered CG<yyyymm><seq>."""

    number = models.CharField(_("purchase request number"), max_length=20, unique=True)
    store = models.ForeignKey("parts.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("state"), max_length=16, choices=PurchaseRequestState.choices, default=PurchaseRequestState.PENDING
    )
    history_months = models.PositiveSmallIntegerField(_("history (months)"))
    lead_time_months = models.PositiveSmallIntegerField(_("lead time (months)"))
    cover_months = models.PositiveSmallIntegerField(_("cover (months)"))
    value = models.DecimalField(_("value (yuan)"), max_digits=14, decimal_places=2, default=0)
    note = models.CharField(pgettext_lazy("spare parts", "note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(pgettext_lazy("spare parts", "decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "-created_at"], name="parts_purchase_state_idx")]
        permissions = [
            ("plan_purchaserequest", "Can draw up the demand plan"),
            ("approve_purchaserequest", "Can approve purchase requests"),
        ]

    def __str__(self) -> str:
        return self.number


class PurchaseRequestLine(models.Model):
    """One part of the plan with the figures it was computed from (kept as they were on that day)."""

    purchase_request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    consumed = models.PositiveIntegerField(_("consumed"))
    waiting = models.PositiveIntegerField(_("waiting"))
    on_hand = models.IntegerField(_("on hand"))
    available = models.IntegerField(_("available"))
    in_transit = models.IntegerField(_("in transit"))
    safety_stock = models.PositiveIntegerField(_("safety stock"))
    reorder_point = models.PositiveIntegerField(_("reorder point"))
    suggested = models.PositiveIntegerField(_("suggested"))
    quantity = models.PositiveIntegerField(_("quantity to buy"))
    unit_cost = models.DecimalField(_("unit cost (yuan)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("purchase request line")
        verbose_name_plural = _("purchase request lines")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["purchase_request", "part"], name="parts_purchase_line_unique")]


class ReorderAlert(BaseModel):
    """Available fell under the reorder point of a part in a store: one open alert at a time (the keeper was
    notified once); closed when the stock is back at or above the point."""

    store = models.ForeignKey("parts.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey("parts.Part", verbose_name=_("part"), on_delete=models.CASCADE, related_name="+")
    available = models.IntegerField(_("available"))
    reorder_point = models.PositiveIntegerField(_("reorder point"))
    open = models.BooleanField(pgettext_lazy("spare parts", "open"), default=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reorder alert")
        verbose_name_plural = _("reorder alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "part"], condition=models.Q(open=True), name="parts_reorder_alert_one_open"
            )
        ]
        indexes = [models.Index(fields=["open", "-created_at"], name="parts_reorder_open_idx")]

    def __str__(self) -> str:
        return f"{self.store_id}:{self.part_id} {self.available}<{self.reorder_point}"
