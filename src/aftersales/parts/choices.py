"""Choices of the spare-parts service (P1–P5): store kinds, stock movement kinds, price-list states."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StoreKind(models.TextChoices):
    """Where parts are kept (P1, issue 14 §2)."""

    CENTRAL = "central", _("Central store")  # 总库 (the central parts keeper)
    SERVICE_POINT = "service_point", _("Repair point store")  # 维修点库
    ENGINEER = "engineer", _("Engineer's van stock")  # 工程师随车库
    CUSTOMER = "customer", _("Dedicated customer store")  # 大客户专用库
    DEFECTIVE = "defective", _("Defective parts store")  # 旧件库 (returned old parts, P4)


class MoveKind(models.TextChoices):
    """One row of the stock ledger (P1). Each kind changes the store's on hand, in transit or reserved
    by the signed amounts on the row (parts.services.stock is the only writer)."""

    RECEIPT = "receipt", pgettext_lazy("spare parts", "Receipt")  # 入库: on hand +
    TRANSFER_OUT = "transfer_out", pgettext_lazy("spare parts", "Transfer out")  # 调出: on hand − at the sending store
    IN_TRANSIT = "in_transit", pgettext_lazy("spare parts", "In transit")  # 在途: in transit + at the receiving store
    TRANSFER_IN = (
        "transfer_in",
        pgettext_lazy("spare parts", "Transfer in"),
    )  # 调入: in transit − shipped, on hand + received
    ISSUE = (
        "issue",
        pgettext_lazy("spare parts", "Issue"),
    )  # 发料: on hand − (out of the stores, e.g. to a person or a customer)
    CONSUME = "consume", _("Used on a job")  # 维修耗用: on hand − at the store the part came from (P3)
    RETURN_OLD = "return_old", _("Old part returned")  # 旧件返还: on hand + at the defective store (P4)
    SCRAP = "scrap", pgettext_lazy("spare parts", "Scrap")  # 报废: on hand −
    ADJUST = "adjust", _("Count adjustment")  # 盘点调整: on hand ±, with a reason
    RESERVE = "reserve", pgettext_lazy("spare parts", "Reserved")  # 预留: reserved +
    RELEASE = "release", _("Reservation released")  # 释放预留: reserved −


class PriceListState(models.TextChoices):
    """A version of the parts list prices; approved like the fee standards (B2)."""

    DRAFT = "draft", pgettext_lazy("spare parts", "Draft")  # 草稿
    PENDING = (
        "pending",
        pgettext_lazy("spare parts", "Waiting for approval"),
    )  # 待审批 (the head of after-sales decides)
    APPROVED = "approved", pgettext_lazy("spare parts", "Approved")  # 已批准, in force for the parts it lists
    REFUSED = "refused", pgettext_lazy("spare parts", "Refused")  # 已拒绝 (may be sent for approval again)
    SUPERSEDED = "superseded", pgettext_lazy("spare parts", "Superseded")  # 已被新版本取代


class AdjustmentState(models.TextChoices):
    """A count adjustment (盘点调整) waits for the parts keeper's approval before it posts (issue 14 §3)."""

    PENDING = "pending", pgettext_lazy("spare parts", "Waiting for approval")  # 待审批
    POSTED = "posted", pgettext_lazy("spare parts", "Posted")  # 已过账
    REFUSED = "refused", pgettext_lazy("spare parts", "Refused")  # 已拒绝
