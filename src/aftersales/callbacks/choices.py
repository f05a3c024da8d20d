"""Choices of callbacks (V1, V2): kinds, states, outcomes; site checks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CallbackKind(models.TextChoices):
    """V1 (A5): why a customer is called back; each kind has its script (policy V2.scripts)."""

    ROUTINE = "routine", _("Weekly routine callback")  # 例行回访 (key accounts by default)
    WARRANTY_MONTH = "warranty_month", _("Monthly in-warranty callback")  # 保修期内每月电话回访
    HANDOVER = "handover", _("Hand-over callback")  # 交接回访: one month before the warranty ends (A5)
    AFTER_SERVICE = "after_service", _("Callback after service")  # 服务后回访
    AFTER_COMPLAINT = "after_complaint", _("Callback after a complaint")  # 投诉回访 (K15)
    KEY_ACCOUNT_CARE = "key_account_care", _("Key-account care callback")  # 重点客户关怀
    LOW_SCORE = "low_score", _("Follow-up of a low score")  # 低分跟进 (a task for the head of after-sales)


class CallbackState(models.TextChoices):
    OPEN = "open", _("To call")  # 待回访
    DONE = "done", _("Done")  # 已回访
    NOT_REACHED = "not_reached", _("Not reached")  # 未联系上: no answer after every retry, or a wrong number


class CallbackResult(models.TextChoices):
    """V2: the outcome of one call."""

    REACHED = "reached", _("Reached")  # 已接通
    NO_ANSWER = "no_answer", _("No answer")  # 无人接听
    WRONG_NUMBER = "wrong_number", _("Wrong number")  # 号码错误
    REFUSED = "refused", _("Refused")  # 拒绝回访


class SiteCheckState(models.TextChoices):
    OPEN = "open", _("To visit")
    DONE = "done", _("Done")
