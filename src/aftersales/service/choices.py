"""Choices of the service case (S1–S16, B1): states, channels, priorities, outcomes."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestState(models.TextChoices):
    """Where a service request stands; moves are listed in service.transitions."""

    REGISTERED = "registered", _("Registered")  # 已登记: in the service register, not yet dispatched (S1)
    DISPATCHED = "dispatched", _("Dispatched")  # 已派工: an engineer is assigned (S7)
    BOOKED = "booked", _("Visit booked")  # 已预约: fault confirmed with the customer, visit time agreed (S7)
    ON_SITE = "on_site", _("On site")  # 现场处理中: the engineer has checked in (S9)
    WAITING_PARTS = "waiting_parts", _("Waiting for parts")  # 待配件: clocks run unless S9.parts_wait_pauses (S9)
    IN_DEPOT = "in_depot", _("In depot repair")  # 返修中: the unit is at the depot (S9, S13)
    QUOTED = "quoted", _("Waiting for quote acceptance")  # 待确认报价: response/arrival paused (B1)
    # 客户暂不方便: the customer cannot receive us now; the clocks of policy S6.customer_wait_pauses pause
    WAITING_CUSTOMER = "waiting_customer", _("Customer unavailable")
    COMPLETED = "completed", _("Completed")  # 已完工: work done, self-check passed (S11)
    SIGNED = "signed", _("Signed by customer")  # 客户已签字: repair order signed (S11)
    CLOSED = "closed", _("Closed")  # 已关闭: countersigned by the manager and archived (S11)
    DECLINED = "declined", _("Quote declined")  # 已拒绝报价: ends, nothing charged (B1)
    CANCELLED = "cancelled", _("Cancelled")  # 已取消: withdrawn, with a reason


OPEN_STATES = frozenset(
    {
        RequestState.REGISTERED,
        RequestState.DISPATCHED,
        RequestState.BOOKED,
        RequestState.ON_SITE,
        RequestState.WAITING_PARTS,
        RequestState.IN_DEPOT,
        RequestState.QUOTED,
        RequestState.WAITING_CUSTOMER,
        RequestState.COMPLETED,
        RequestState.SIGNED,
    }
)
# Waiting states: the customer's wait (a quotation to decide, customer unavailable) pauses the clocks of
# policy S6.customer_wait_pauses, our own parts only when policy S9.parts_wait_pauses says so; the
# substitute-equipment clock (S10) never pauses.
PAUSED_STATES = frozenset({RequestState.WAITING_PARTS, RequestState.QUOTED, RequestState.WAITING_CUSTOMER})
ENDED_STATES = frozenset({RequestState.CLOSED, RequestState.DECLINED, RequestState.CANCELLED})


class Channel(models.TextChoices):
    """S1: how the request reached us."""

    PHONE = "phone", _("Phone")  # 电话
    EMAIL = "email", _("E-mail")  # 电子邮件
    FAX = "fax", _("Fax")  # 传真
    WEB = "web", _("Web portal")  # 网站/客户门户
    WALK_IN = "walk_in", _("Walk-in")  # 来访
    ONSITE = "onsite", pgettext_lazy("channel", "On site")  # 现场
    LETTER = "letter", _("Letter")  # 信函
    DISPATCH = "dispatch", _("Dispatched by HQ or region")  # 总部/区域服务部派单


class Priority(models.TextChoices):
    """S5: chosen by the customer or the agent."""

    URGENT = "urgent", _("Urgent")  # 紧急: the equipment cannot be used
    SERIOUS = "serious", _("Serious")  # 严重: major fault
    GENERAL = "general", _("General")  # 一般


class ServiceKind(models.TextChoices):
    """S3: what kind of service is asked for."""

    REPAIR = "repair", _("Hardware repair")  # 硬件维修
    SOFTWARE = "software", _("Software support")  # 软件支持
    INSTALLATION = "installation", _("Installation and commissioning")  # 安装调试
    CONSULTING = "consulting", _("Consulting")  # 咨询
    TRAINING = "training", _("Customer training")  # 客户培训
    QUALITY_FEEDBACK = "quality_feedback", _("Quality feedback")  # 质量反馈


class Resolution(models.TextChoices):
    """How the work ended (S9, S16)."""

    ON_SITE = "on_site", _("Repaired on site")  # 现场修复
    REMOTE = "remote", _("Resolved remotely")  # 远程解决 (S16)
    BOARD_SWAP = "board_swap", _("Board swapped")  # 更换板卡
    DEPOT = "depot", _("Repaired in the depot")  # 返厂维修
    UNSOLVED = "unsolved", _("Not solved (left with permission)")  # 未解决, 经批准离开 (S9)


class ApprovalKind(models.TextChoices):
    """What an engineer asks a manager for (S8, S9)."""

    OFFSITE = "offsite", _("Off-site trip")  # 异地服务 (S8)
    SUPPORT = "support", _("Technical or parts support")  # 技术/配件支持 (S9)
    LEAVE_UNSOLVED = "leave_unsolved", _("Leave an unsolved job")  # 未解决离开 (S9)


class FeeStandardState(models.TextChoices):
    """B2: a version of the fee standard (收费标准); only the approved one prices new quotations."""

    DRAFT = "draft", _("Draft")  # 草稿 (saved, not yet sent for approval)
    PENDING = "pending", _("Waiting for approval")  # 待审批 (the service-centre manager decides)
    APPROVED = "approved", _("Approved")  # 已批准, in force
    REFUSED = "refused", _("Refused")  # 已拒绝 (may be sent for approval again)
    SUPERSEDED = "superseded", _("Superseded")  # 已被新版本取代 (a newer version was approved)


class QuoteState(models.TextChoices):
    """B1: a quotation for chargeable work."""

    OFFERED = "offered", _("Offered")  # 已报价, waiting for the customer
    ACCEPTED = "accepted", _("Accepted")  # 客户已接受
    DECLINED = "declined", _("Declined")  # 客户拒绝


class PaymentState(models.TextChoices):
    """B1: how the agreed fee is collected."""

    DUE = "due", _("Due")  # 待收
    COLLECTED = "collected", _("Collected on site")  # 现场收取 (cash with the engineer, finance to confirm)
    RECEIVED = "received", _("Cash received by finance")  # 财务已确认收款
    INVOICED = "invoiced", _("Handed to finance")  # 转财务开票


# B1: a paid request may be closed once its fee is in one of these states (collected or invoiced).
PAYMENT_SETTLED = frozenset({PaymentState.COLLECTED, PaymentState.RECEIVED, PaymentState.INVOICED})


class DepotMove(models.TextChoices):
    """S13: the product in/out register (用户产品进出登记本)."""

    PICKED_UP = "picked_up", _("Picked up from the customer")  # 取回 (pickup receipt)
    RECEIVED = "received", _("Received at the depot")  # 入库
    ON_BENCH = "on_bench", _("On the repair bench")  # 维修中
    REPAIRED = "repaired", _("Repaired")  # 修复
    RETURNED = "returned", _("Returned to the customer")  # 交还


class UnitLocation(models.TextChoices):
    """Where the customer's unit is (S13: always known)."""

    CUSTOMER = "customer", _("At the customer")
    IN_TRANSIT = "in_transit", _("With the engineer")
    DEPOT = "depot", _("In the depot")


class FaultCodeKind(models.TextChoices):
    """The two managed lists of fault codes (service.FaultCode)."""

    SYMPTOM = "symptom", _("Symptom")  # 故障现象: what the customer sees (intake, S15)
    CAUSE = "cause", _("Cause")  # 故障原因: what the engineer found (completion)


class AttachmentKind(models.TextChoices):
    """What a photo or short video on a service request shows (issue 13, point 3)."""

    FAULT = "fault", _("Fault")  # 故障: before the repair
    REPAIR = "repair", _("Repair")  # 维修: during or after the repair
    OTHER = "other", _("Other")  # 其他 (nameplate, site, packaging)


class MediaKind(models.TextChoices):
    """Photo or video, as found from the file's content (never from its name)."""

    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
