"""A policy version: the full set of regulation values in force from a given time."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel


class PolicyVersion(BaseModel):
    """One change of one value (`changed_key`), in force from `effective_from`; `values[changed_key]` is
    the new value. Each key takes the value of its newest change whose time has come
    (policies.selectors.policy_snapshot, docs/decisions/0020)."""

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

    approval = models.ForeignKey(
        "approvals.Approval",
        verbose_name=_("approval"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Running clocks keep the value they started with unless the change asks to recompute them; then
    # the clocks app recomputes them once the change is in force and notes when (clocks_recomputed_at).
    recompute_clocks = models.BooleanField(_("recompute running clocks"), default=False)
    clocks_recomputed_at = models.DateTimeField(_("running clocks recomputed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["-number"]
        indexes = [models.Index(fields=["changed_key", "effective_from"], name="policyversion_key_idx")]

    def __str__(self) -> str:
        return f"v{self.number}"
