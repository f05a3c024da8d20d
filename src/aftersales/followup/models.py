"""V3: the customer's rating of the engineer after a service (服务评价)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.followup.choices import RatingChannel, RatingLevel

RATING_ITEMS = ("attitude", "skill", "arrival_time", "promises_kept")


class ServiceRating(BaseModel):
    """V3: four items × four levels about the engineer of one service request; once per request.

    `engineer` is copied from the request when rated, so the monthly appraisal reads one table.
    """

    request = models.ForeignKey(
        "service.ServiceRequest", verbose_name=_("service request"), on_delete=models.PROTECT, related_name="ratings"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="service_ratings"
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings_received",
    )
    customer_user = models.ForeignKey(  # the portal user who rated; empty when taken by phone
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(  # empty when the customer rated through the e-mailed link (no login)
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=RatingChannel.choices)
    respondent_name = models.CharField(_("respondent"), max_length=64, blank=True)
    attitude = models.CharField(_("service attitude"), max_length=16, choices=RatingLevel.choices)
    skill = models.CharField(_("technical skill"), max_length=16, choices=RatingLevel.choices)
    arrival_time = models.CharField(_("arrival on time"), max_length=16, choices=RatingLevel.choices)
    promises_kept = models.CharField(_("promises kept"), max_length=16, choices=RatingLevel.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("engineer rating")
        verbose_name_plural = _("engineer ratings")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["request"], name="servicerating_once_per_request")]
        indexes = [models.Index(fields=["engineer", "created_at"], name="rating_engineer_idx")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.attitude}/{self.skill}/{self.arrival_time}/{self.promises_kept}"
