"""P1: the stores parts are kept in, each with an owner (issue 14 §2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.models import BaseModel
from aftersales.parts.choices import StoreKind


class Store(BaseModel):
    """A store (库房): the central store, a repair point's, an engineer's van stock or a dedicated
    store at a key account. Links: the service point (service_point kind), the engineer (engineer
    kind: one van store per engineer), the customer (customer kind)."""

    code = models.CharField(_("store code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=StoreKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=pgettext_lazy("spare parts", "owner"),
        on_delete=models.PROTECT,
        related_name="parts_stores",
    )
    service_point = models.ForeignKey(
        "accounts.ServicePoint",
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts_stores",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="van_stores",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts_stores",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["engineer"], condition=models.Q(kind="engineer"), name="store_one_van_per_engineer"
            ),
        ]

    def __str__(self) -> str:
        return self.name
