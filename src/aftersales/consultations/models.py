"""C8 consultation register (咨询登记, 001 part 2): enquiries, the fields the administrator adds to
them, and their follow-up callbacks.

The callbacks app plans callbacks of customers by fixed kinds (V1); an enquirer is often nobody's
customer yet, so an enquiry's follow-up is a record of its own here (docs/decisions/0035).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.consultations.choices import (
    ConsultationChannel,
    ConsultationStage,
    FieldType,
    FollowUpResult,
    FollowUpState,
)
from aftersales.core.models import BaseModel


class ConsultationField(BaseModel):
    """C8: one extra field of the register, defined by the administrator (一般性/定向性登记).

    `key` names the value in each consultation's `extra`; `choices` lists the allowed answers of a
    choice field. An inactive field is no longer asked; the values already typed stay.
    """

    key = models.SlugField(_("key"), max_length=40, unique=True)
    label = models.CharField(_("label"), max_length=80)
    field_type = models.CharField(_("type"), max_length=8, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("consultation field")
        verbose_name_plural = _("consultation fields")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class Consultation(BaseModel):
    """C8: one inbound enquiry: channel, who, contact, product of interest, question, answer, handler, time."""

    channel = models.CharField(_("channel"), max_length=8, choices=ConsultationChannel.choices)
    name = models.CharField(_("enquirer"), max_length=80)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    contact = models.CharField(pgettext_lazy("contact details", "contact"), max_length=120)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        "installed_base.Product",
        verbose_name=_("product of interest"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    extra = models.JSONField(_("further details"), default=dict, blank=True)
    stage = models.CharField(
        _("stage"), max_length=12, choices=ConsultationStage.choices, default=ConsultationStage.ENQUIRY
    )
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    purchased_on = models.DateField(_("purchased on"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["received_at", "id"], name="consultation_received_idx")]

    def __str__(self) -> str:
        return f"{self.name} {self.received_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("consultations:detail", args=[self.pk])


class ConsultationFollowUp(BaseModel):
    """C8: a follow-up callback on an enquiry: due date, who calls, the outcome."""

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField(_("due on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("what to ask"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=8, choices=FollowUpState.choices, default=FollowUpState.OPEN)
    result = models.CharField(_("outcome"), max_length=16, choices=FollowUpResult.choices, blank=True)
    outcome = models.TextField(_("remarks"), blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation follow-up")
        verbose_name_plural = _("consultation follow-ups")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "state", "due_on"], name="consult_followup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.consultation_id} {self.due_on}"
