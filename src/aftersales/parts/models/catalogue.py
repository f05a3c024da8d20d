"""P1: the parts catalogue and its versioned list prices (approved like the fee standards, B2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.choices import PriceListState


class Part(BaseModel):
    """One catalogue part (配件). `list_price` is the price of the latest approved price list that
    lists it (kept by parts.services.catalogue when a price list is approved); NULL until then."""

    code = models.CharField(_("part number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100, db_index=True)
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    uom = models.CharField(_("unit of measure"), max_length=16, default="个")
    standard_cost = models.DecimalField(_("standard cost (yuan)"), max_digits=12, decimal_places=2, default=0)
    list_price = models.DecimalField(
        _("list price (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    major = models.BooleanField(
        _("major part"), default=False, help_text=_("Carries a serial number; the old part must be returned.")
    )
    # Who makes or sells it (P4: an old part in warranty is claimed from its supplier, K12); blank = unknown.
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    products = models.ManyToManyField(
        "installed_base.Product", verbose_name=_("fits products"), blank=True, related_name="parts"
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parts")
        ordering = ["code"]
        permissions = [("approve_pricelist", _("Can approve parts list prices"))]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PriceList(BaseModel):
    """A version of the list prices (配件价格表 v1, v2 …): lines for some parts; once approved, each
    listed part's `list_price` becomes the line's price. Moves by parts.transitions only."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(_("state"), max_length=16, choices=PriceListState.choices, default=PriceListState.DRAFT)
    note = models.CharField(pgettext_lazy("spare parts", "note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class PriceListLine(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="lines")
    part = models.ForeignKey(Part, verbose_name=_("part"), on_delete=models.PROTECT, related_name="price_lines")
    price = models.DecimalField(_("list price (yuan)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "part"], name="pricelistline_once_per_part"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="pricelistline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}: {self.price}"
