"""Page forms of the survey (V4): the questionnaire (portal link and paper entry)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.surveys.choices import NOT_ATTENDED, Answer
from aftersales.surveys.scoring import Rules


class AnswerForm(forms.Form):
    """One radio group per scored question (from the campaign's form), the products of question 1, comments."""

    respondent_name = forms.CharField(label=_("Filled in by"), max_length=64, required=False)
    comment = forms.CharField(
        label=_("Your opinions and suggestions"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, rules: Rules, products: list[str], attended_training: bool | None = None, **kwargs: Any
    ) -> None:
        """`attended_training` False: the training question starts at 未参加 (T2 → item 6); the
        customer may still change it."""
        super().__init__(*args, **kwargs)
        self.rules = rules
        for item in rules.items:
            name = f"q{item['number']}"
            label = f"{item['number']}. {item['text']}"
            if item.get("products"):
                self.fields[name] = forms.MultipleChoiceField(
                    label=label, required=False, choices=[(p, p) for p in products], widget=forms.CheckboxSelectMultiple
                )
                self.initial.setdefault(name, products)
                continue
            choices = list(Answer.choices)
            if item.get("not_attended"):
                choices = [(NOT_ATTENDED, _("Did not attend")), *choices]
                if attended_training is False:
                    self.initial.setdefault(name, NOT_ATTENDED)
            self.fields[name] = forms.ChoiceField(
                label=label, choices=choices, widget=forms.RadioSelect, required=False
            )

    def products(self) -> list[str]:
        for item in self.rules.items:
            if item.get("products"):
                return list(self.cleaned_data.get(f"q{item['number']}") or [])
        return []

    def answers(self) -> dict[str, str]:
        return {
            str(item["number"]): self.cleaned_data.get(f"q{item['number']}") or ""
            for item in self.rules.items
            if not item.get("products")
        }


class PaperForm(AnswerForm):
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int, choices=())


class CampaignForm(forms.Form):
    """V4: a new survey — title, period, and the customers it goes to, chosen by filters."""

    title = forms.CharField(label=_("Title"), max_length=120)
    period = forms.CharField(
        label=pgettext_lazy("reporting period", "Period"), max_length=32, help_text=_("e.g. 2026 or 2026-H2")
    )
    key_accounts = forms.BooleanField(label=_("Key accounts only"), required=False)
    product = forms.CharField(label=_("Customers using the product (model)"), max_length=64, required=False)
    region = forms.TypedChoiceField(label=_("Region"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, regions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions")), *regions]  # type: ignore[attr-defined]  # a TypedChoiceField
