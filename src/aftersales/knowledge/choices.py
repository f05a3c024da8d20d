"""Choices of the knowledge base (T1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    """T1: the three kinds of knowledge-base article."""

    MANUAL = "manual", _("Service manual")  # 服务手册: procedures, adjustments, maintenance
    FAQ = "faq", _("FAQ")  # 常见问题: questions the hotline answers on the phone
    DIAGNOSIS = "diagnosis", _("Fault diagnosis")  # 故障诊断: symptom / alarm → cause → remedy
