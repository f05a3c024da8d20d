"""R4: the sales discount certificate (销货折扣证明单), signed by the sales VP and the customer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.returns.choices import CertificateState
from aftersales.returns.models.returns import ReturnRequest


class DiscountCertificate(BaseModel):
    """Numbered ZK<yyyymm><seq:04d>; linked to a return or to a complaint by its number. Issued at once
    within the signer's K7 authority; above it, it waits for the approval of the level it needs."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="discount_certificates",
    )
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=24, choices=CertificateState.choices, default=CertificateState.ISSUED, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filled in by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The signer: the VP, or the approver of the K7 level the amount needs (the GM above the VP's limit).
    signed_by_vp = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by the VP"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=~models.Q(state=CertificateState.ISSUED)
                | models.Q(signed_by_vp__isnull=False, signed_at__isnull=False),
                name="discount_issued_is_signed",
            ),
        ]

    def __str__(self) -> str:
        return self.number
