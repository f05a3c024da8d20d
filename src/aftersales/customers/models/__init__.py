"""Customer files, their contacts, the phone index for hotline lookup, and access grants (C1–C6)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.customers.choices import AccessRequestStatus, CreditRating, CustomerKind


class Customer(BaseModel):
    """用户档案 (C1)."""

    code = models.CharField(_("customer number"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.END_USER)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="customers",
    )
    credit_rating = models.CharField(
        _("credit rating"), max_length=1, choices=CreditRating.choices, default=CreditRating.B
    )
    relationship = models.CharField(_("relationship"), max_length=200, blank=True)
    key_account = models.BooleanField(_("key account"), default=False)
    confidential = models.BooleanField(
        _("confidential file"),
        default=False,
        help_text=_("Only the owner, managers and users with an approved request may open it."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service representative"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_customers",
    )
    notes = models.TextField(_("notes"), blank=True)
    # C2: the date of the latest visit report (C7), kept by the visit services so the overview sorts by it.
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        permissions = [
            ("export_customer", _("Can export customer files")),
            ("import_customer", _("Can import customer files")),
            ("approve_customer_access", _("Can approve access to confidential customer files")),
        ]
        indexes = [
            models.Index(fields=["region", "code"], name="customer_region_idx"),
            models.Index(fields=["owner", "code"], name="customer_owner_idx"),
            models.Index(fields=["kind", "code"], name="customer_kind_idx"),
            models.Index(fields=["last_visit_on", "code"], name="customer_last_visit_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("customers:detail", args=[self.pk])


class Contact(BaseModel):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=64)
    title = models.CharField(_("position"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "id"]

    def __str__(self) -> str:
        return self.name


class PhoneIndex(models.Model):
    """Reversed normalised digits of every customer and contact phone (C6).

    A suffix of the phone becomes a prefix of `reversed_digits`, so "62345678" finds
    "021-6234 5678" with an index range scan on SQLite and PostgreSQL alike.
    Maintained by customers.services only.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reversed_digits = models.CharField(max_length=24, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["customer"], name="phoneindex_customer_idx")]

    def __str__(self) -> str:
        return self.reversed_digits[::-1]


def name_bigrams(text: str) -> set[str]:
    """Every two-character piece of a name, case-folded, spaces removed (C6 fragment search)."""
    folded = "".join((text or "").casefold().split())
    return {folded[i : i + 2] for i in range(len(folded) - 1)}


class NameIndex(models.Model):
    """Bigrams of every customer and contact name (C6).

    A name fragment of two or more characters is looked up as "customers having all of the
    fragment's bigrams" (index lookups), then checked against the real text, instead of a
    `LIKE '%…%'` scan of every file. Maintained by customers.services only.
    """

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    gram = models.CharField(max_length=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gram", "customer"], name="nameindex_gram_customer_uniq")]
        indexes = [models.Index(fields=["customer"], name="nameindex_customer_idx")]

    def __str__(self) -> str:
        return self.gram


class CustomerAccessRequest(BaseModel):
    """C3: a user asks to read a confidential file they do not own; owner or manager decides."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="access_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="customer_access_requests",
    )
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=16, choices=AccessRequestStatus.choices, default=AccessRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"), null=True, blank=True)

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "requester"],
                condition=models.Q(status="pending"),
                name="one_pending_access_request",
            )
        ]
        indexes = [models.Index(fields=["requester", "customer", "status"], name="access_request_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.requester} → {self.customer}"


from aftersales.customers.models.vetting import Vetting, VettingFile, VettingItem  # noqa: E402
from aftersales.customers.models.visits import GiftRequest, VisitPlan, VisitPlanItem, VisitReport  # noqa: E402

__all__ = [
    "Contact",
    "Customer",
    "CustomerAccessRequest",
    "GiftRequest",
    "NameIndex",
    "PhoneIndex",
    "Vetting",
    "VettingFile",
    "VettingItem",
    "VisitPlan",
    "VisitPlanItem",
    "VisitReport",
    "name_bigrams",
]
