from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class VisitPurpose(models.TextChoices):
    """C7 (003 §3.3–3.4): why a customer is visited."""

    ROUTINE = "routine", _("Routine visit")  # 巡回服务
    SURVEY = "survey", _("Market and usage survey")  # 调查研究
    TECHNICAL = "technical", _("Technical guidance or training")  # 技术指导
    COMPLAINT = "complaint", _("Complaint handling")  # 处理埋怨
    COLLECTION = "collection", _("Collect receivables")  # 收逾期应收帐款
    NEW_PRODUCT = "new_product", _("Introduce new products")  # 介绍新产品
    RELATIONSHIP = "relationship", _("Relationship care")  # 培养感情
    OTHER = "other", _("Other")


class GiftState(models.TextChoices):
    """C7: a gift to a customer is approved before it is given (003 §3.7)."""

    PENDING = "pending", pgettext_lazy("gift", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("gift", "Approved")
    REFUSED = "refused", pgettext_lazy("gift", "Refused")
    GIVEN = "given", pgettext_lazy("gift", "Given")


class VettingKind(models.TextChoices):
    """C5 (003 §2.2.1): how the prospective customer was investigated."""

    GENERAL = "general", _("General investigation")  # 通常调查
    ON_SITE = "on_site", _("On-site investigation")  # 实地调查


class VettingState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("vetting", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("vetting", "Waiting for decision")
    NEEDS_MORE = "needs_more", pgettext_lazy("vetting", "More investigation needed")
    APPROVED = "approved", pgettext_lazy("vetting", "Approved")
    REJECTED = "rejected", pgettext_lazy("vetting", "Rejected")


class VettingDecision(models.TextChoices):
    APPROVE = "approve", pgettext_lazy("vetting decision", "Approve")
    REJECT = "reject", pgettext_lazy("vetting decision", "Reject")
    NEEDS_MORE = "needs_more", pgettext_lazy("vetting decision", "Needs more investigation")


class CriterionResult(models.TextChoices):
    """C5: how the prospect measures up to one criterion."""

    MEETS = "meets", _("Meets")
    PARTLY = "partly", _("Partly meets")
    FAILS = "fails", _("Does not meet")
    UNKNOWN = "unknown", _("Not yet known")
