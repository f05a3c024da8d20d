"""Forms of the visit (C7) and vetting (C5) pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.forms import StyledForm
from aftersales.customers.choices import CriterionResult, CustomerKind, VettingDecision, VettingKind, VisitPurpose
from aftersales.customers.selectors import customer_id_for_code

MONTHS: list[tuple[str, Any]] = [("", _("Whole year")), *((str(m), str(m)) for m in range(1, 13))]


class CustomerCodeField(forms.CharField):
    """A customer picked by its number (the datalist offers the user's customers)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Customer number"))
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.widget.attrs["list"] = "customer-codes"
        self.widget.attrs["autocomplete"] = "off"

    def clean(self, value: Any) -> int | None:
        code = super().clean(value)
        if not code:
            return None
        pk = customer_id_for_code(code)
        if pk is None:
            raise forms.ValidationError(_("No customer has this number."))
        return pk


class PlanCreateForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PlanItemForm(StyledForm):
    customer = CustomerCodeField()
    month = forms.TypedChoiceField(
        label=_("Month"), choices=[("", "—"), *MONTHS[1:]], required=False, coerce=int, empty_value=None
    )
    planned_on = forms.DateField(label=_("Planned date"), required=False, widget=forms.DateInput())
    purpose = forms.ChoiceField(
        label=pgettext_lazy("visit", "Purpose"), choices=VisitPurpose.choices, initial=VisitPurpose.ROUTINE
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class GiftForm(StyledForm):
    customer = CustomerCodeField()
    description = forms.CharField(label=_("Gift"), max_length=200)
    value = forms.DecimalField(label=_("Value (yuan)"), min_value=0, max_digits=12, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class VisitReportForm(StyledForm):
    """走访用户汇报 on a phone: one column, the planned visit and the approved gift picked from lists."""

    plan_item = forms.TypedChoiceField(label=_("Planned visit"), required=False, coerce=int, empty_value=None)
    customer = CustomerCodeField(required=False)
    visited_on = forms.DateField(label=_("Visit date"), widget=forms.DateInput())
    purpose = forms.ChoiceField(
        label=pgettext_lazy("visit", "Purpose"), choices=VisitPurpose.choices, initial=VisitPurpose.ROUTINE
    )
    people_met = forms.CharField(label=_("People met"), required=False, max_length=200)
    companions = forms.CharField(label=_("Accompanied by"), required=False, max_length=200)
    findings = forms.CharField(label=_("Main findings"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    customer_opinion = forms.CharField(
        label=_("Customer opinion"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    suggestions = forms.CharField(
        label=_("Suggestions for improvement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    gift = forms.TypedChoiceField(label=_("Approved gift given"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, items: Any = (), gifts: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["plan_item"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField("", _("Not planned"))] + [
            (str(i.pk), f"{i.customer.name} · {i.month_start:%Y-%m} · {i.get_purpose_display()}") for i in items
        ]
        self.fields["gift"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField("", _("No gift"))] + [
            (str(g.pk), f"{g.customer.name} · {g.description} · {g.value} 元") for g in gifts
        ]
        self.plan_customers = {i.pk: i.customer_id for i in items}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("customer") and data.get("plan_item"):
            data["customer"] = self.plan_customers.get(data["plan_item"])
        if not data.get("customer") and "customer" not in self.errors:
            self.add_error("customer", _("Choose the planned visit or give the customer number."))
        return data


class VisitFilterForm(StyledForm):
    customer = CustomerCodeField(required=False)
    purpose = forms.ChoiceField(
        label=pgettext_lazy("visit", "Purpose"), choices=[("", "—"), *VisitPurpose.choices], required=False
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput())

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "customer_id": data.get("customer"),
            "purpose": data.get("purpose") or "",
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }


class VettingForm(StyledForm):
    name = forms.CharField(label=_("Prospective customer"), max_length=120)
    customer_kind = forms.ChoiceField(label=_("Customer kind"), choices=CustomerKind.choices)
    kind = forms.ChoiceField(label=_("Investigation"), choices=VettingKind.choices)
    contact_name = forms.CharField(label=_("Contact"), required=False, max_length=64)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    investigated_on = forms.DateField(label=_("Investigated on"), widget=forms.DateInput())
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["investigated_on"].initial = timezone.localdate()


class CriterionForm(StyledForm):
    result = forms.ChoiceField(label=_("Result"), choices=CriterionResult.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class VettingDecideForm(StyledForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=VettingDecision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VettingFileForm(StyledForm):
    file = forms.FileField(label=_("File (PDF, JPEG or PNG)"))
