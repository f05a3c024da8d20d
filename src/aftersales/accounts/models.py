"""Users and the organisation they work in."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import RegionTier, ServicePointKind
from aftersales.core.models import BaseModel


class Region(BaseModel):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    province = models.CharField(_("province"), max_length=32, blank=True)
    tier = models.CharField(
        _("response tier"), max_length=16, choices=RegionTier.choices, default=RegionTier.SAME_PROVINCE
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(BaseModel):
    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    head = models.ForeignKey(
        "accounts.User", verbose_name=_("head"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ServicePoint(BaseModel):
    """办事处 / 维修点: where engineers work from; its region gives the response tier."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=ServicePointKind.choices, default=ServicePointKind.OFFICE)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="service_points"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    calendar = models.ForeignKey(
        "calendars.WorkCalendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Calendar of services from here whose contract sets none; empty means the default (CN)."),
    )

    class Meta:
        verbose_name = _("service point")
        verbose_name_plural = _("service points")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


def user_label(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """How a user is named (str(user)): the display name, else the full name (User.get_full_name), else the
    login name."""
    return display_name or f"{first_name} {last_name}".strip() or username


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=64, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("service point"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff",
    )
    # A portal user belongs to exactly one customer organisation and sees only its records.
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="portal_users",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return user_label(self.display_name, self.first_name, self.last_name, self.username)


class ApiToken(BaseModel):
    """A personal API token. Only its SHA-256 is stored; the token is shown once at creation.

    It works until `expires_at` (X4.token_days after issue), its revocation, or the owner's next
    password change: `password_stamp` is a keyed digest of the password hash it was issued under.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(_("prefix"), max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    password_stamp = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
