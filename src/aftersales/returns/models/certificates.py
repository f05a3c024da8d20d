"""R4: the sales discount certificate (销货折扣证明单), signed by the sales VP and the customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.returns.models.returns import ReturnRequest


class DiscountCertificate(BaseModel):
    """Numbered ZK<yyyymm><seq:04d>; linked to a return or to a complaint by its number."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="discount_certificates",
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    signed_by_vp = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by the VP"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    customer_signed = models.BooleanField(_("signed by the customer"), default=False)
    customer_signed_by_name = models.CharField(_("customer signatory"), max_length=64, blank=True)
    return_request = models.ForeignKey(
        ReturnRequest,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discount_certificates",
    )
    complaint_number = models.CharField(_("complaint number"), max_length=20, blank=True, db_index=True)

    class Meta:
        verbose_name = _("sales discount certificate")
        verbose_name_plural = _("sales discount certificates")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="discount_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number
