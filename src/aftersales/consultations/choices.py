"""Choices of the consultation register (C8): channels, stages, extra-field types, follow-up results."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ConsultationChannel(models.TextChoices):
    PHONE = "phone", _("Phone")  # 来电
    WEB = "web", _("Website or online chat")  # 网站/在线咨询
    EMAIL = "email", _("E-mail")  # 邮件
    WALK_IN = "walk_in", _("Walk-in")  # 来访
    OTHER = "other", pgettext_lazy("channel", "Other")  # 其他


class ConsultationStage(models.TextChoices):
    """C8: how far an enquiry went: enquiry → visit → purchase (or dropped)."""

    ENQUIRY = "enquiry", pgettext_lazy("consultation stage", "Enquiry")  # 咨询
    VISITED = "visited", pgettext_lazy("consultation stage", "Visited")  # 已到访
    PURCHASED = "purchased", pgettext_lazy("consultation stage", "Purchased")  # 已购买
    DROPPED = "dropped", pgettext_lazy("consultation stage", "Dropped")  # 已放弃


class FieldType(models.TextChoices):
    TEXT = "text", pgettext_lazy("field type", "Text")
    NUMBER = "number", pgettext_lazy("field type", "Number")
    CHOICE = "choice", pgettext_lazy("field type", "Choice")
    DATE = "date", pgettext_lazy("field type", "Date")


class FollowUpState(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up state", "To call")  # 待回访
    DONE = "done", pgettext_lazy("follow-up state", "Done")  # 已回访


class FollowUpResult(models.TextChoices):
    REACHED = "reached", pgettext_lazy("follow-up result", "Reached")  # 已接通
    NO_ANSWER = "no_answer", pgettext_lazy("follow-up result", "No answer")  # 无人接听
    VISIT_AGREED = "visit_agreed", _("Visit agreed")  # 约定到访
    NOT_INTERESTED = "not_interested", _("Not interested")  # 无意向
