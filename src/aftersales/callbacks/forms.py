"""Page form of a callback's outcome (V2)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.callbacks.choices import CallbackResult
from aftersales.surveys.choices import Answer


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(label=_("Outcome"), choices=CallbackResult.choices, widget=forms.RadioSelect)
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=[("", "—"), *Answer.choices], required=False)
    note = forms.CharField(
        label=_("Remarks"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opens = forms.ChoiceField(
        label=_("A problem was heard: open"),
        required=False,
        choices=[("", _("Nothing")), ("service_request", _("A service request")), ("complaint", _("A complaint"))],
    )
    talk_seconds = forms.IntegerField(required=False, min_value=0, max_value=86_400, widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
