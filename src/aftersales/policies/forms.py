from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class PolicyValueForm(forms.Form):
    """The value is edited as JSON (a number, or an object for structured values such as C9.tiers)."""

    value = forms.CharField(
        label=_("New value"), widget=forms.Textarea(attrs={"rows": 3, "class": "form-control font-monospace"})
    )
    note = forms.CharField(
        label=_("Reason for the change"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )

    def clean_value(self) -> Any:
        raw = self.cleaned_data["value"]
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("Enter a number, or a JSON object like the current value.")) from exc
