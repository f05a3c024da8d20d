"""The complaint (客诉处理单): registration, handling, decision, reply, responsibility (K1–K13)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.choices import ComplaintChannel, ComplaintClass, ComplaintState, Disposition
from aftersales.core.models import BaseModel


class Complaint(BaseModel):
    """K1–K13: one complaint handling form, numbered TS<yyyymm><seq:04d> per month.

    `internal_handling` and the responsibility fields are internal (K11): the portal never sees them.
    """

    number = models.CharField(_("complaint number"), max_length=20, unique=True)
    state = models.CharField(
        _("state"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.REGISTERED
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    # K4 registration
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="complaints"
    )
    complaint_class = models.CharField(_("class"), max_length=16, choices=ComplaintClass.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=ComplaintChannel.choices)
    description = models.TextField(_("description"))
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    batch_number = models.CharField(_("part or batch number"), max_length=40, blank=True)
    ship_date = models.DateField(_("ship date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    defective_quantity = models.PositiveIntegerField(_("defective quantity"), null=True, blank=True)
    customer_request = models.TextField(_("what the customer asks for"), blank=True)
    amount_claimed = models.DecimalField(_("amount claimed (yuan)"), max_digits=12, decimal_places=2, default=0)
    samples = models.TextField(_("samples"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    registered_by = models.ForeignKey(  # K2 first responder
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_complaints",
    )
    supervisor = models.ForeignKey(  # K6: the department head supervises a major complaint
        settings.AUTH_USER_MODEL,
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_request = models.ForeignKey(
        "service.ServiceRequest",
        verbose_name=_("service request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    callback = models.ForeignKey(  # K2: a complaint heard on a callback (K15) is registered from it
        "complaints.FollowUpTask",
        verbose_name=_("raised on the callback"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_raised",
    )
    # K6 major complaints
    media_exposure = models.BooleanField(_("media exposure"), default=False)
    industry_inspection = models.BooleanField(_("industry inspection"), default=False)
    major = models.BooleanField(_("major complaint"), default=False)
    desk_reported_at = models.DateTimeField(_("reported to the complaint desk at"), null=True, blank=True)
    head_reported_at = models.DateTimeField(_("reported to the department head at"), null=True, blank=True)
    # K10 a rejected conclusion opens a new form linked to the original
    parent = models.ForeignKey(
        "self",
        verbose_name=_("follows complaint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followers",
    )
    # K5, K9, K11 handling
    disposition = models.CharField(_("disposition"), max_length=16, choices=Disposition.choices, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decision_amount = models.DecimalField(
        _("amount granted (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    within_authority = models.BooleanField(_("within authority"), null=True, blank=True)
    escalated_to_head = models.BooleanField(_("escalated to the department head"), default=False)
    public_reply = models.TextField(_("reply to the customer"), blank=True)
    internal_handling = models.TextField(_("internal handling"), blank=True)
    # K8 responsibility
    human_factor = models.BooleanField(_("human factor"), default=False)
    responsible_department = models.CharField(_("responsible department"), max_length=64, blank=True)
    responsible_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    penalty_points = models.PositiveIntegerField(_("penalty points"), default=0)
    loss_amount = models.DecimalField(_("loss (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # K12 joint handling with a supplier or another company
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)
    supplier_contact = models.CharField(_("supplier contact"), max_length=200, blank=True)
    supplier_share = models.DecimalField(
        _("supplier's share of the cost (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # K13
    unfounded = models.BooleanField(_("unfounded"), default=False)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("handle_complaint", _("Can handle complaints")),
            ("head_complaint", _("Can decide escalated complaints as department head")),
        ]
        indexes = [
            models.Index(fields=["state", "received_at"], name="complaint_state_idx"),
            models.Index(fields=["major", "state"], name="complaint_major_idx"),
            models.Index(fields=["customer", "received_at"], name="complaint_customer_idx"),
            # K8 monthly review: a month's closed complaints by closed_at (not partial: SQLite cannot
            # match a partial index's state = 'closed' against the bound parameter Django sends).
            models.Index(fields=["state", "closed_at"], name="complaint_review_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_claimed__gte=0), name="complaint_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number
