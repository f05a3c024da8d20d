"""Products, installed units, service contracts, substitute equipment and its loans (A1–A6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.installed_base.choices import ContractCover


class Product(BaseModel):
    """A1: 型号 / 规格 / category / default warranty length."""

    model = models.CharField(_("model"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=64, blank=True, db_index=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["model"]

    def __str__(self) -> str:
        return f"{self.model} {self.name}"


class Unit(BaseModel):
    """A2: one installed unit, identified by its serial number."""

    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="units")
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="units"
    )
    site = models.CharField(_("site"), max_length=200, blank=True)
    production_date = models.DateField(_("production date"), null=True, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    purchase_place = models.CharField(_("place of purchase"), max_length=120, blank=True)
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["serial"]
        permissions = [
            ("export_unit", _("Can export units")),
            ("import_unit", _("Can import units")),
        ]
        indexes = [models.Index(fields=["customer", "serial"], name="unit_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(production_date__isnull=False) | models.Q(acceptance_date__isnull=False),
                name="unit_has_production_or_acceptance",
            )
        ]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        return reverse("installed_base:unit_detail", args=[self.serial])


class ServiceContract(BaseModel):
    """A4: 保养协议 covering some of a customer's units, office hours or 7×24."""

    number = models.CharField(_("contract number"), max_length=24, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contracts"
    )
    units = models.ManyToManyField(Unit, verbose_name=_("units"), related_name="contracts")
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    cover = models.CharField(
        _("cover"), max_length=16, choices=ContractCover.choices, default=ContractCover.OFFICE_HOURS
    )
    terms = models.TextField(_("terms"), blank=True)
    calendar = models.ForeignKey(
        "calendars.WorkCalendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Calendar its services run on; empty means the default (by cover: 7×24, or office hours)."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["-start_date", "number"]
        indexes = [models.Index(fields=["customer", "end_date"], name="contract_customer_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="contract_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("installed_base:contract_detail", args=[self.number])


class SubstituteEquipment(BaseModel):
    """A6: the company's own equipment kept to lend while a customer's unit is being repaired."""

    code = models.CharField(_("asset number"), max_length=32, unique=True)
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(_("serial number"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("substitute equipment")
        verbose_name_plural = _("substitute equipment")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.product.model}"


class SubstituteLoan(BaseModel):
    """A6: substitute equipment lent to a customer, tracked until it comes back."""

    equipment = models.ForeignKey(
        SubstituteEquipment, verbose_name=_("substitute equipment"), on_delete=models.PROTECT, related_name="loans"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="loans"
    )
    for_unit = models.ForeignKey(
        Unit, verbose_name=_("replaces unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="loans"
    )
    lent_on = models.DateField(_("lent on"))
    expected_return = models.DateField(_("expected back"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("lent by"), null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("substitute loan")
        verbose_name_plural = _("substitute loans")
        ordering = ["-lent_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["equipment"], condition=models.Q(returned_on__isnull=True), name="one_open_loan_per_equipment"
            )
        ]
        indexes = [models.Index(fields=["returned_on", "lent_on"], name="loan_open_idx")]

    def __str__(self) -> str:
        return f"{self.equipment} → {self.customer}"
