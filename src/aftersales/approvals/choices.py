"""Kinds and states of approvals (K7, S8, S9, B2, C3, policy changes)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ApprovalKind(models.TextChoices):
    """What an approval is for; each kind's app registers the handler that follows the decision."""

    COMPLAINT = "complaint", _("Complaint amount")  # 客诉金额 (K7, K11)
    RETURN = "return", _("Return")  # 退货 (R2, K7)
    DISCOUNT_CERTIFICATE = "discount_certificate", _("Discount certificate")  # 折让证明 (R4, K7)
    OFFSITE = "offsite", _("Off-site trip")  # 异地服务 (S8)
    SUPPORT = "support", _("Technical or parts support")  # 技术/配件支持 (S9)
    LEAVE_UNSOLVED = "leave_unsolved", _("Leave an unsolved job")  # 未解决离开 (S9)
    FEE_STANDARD = "fee_standard", _("Fee standard")  # 收费标准 (B2)
    ACCESS = "access", _("Access to a confidential file")  # 机密档案查阅 (C3)
    POLICY = "policy", _("Change of an approval policy")  # 审批政策变更 (K7 and the like)
    RESPONSIBILITY_REVIEW = "responsibility_review", _("Monthly responsibility review")  # 月度责任考核 (K8)
    PART_PRICE_LIST = "part_price_list", _("Parts list prices")  # 配件价格表 (P1, like B2)
    STOCK_ADJUSTMENT = "stock_adjustment", _("Stock count adjustment")  # 盘点调整 (P1)
    REQUISITION = "requisition", _("Parts requisition")  # 维修点领用配件表 (P2)
    DEMAND_PLAN = "demand_plan", _("Parts demand plan")  # 配件需求计划 (P5)
    PERIOD_REPORT = "period_report", _("Period report")  # 统计分析表, 月度考核 (Q1, Q5)
    GIFT = "gift", _("Gift to a customer")  # 赠送礼品 (C7)


class ApprovalPurpose(models.TextChoices):
    """What an amount approval (K7) is for."""

    COMPENSATION = "compensation", _("Compensation")  # 赔偿
    DISCOUNT = "discount", _("Discount")  # 折让
    RETURN = "return", _("Return")  # 退货
    EXCHANGE = "exchange", _("Exchange")  # 换货
    SANCTION = "sanction", _("Sanction")  # 处罚 (K8)
    OTHER = "other", _("Other")  # 其他


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("Pending")  # 待审批: waiting for a decider
    APPROVED = "approved", _("Approved")  # 已批准: the handler carried the decision out
    REFUSED = "refused", _("Refused")  # 已拒绝


class ApprovalDecision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    REFUSE = "refuse", _("Refuse")
