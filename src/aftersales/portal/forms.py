"""Portal forms: what a customer's user may enter (a new request, a quotation decision, a rating)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledForm
from aftersales.followup.choices import RatingLevel
from aftersales.service.choices import Priority, ServiceKind

# S3 kinds a customer asks for on the portal (consulting and training too).
PORTAL_KINDS = [
    ServiceKind.REPAIR,
    ServiceKind.SOFTWARE,
    ServiceKind.INSTALLATION,
    ServiceKind.CONSULTING,
    ServiceKind.TRAINING,
]


class RequestCreateForm(StyledForm):
    serial = forms.ChoiceField(label=_("Equipment"))
    kind = forms.ChoiceField(label=_("What do you need?"), choices=[(k.value, k.label) for k in PORTAL_KINDS])
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.GENERAL,
        help_text=_("Urgent: the equipment cannot be used. Serious: a major fault."),
    )
    fault = forms.CharField(label=_("Fault description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args: Any, units: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["serial"]).choices = [
            (unit.serial, f"{unit.serial} · {unit.product.model} {unit.product.name}") for unit in units
        ]


class QuoteAcceptForm(StyledForm):
    decided_by_name = forms.CharField(label=_("Your name"), max_length=64)
    payment_date = forms.DateField(
        label=_("Payment date"), required=False, widget=forms.DateInput, help_text=_("When you will pay the fee.")
    )


class QuoteDeclineForm(StyledForm):
    reason = forms.CharField(label=_("Why do you decline?"), max_length=200)


class RatingForm(StyledForm):
    attitude = forms.ChoiceField(label=_("Service attitude"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    skill = forms.ChoiceField(label=_("Technical skill"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    arrival_time = forms.ChoiceField(label=_("Arrival on time"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    promises_kept = forms.ChoiceField(label=_("Promises kept"), choices=RatingLevel.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("attitude", "skill", "arrival_time", "promises_kept"):
            # answers as buttons, a finger wide, wrapping on a phone (the radio itself is hidden)
            self.fields[name].widget.attrs["class"] = "btn-check"


class RatingLinkForm(RatingForm):
    """V3 through the invitation e-mail's one-time link: nobody is logged in, so the rater gives a name."""

    respondent_name = forms.CharField(label=_("Your name"), max_length=64)
