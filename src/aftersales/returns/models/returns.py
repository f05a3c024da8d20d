"""R1–R3: the return request (退库产品申请单) that becomes, once approved, the return note (产品退货单)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.returns.choices import ReturnCondition, ReturnDisposition, ReturnKind, ReturnState


class ReturnRequest(BaseModel):
    """One return or exchange, numbered TH<yyyymm><seq:04d>; value = quantity requested × unit price."""

    number = models.CharField(_("return number"), max_length=20, unique=True)
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="return_requests"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ReturnKind.choices)
    unit = models.ForeignKey(
        "installed_base.Unit",
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="return_requests",
    )
    model_text = models.CharField(_("product model"), max_length=64)
    wanted_model = models.CharField(_("model wanted instead"), max_length=64, blank=True)
    order_number = models.CharField(_("order number"), max_length=40)
    ship_date = models.DateField(_("ship date"))
    quantity_requested = models.PositiveIntegerField(_("quantity requested"))
    unit_price = models.DecimalField(_("unit price (yuan)"), max_digits=12, decimal_places=2)
    value = models.DecimalField(_("value (yuan)"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    condition = models.CharField(_("R1 condition"), max_length=32, choices=ReturnCondition.choices)
    unopened = models.BooleanField(_("unopened"), default=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    disposition = models.CharField(_("disposition"), max_length=16, choices=ReturnDisposition.choices, blank=True)
    basis = models.TextField(_("basis"), blank=True)
    complaint_number = models.CharField(_("complaint number"), max_length=20, blank=True, db_index=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ReturnState.choices, default=ReturnState.REQUESTED, db_index=True
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Approval (R2, K7)
    approval_role = models.CharField(_("approval level"), max_length=16, blank=True)
    approved_quantity = models.PositiveIntegerField(_("approved quantity"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=200, blank=True)
    # Warehouse copy (R2)
    received_quantity = models.PositiveIntegerField(_("received quantity"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(pgettext_lazy("goods", "received at"), null=True, blank=True)
    # Finance copy (R3)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    # Exchange: the replacement shipped by the warehouse
    reissued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reissued_at = models.DateTimeField(_("replacement shipped at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("approve_returnrequest", _("Can approve or refuse return requests")),
            ("receive_returnrequest", _("Can receive returned goods")),
            ("book_returnrequest", _("Can book returns")),
        ]
        indexes = [models.Index(fields=["customer", "-created_at"], name="return_customer_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity_requested__gte=1), name="return_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(approved_quantity__isnull=True)
                | models.Q(approved_quantity__lte=models.F("quantity_requested")),
                name="return_approved_within_requested",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def can_book(self) -> bool:
        """R3: finance books only what was received in the approved quantity."""
        return self.state == ReturnState.RECEIVED and self.received_quantity == self.approved_quantity
