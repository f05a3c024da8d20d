"""Choices of complaints and approvals (K2, K3, K7, K9): states, classes, channels, dispositions."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ComplaintState(models.TextChoices):
    """Where a complaint stands; moves are listed in complaints.transitions."""

    REGISTERED = "registered", _("Registered")  # 已登记: waiting for the first contact (K5 contact clock)
    CONTACTED = "contacted", _("Customer contacted")  # 已联系客户: the solution clock runs (K5)
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")  # 待审批: amount beyond the decider (K7, K11)
    ESCALATED = "escalated", _("With the department head")  # 已上报部长: beyond authority (K5)
    DECIDED = "decided", _("Decided")  # 已决定: solution fixed, to be replied to the customer
    REPLIED = "replied", _("Replied to the customer")  # 已答复客户 (K11)
    IMPLEMENTED = "implemented", _("Carried out")  # 已落实: the responsible person carried it out (K5)
    CLOSED = "closed", _("Closed")  # 已结案: a callback confirms the result (K15)
    REJECTED = "rejected", _("Conclusion rejected")  # 客户不接受结论: a new linked complaint continues (K10)


ENDED_STATES = frozenset({ComplaintState.CLOSED, ComplaintState.REJECTED})


class PublicState(models.TextChoices):
    """K11: what the complainant sees of the state (the portal and its API), never the internal one."""

    RECEIVED = "received", pgettext_lazy("complaint public state", "Received")  # 已受理
    IN_PROGRESS = "in_progress", pgettext_lazy("complaint public state", "In progress")  # 处理中
    REPLIED = "replied", pgettext_lazy("complaint public state", "Replied")  # 已答复
    CLOSED = "closed", pgettext_lazy("complaint public state", "Closed")  # 已结案
    REOPENED = "reopened", pgettext_lazy("complaint public state", "Handled again")  # 重新处理: see the new complaint


PUBLIC_STATES = {
    ComplaintState.REGISTERED: PublicState.RECEIVED,
    ComplaintState.CONTACTED: PublicState.IN_PROGRESS,
    ComplaintState.ESCALATED: PublicState.IN_PROGRESS,
    ComplaintState.AWAITING_APPROVAL: PublicState.IN_PROGRESS,
    ComplaintState.DECIDED: PublicState.IN_PROGRESS,
    ComplaintState.REPLIED: PublicState.REPLIED,
    ComplaintState.IMPLEMENTED: PublicState.REPLIED,
    ComplaintState.CLOSED: PublicState.CLOSED,
    ComplaintState.REJECTED: PublicState.REOPENED,  # K10: a new linked complaint continues
}


def public_state(state: str) -> PublicState:
    """The public state of an internal one (K11); the only place the two are mapped."""
    return PUBLIC_STATES[ComplaintState(state)]


class ComplaintClass(models.TextChoices):
    """K3."""

    QUALITY = "quality", _("Quality")  # 质量问题
    NON_QUALITY = "non_quality", _("Non-quality")  # 非质量问题: transport, handling, staff conduct
    OTHER = "other", _("Other")  # 其他


class ComplaintChannel(models.TextChoices):
    """K2: how the complaint reached us."""

    PHONE = "phone", _("Phone")  # 电话
    LETTER = "letter", _("Letter")  # 信函
    VISIT = "visit", _("Visit")  # 来访
    ONSITE = "onsite", pgettext_lazy("channel", "On site")  # 现场
    WEB = "web", _("Web portal")  # 网站/客户门户


class Disposition(models.TextChoices):
    """K9: how the complaint is settled."""

    RETURN = "return", _("Return")  # 退货
    EXCHANGE = "exchange", _("Exchange")  # 换货
    GUIDANCE = "guidance", _("Guidance")  # 指导
    EXPLANATION = "explanation", _("Explanation")  # 解释
    COMPENSATION = "compensation", _("Compensation or discount")  # 赔偿/折让
    REPROCESSING = "reprocessing", _("Reprocessing")  # 返工


class FollowUpKind(models.TextChoices):
    """What a follow-up task of a complaint is for (K13, K14, K15)."""

    CALLBACK = "callback", _("Callback")  # 回访: confirm the result after closing (K15)
    RECEIVABLES = "receivables", _("Collect receivables")  # 收回应收款: unfounded complaint (K13)
    CAPA_VERIFY = "capa_verify", _("Verify the corrective action")  # 验证纠正措施 (K14)


class CapaState(models.TextChoices):
    """K14: corrective and preventive action."""

    PLANNED = "planned", _("Planned")  # 已计划
    DONE = "done", _("Carried out")  # 已落实
    VERIFIED = "verified", _("Verified")  # 已验证


class ReviewState(models.TextChoices):
    """K8: the monthly responsibility review."""

    DRAFT = "draft", _("Draft")  # 草稿
    SUBMITTED = "submitted", _("Submitted")  # 已提交
    APPROVED = "approved", _("Approved")  # 已批准
