"""B1–B2: fee standards and quotations for chargeable service."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.service.choices import FeeStandardState, PaymentState, QuoteState
from aftersales.service.models.requests import ServiceRequest


class FeeStandard(BaseModel):
    """B2: 收费标准, versioned (`version` is the standard's number, v1, v2 …); only the approved version
    prices quotes. Its state moves by service.transitions.FEE_STANDARD_TRANSITIONS only."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=FeeStandardState.choices, default=FeeStandardState.DRAFT
    )
    labour_rate = models.DecimalField(_("labour rate (yuan per hour)"), max_digits=10, decimal_places=2)
    callout_fee = models.DecimalField(_("call-out fee (yuan)"), max_digits=10, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fee standard")
        verbose_name_plural = _("fee standards")
        ordering = ["-version"]
        permissions = [("approve_feestandard", _("Can approve fee standards"))]

    def __str__(self) -> str:
        return f"v{self.version}"


class Quote(BaseModel):
    """B1: 报价单 for one request: labour by the fee standard plus parts; numbered BJ<yyyymmdd><seq:04d>."""

    number = models.CharField(_("quote number"), max_length=20, unique=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="quotes")
    state = models.CharField(_("state"), max_length=16, choices=QuoteState.choices, default=QuoteState.OFFERED)
    fee_standard = models.ForeignKey(FeeStandard, verbose_name=_("fee standard"), on_delete=models.PROTECT)
    labour_hours = models.DecimalField(_("labour (hours)"), max_digits=8, decimal_places=2)
    labour_amount = models.DecimalField(_("labour (yuan)"), max_digits=12, decimal_places=2)
    callout_amount = models.DecimalField(_("call-out fee (yuan)"), max_digits=12, decimal_places=2)
    parts_amount = models.DecimalField(_("parts (yuan)"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    offered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The customer's decision (portal or signed on site)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_via = models.CharField(_("decided via"), max_length=16, blank=True)  # "portal" | "onsite" | "phone"
    decided_by_name = models.CharField(_("customer who decided"), max_length=64, blank=True)
    signature_png = models.BinaryField(_("customer signature"), null=True, blank=True, editable=False)
    agreed_price = models.DecimalField(_("agreed price (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_date = models.DateField(_("payment date"), null=True, blank=True)
    # Collection
    payment_state = models.CharField(
        _("payment"), max_length=16, choices=PaymentState.choices, default=PaymentState.DUE
    )
    collected_amount = models.DecimalField(
        _("collected (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    invoice_number = models.CharField(_("invoice number"), max_length=40, blank=True)
    decline_reason = models.CharField(_("reason declined"), max_length=200, blank=True)  # or "superseded by BJ…"

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # B1: at most one quotation waits for the customer's decision per request.
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(state="offered"), name="quote_one_offered_per_request"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def can_decide(self) -> bool:
        """B1: only an offered quotation waits for the customer's decision."""
        return self.state == QuoteState.OFFERED


class QuoteLine(models.Model):
    """One part on a quotation (labour and call-out are on the quote itself)."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    part_code = models.CharField(_("part number"), max_length=32, blank=True)
    description = models.CharField(_("description"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description
