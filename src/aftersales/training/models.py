"""T2 training (002 §5.8, 004 §6): customer training plans and records (教培中心), staff assessments
(theory, practice, simulated customer) and the certificates per product line they earn.

A new app rather than the knowledge base: T1 articles are versioned texts, T2 are plans, attendance,
scores and expiring certificates with their own rights (docs/decisions/0035).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.training.choices import TrainingState


class CustomerTraining(BaseModel):
    """T2: one customer training, planned then held: course, product, date, attendees, trainer, feedback."""

    course = models.CharField(_("course"), max_length=120)
    product = models.ForeignKey(
        "installed_base.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    planned_on = models.DateField(_("planned on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    trainer = models.CharField(_("trainer"), max_length=80)
    state = models.CharField(_("state"), max_length=12, choices=TrainingState.choices, default=TrainingState.PLANNED)
    feedback = models.TextField(_("feedback"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("customer training")
        verbose_name_plural = _("customer trainings")
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return self.course

    def get_absolute_url(self) -> str:
        return reverse("training:customer_detail", args=[self.pk])


class TrainingAttendance(BaseModel):
    """T2: a customer invited to (planned) or attending (held) a training, with the people who came."""

    training = models.ForeignKey(CustomerTraining, on_delete=models.CASCADE, related_name="attendance")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT)
    attendees = models.CharField(_("attendees"), max_length=300, blank=True)  # names, as written on the sheet

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["training", "customer"], name="training_attendance_once")]
        indexes = [models.Index(fields=["customer", "training"], name="training_attendance_cust_idx")]

    def __str__(self) -> str:
        return f"{self.training_id} {self.customer_id}"


class Assessment(BaseModel):
    """T2: one staff member's assessment for a product line: theory, practice and simulated-customer
    scores (0–100), passed when each reaches its pass mark (policy T2.pass_marks)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    product_line = models.CharField(_("product line"), max_length=64)
    taken_on = models.DateField(_("taken on"))
    theory = models.DecimalField(_("theory"), max_digits=5, decimal_places=2)
    practice = models.DecimalField(_("practice"), max_digits=5, decimal_places=2)
    simulated = models.DecimalField(_("simulated customer"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"), default=False)
    pass_marks = models.JSONField(_("pass marks"), default=dict)  # as applied
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("remarks"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("staff assessment")
        verbose_name_plural = _("staff assessments")
        ordering = ["-taken_on", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.product_line} {self.taken_on}"


class Certificate(BaseModel):
    """T2: a staff member is certified for a product line until `expires_on` (policy T2.certificate_months)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    product_line = models.CharField(_("product line"), max_length=64)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    assessment = models.OneToOneField(
        Assessment, verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="certificate"
    )
    expiry_notified_on = models.DateField(_("expiry notice sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["expires_on", "user"], name="certificate_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.product_line}"
