"""Choices of follow-up (V3): the four levels of each rating item."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingLevel(models.TextChoices):
    """V3: each item of the engineer's rating is answered on these four levels."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")  # 非常满意
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    AVERAGE = "average", _("Average")  # 一般
    POOR = "poor", _("Poor")  # 差


class RatingChannel(models.TextChoices):
    """How the rating reached us."""

    PORTAL = "portal", _("Customer portal")  # 客户门户
    PHONE = "phone", _("Phone callback")  # 电话回访, recorded by an agent
