"""Choices of training (T2): customer trainings, staff assessments."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TrainingState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("training", "Planned")  # 计划
    HELD = "held", pgettext_lazy("training", "Held")  # 已举办
    CANCELLED = "cancelled", pgettext_lazy("training", "Cancelled")  # 已取消


class AssessmentPart(models.TextChoices):
    """T2 (004 §6.3): the three parts of a staff assessment."""

    THEORY = "theory", _("Theory")  # 理论测试
    PRACTICE = "practice", _("Practice")  # 实践操作
    SIMULATED = "simulated", _("Simulated customer")  # 客户服务模拟
