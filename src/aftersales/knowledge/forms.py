"""Page forms of the knowledge base (T1). They parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledForm
from aftersales.installed_base.models import Product
from aftersales.knowledge.choices import ArticleKind


class ArticleSearchForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *ArticleKind.choices])


class ArticleForm(StyledForm):
    """Create or edit an article; `version` (hidden) is the version being edited."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.order_by("model"),
        required=False,
        empty_label=_("All products"),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    symptoms = forms.CharField(
        label=_("Symptoms and keywords"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One phrase or alarm code per line, as callers say it."),
    )
    body = forms.CharField(label=_("Text"), max_length=50_000, widget=forms.Textarea(attrs={"rows": 14}))
    published = forms.BooleanField(label=_("Published"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        product = data.pop("product")
        data["product_id"] = product.pk if product else None
        return data
