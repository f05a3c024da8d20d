from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    """C1: who the customer is to us."""

    END_USER = "end_user", _("End user")  # 最终用户
    DEALER = "dealer", _("Dealer")  # 经销商
    RETAILER = "retailer", _("Retailer")  # 零售商
    AGENT = "agent", _("Agent")  # 代理商


class CreditRating(models.TextChoices):
    """C1: credit rating, A best."""

    A = "A", _("A – excellent")
    B = "B", _("B – good")
    C = "C", _("C – fair")
    D = "D", _("D – poor")


class AccessRequestStatus(models.TextChoices):
    """C3: a request to read another owner's confidential file."""

    PENDING = "pending", _("Pending")  # waiting for the owner or a manager
    APPROVED = "approved", _("Approved")  # granted until expires_at
    REFUSED = "refused", _("Refused")  # decided against; the requester may ask again
    REVOKED = "revoked", _("Revoked")  # withdrawn before it expired
