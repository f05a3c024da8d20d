"""New-customer vetting (新用户选择, C5, 003 §2.2): the investigation, its checklist, decision and files."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.customers.choices import CriterionResult, CustomerKind, VettingKind, VettingState


class Vetting(BaseModel):
    """One investigation of a prospective or new customer and its decision (approve / reject / needs more)."""

    name = models.CharField(_("prospective customer"), max_length=120)
    customer_kind = models.CharField(
        _("customer kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.END_USER
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact"), max_length=64, blank=True)
    kind = models.CharField(_("investigation"), max_length=16, choices=VettingKind.choices, default=VettingKind.GENERAL)
    investigated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("investigated by"), on_delete=models.PROTECT, related_name="+"
    )
    investigated_on = models.DateField(_("investigated on"))
    summary = models.TextField(_("summary"), blank=True)
    state = models.CharField(_("state"), max_length=16, choices=VettingState.choices, default=VettingState.DRAFT)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), default=0)
    # The customer file it is about: an existing new customer, or the file created from the approved vetting.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="vettings",
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("new-customer vetting")
        verbose_name_plural = _("new-customer vettings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"], name="vetting_state_idx")]

    def __str__(self) -> str:
        return self.name


class VettingItem(models.Model):
    """One criterion of the checklist (C5.criteria at the time), with its result and note."""

    vetting = models.ForeignKey(Vetting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("number"))
    criterion = models.CharField(_("criterion"), max_length=200)
    result = models.CharField(
        _("result"), max_length=16, choices=CriterionResult.choices, default=CriterionResult.UNKNOWN
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["vetting", "position"]
        constraints = [models.UniqueConstraint(fields=["vetting", "position"], name="vetting_item_once")]

    def __str__(self) -> str:
        return self.criterion


class VettingFile(BaseModel):
    """A document archived with the vetting (licence, financial statement, site photos …).

    Stored under a name the server makes up; read only through the vetting's scoped selector (no public URL)."""

    vetting = models.ForeignKey(Vetting, on_delete=models.CASCADE, related_name="files")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    file = models.FileField(_("file"), max_length=200)

    class Meta:
        verbose_name = _("vetting file")
        verbose_name_plural = _("vetting files")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name
