"""T1: knowledge-base articles (service manuals, FAQ, fault-diagnosis guides), versioned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.knowledge.choices import ArticleKind


class Article(BaseModel):
    """T1: one article, for one product or (product empty) for every product.

    `symptoms` holds the phrases a caller uses (one per line: 主轴异响, ALM 401 …); intake
    suggestions match the fault text against title + symptoms. `version` goes up by one on each
    edit; the text it replaced is kept in the article.updated event.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ArticleKind.choices)
    product = models.ForeignKey(
        "installed_base.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text=_("Empty: the article applies to every product."),
    )
    title = models.CharField(_("title"), max_length=200)
    symptoms = models.TextField(
        _("symptoms and keywords"), blank=True, help_text=_("One phrase or alarm code per line.")
    )
    body = models.TextField(_("text"))
    version = models.PositiveIntegerField(_("version"), default=1)
    published = models.BooleanField(_("published"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("knowledge-base article")
        verbose_name_plural = _("knowledge-base articles")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["published", "product", "updated_at"], name="article_suggest_idx")]
        constraints = [models.CheckConstraint(condition=models.Q(version__gte=1), name="article_version_positive")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article_detail", args=[self.pk])
