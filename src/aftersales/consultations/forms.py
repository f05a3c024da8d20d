"""Page forms of the consultation register (C8). They parse input; the services decide what is valid."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.consultations.choices import (
    ConsultationChannel,
    ConsultationStage,
    FieldType,
    FollowUpResult,
)
from aftersales.core.forms import StyledForm
from aftersales.installed_base.models import Product

EXTRA_PREFIX = "extra_"


class ConsultationFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All")), *ConsultationChannel.choices]
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All")), *ConsultationStage.choices])
    date_from = forms.DateField(label=_("Received from"), required=False, widget=forms.DateInput)
    date_to = forms.DateField(label=_("Received to"), required=False, widget=forms.DateInput)


class ConversionForm(StyledForm):
    by = forms.ChoiceField(label=_("Per"), required=False, choices=[("month", _("Month")), ("quarter", _("Quarter"))])
    date_from = forms.DateField(label=_("Received from"), required=False, widget=forms.DateInput)
    date_to = forms.DateField(label=_("Received to"), required=False, widget=forms.DateInput)


class ConsultationForm(StyledForm):
    """Register an enquiry; the administrator's active fields follow as extra_<key>."""

    channel = forms.ChoiceField(label=_("Channel"), choices=ConsultationChannel.choices)
    name = forms.CharField(label=_("Enquirer"), max_length=80)
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    contact = forms.CharField(
        label=pgettext_lazy("contact details", "Contact"), max_length=120, help_text=_("Phone number or e-mail.")
    )
    product = forms.ModelChoiceField(
        label=_("Product of interest"),
        queryset=Product.objects.order_by("model"),
        required=False,
        empty_label="—",
    )
    question = forms.CharField(label=_("Question"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(
        label=_("Answer given"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_on = forms.DateField(
        label=_("Call back on"),
        required=False,
        widget=forms.DateInput,
        help_text=_("Plans a follow-up callback for you."),
    )

    def __init__(self, *args: Any, definitions: Iterable[Any] = (), **kwargs: Any) -> None:
        self.definitions = list(definitions)
        super().__init__(*args, **kwargs)
        for d in self.definitions:
            name = EXTRA_PREFIX + d.key
            if d.field_type == FieldType.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=d.label, required=False, choices=[("", "—"), *[(c, c) for c in d.choices]]
                )
            elif d.field_type == FieldType.DATE:
                self.fields[name] = forms.DateField(label=d.label, required=False, widget=forms.DateInput)
            elif d.field_type == FieldType.NUMBER:
                self.fields[name] = forms.DecimalField(label=d.label, required=False, max_digits=14)
            else:
                self.fields[name] = forms.CharField(label=d.label, required=False, max_length=500)
            self.fields[name].widget.attrs["class"] = (
                "form-select" if d.field_type == FieldType.CHOICE else "form-control"
            )
            self.fields[name].widget.attrs.setdefault("aria-label", d.label)
            if d.field_type == FieldType.DATE:
                self.fields[name].widget.input_type = "date"
            if d.required:
                self.fields[name].widget.attrs["required"] = "required"

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        extra = {
            key.removeprefix(EXTRA_PREFIX): ("" if value is None else str(value))
            for key, value in list(data.items())
            if key.startswith(EXTRA_PREFIX)
        }
        for key in list(data):
            if key.startswith(EXTRA_PREFIX):
                data.pop(key)
        product = data.pop("product")
        data["product_id"] = product.pk if product else None
        data["extra"] = extra
        return data


class StageForm(StyledForm):
    stage = forms.ChoiceField(label=_("Stage"), choices=ConsultationStage.choices)
    on = forms.DateField(label=_("On"), required=False, widget=forms.DateInput)
    version = forms.IntegerField(widget=forms.HiddenInput)


class FollowUpForm(StyledForm):
    due_on = forms.DateField(label=_("Call back on"), widget=forms.DateInput)
    note = forms.CharField(label=_("What to ask"), max_length=300, required=False)


class FollowUpOutcomeForm(StyledForm):
    follow_up = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    result = forms.ChoiceField(label=_("Outcome"), choices=FollowUpResult.choices)
    outcome = forms.CharField(label=_("Remarks"), max_length=4000, required=False)


class FieldForm(StyledForm):
    """The administrator's field: key (new fields only), label, type, choices (one per line), required, order."""

    key = forms.SlugField(
        label=_("Key"),
        max_length=40,
        required=False,
        help_text=_("Lower-case letters, digits and _; cannot be changed later."),
    )
    label = forms.CharField(label=_("Label"), max_length=80)
    field_type = forms.ChoiceField(label=_("Type"), choices=FieldType.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, for a choice field."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=9999, initial=0)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["choices"] = [line.strip() for line in data["choices"].splitlines() if line.strip()]
        data.pop("version", None)
        return data
