"""Fault symptom and cause codes (故障现象 / 故障原因代码), a managed list per product category.

A code belongs to one product category (installed_base.Product.category, the same text) or to
every category when its category is empty. Synonyms are what callers and engineers actually say;
the pickers search them. S15 compares requests by their symptom code when both have one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel
from aftersales.service.choices import FaultCodeKind
from aftersales.service.codes import split_synonyms


class FaultCode(BaseModel):
    """One symptom or cause in the managed list; deactivated rather than deleted (requests keep it)."""

    kind = models.CharField(_("kind"), max_length=8, choices=FaultCodeKind.choices)
    category = models.CharField(_("product category"), max_length=64, blank=True, db_index=True)
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=64)
    synonyms = models.TextField(_("synonyms"), blank=True)  # one per line (or separated by ， , ；)
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("fault code")
        verbose_name_plural = _("fault codes")
        ordering = ["kind", "category", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "category", "code"], name="faultcode_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def synonym_list(self) -> list[str]:
        return split_synonyms(self.synonyms)
