"""A policy version: the full set of regulation values in force from a given time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class PolicyVersion(BaseModel):
    number = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateTimeField(_("effective from"), db_index=True)
    values = models.JSONField(_("values"), default=dict)
    changed_key = models.CharField(_("changed value"), max_length=64, blank=True)
    note = models.CharField(_("reason for the change"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"v{self.number}"
