"""P1: stock as a ledger. StockMove is append-only; StockLevel is derived from it per store × part and
kept consistent by parts.services.stock (the only writer of both), inside the same transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.choices import AdjustmentState, MoveKind
from aftersales.parts.models.catalogue import Part
from aftersales.parts.models.stores import Store


class StockMoveQuerySet(models.QuerySet["StockMove"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("Stock moves are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Stock moves are append-only")


class StockMove(models.Model):
    """One movement of the stock ledger (库存流水), numbered KC<yyyymm><seq:06d>.

    `quantity` is the amount moved (≥ 1); the three signed changes say what it does to the store's
    on hand, in transit and reserved, so each StockLevel column is the sum of its column here.
    `reference` names what caused it (a receipt note, a requisition LY…, a request FW…, a count).
    """

    number = models.CharField(_("movement number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MoveKind.choices)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="moves")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="moves")
    quantity = models.PositiveIntegerField(_("quantity"))
    on_hand_change = models.IntegerField(_("on hand change"), default=0)
    in_transit_change = models.IntegerField(_("in transit change"), default=0)
    reserved_change = models.IntegerField(_("reserved change"), default=0)
    unit_cost = models.DecimalField(_("unit cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    # The other store of a transfer (the receiving one on transfer_out, the sending one on transfer_in).
    counterpart = models.ForeignKey(
        Store, verbose_name=_("other store"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    serial = models.CharField(_("serial number"), max_length=64, blank=True)  # major parts
    reason = models.CharField(pgettext_lazy("spare parts", "reason"), max_length=200, blank=True)

    objects = StockMoveQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["store", "part", "id"], name="stockmove_store_part_idx"),
            models.Index(fields=["part", "kind", "occurred_at"], name="stockmove_part_kind_idx"),
            models.Index(fields=["reference"], name="stockmove_reference_idx"),
            # The demand plan's consumption of one store over N months (P5): a range of this index, and
            # with part and quantity in it the scan never reads the table (covering, on both databases).
            models.Index(
                fields=["store", "kind", "occurred_at", "part", "quantity"], name="stockmove_store_kind_time_idx"
            ),
        ]
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="stockmove_quantity_positive")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("Stock moves are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Stock moves are append-only")


class StockLevel(models.Model):
    """Stock of one part in one store, derived from the ledger: on hand, reserved, in transit and
    available (= on hand − reserved). Never negative (the constraints back the services' checks)."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="levels")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="levels")
    # The part's number, copied (a part's number never changes): the stock page of one store is read
    # in part-number order straight from the (store, part_code, id) index, without joining 20k parts.
    part_code = models.CharField(_("part number"), max_length=32, default="", editable=False)
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    in_transit = models.IntegerField(_("in transit"), default=0)
    available = models.IntegerField(_("available"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["store", "part"]
        constraints = [
            models.UniqueConstraint(fields=["store", "part"], name="stocklevel_store_part_uniq"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stocklevel_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stocklevel_reserved_not_negative"),
            models.CheckConstraint(condition=Q(in_transit__gte=0), name="stocklevel_in_transit_not_negative"),
            models.CheckConstraint(condition=Q(available__gte=0), name="stocklevel_available_not_negative"),
            models.CheckConstraint(
                condition=Q(available=F("on_hand") - F("reserved")), name="stocklevel_available_derived"
            ),
        ]
        indexes = [
            models.Index(fields=["part", "store"], name="stocklevel_part_store_idx"),
            models.Index(fields=["store", "part_code", "id"], name="stocklevel_store_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.part_id}: {self.on_hand}"


class StockAdjustment(BaseModel):
    """A count adjustment (盘点调整) asked with a reason; posts an `adjust` movement once the parts
    keeper approves it (the approvals engine). `counted` is what was found; `change` what it posts."""

    number = models.CharField(_("adjustment number"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=AdjustmentState.choices, default=AdjustmentState.PENDING
    )
    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="adjustments")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="adjustments")
    change = models.IntegerField(_("change"))
    reason = models.CharField(pgettext_lazy("spare parts", "reason"), max_length=200)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    serial = models.CharField(_("serial number"), max_length=64, blank=True)
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(pgettext_lazy("spare parts", "decided at"), null=True, blank=True)
    move = models.ForeignKey(
        StockMove, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("count adjustment")
        verbose_name_plural = _("count adjustments")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_stockadjustment", _("Can approve stock count adjustments"))]
        constraints = [models.CheckConstraint(condition=~Q(change=0), name="stockadjustment_change_not_zero")]

    def __str__(self) -> str:
        return self.number


class StockConsumption(models.Model):
    """Units used on jobs (ledger rows of kind `consume`) per store × part × local calendar month: a summary
    of the ledger kept by parts.services.stock in the movement's own transaction, so the demand plan (P5)
    reads one row per part and month instead of every consumption (decision 0033, Stop 21).
    `consumption_recount()` rebuilds it from the ledger; a test checks both agree."""

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("month"))  # the first day of the month, local time (TIME_ZONE)
    quantity = models.PositiveIntegerField(_("quantity"), default=0)

    class Meta:
        verbose_name = _("monthly consumption")
        verbose_name_plural = _("monthly consumption")
        ordering = ["store", "part", "month"]
        constraints = [
            models.UniqueConstraint(fields=["store", "part", "month"], name="stockconsumption_store_part_month"),
        ]
        indexes = [
            # One store's months from a given one: a range of this index, covering part and quantity.
            models.Index(fields=["store", "month", "part", "quantity"], name="stockconsumption_store_month"),
        ]

    def __str__(self) -> str:
        return f"{self.store_id}/{self.part_id} {self.month:%Y-%m}: {self.quantity}"
