"""Page forms of training (T2). They parse input; the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import User
from aftersales.core.forms import StyledForm
from aftersales.customers.models import Customer
from aftersales.installed_base.models import Product
from aftersales.training.choices import TrainingState


class TrainingFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *TrainingState.choices])
    date_from = forms.DateField(label=_("Planned from"), required=False, widget=forms.DateInput)
    date_to = forms.DateField(label=_("Planned to"), required=False, widget=forms.DateInput)


class TrainingForm(StyledForm):
    course = forms.CharField(label=_("Course"), max_length=120)
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("model"), required=False, empty_label="—"
    )
    planned_on = forms.DateField(label=_("Planned on"), widget=forms.DateInput)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    trainer = forms.CharField(label=_("Trainer"), max_length=80)
    customer_search = forms.CharField(
        label=_("Find customers to invite"),
        required=False,
        max_length=100,
        help_text=_("Name, customer number, phone or serial number; the matches are added to the list below."),
    )
    customers = forms.ModelMultipleChoiceField(
        label=_("Customers invited"), queryset=Customer.objects.order_by("name"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The list offers only the customers chosen so far; the search box loads matches into it (htmx), so
        # the page never lists every customer file. The field still checks the posted ids against the table.
        field = self.fields["customers"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        name = self.add_prefix("customers")
        chosen = (
            self.data.getlist(name)
            if hasattr(self.data, "getlist")
            else self.data.get(name) or self.initial.get("customers")
        )
        ids = [int(v) for v in (chosen or []) if str(v).isascii() and str(v).isdigit()]
        field.widget.choices = [(c.pk, str(c)) for c in Customer.objects.filter(pk__in=ids).order_by("name")]
        field.widget.attrs["size"] = 8
        self.fields["customer_search"].widget.attrs.update(
            {
                "type": "search",
                "autocomplete": "off",
                "hx-get": reverse_lazy("training:customer_options"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": f"#id_{self.add_prefix('customers')}",
                "hx-include": f"this, #id_{self.add_prefix('customers')}",
                "hx-swap": "innerHTML",
            }
        )

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        product = data.pop("product")
        data["product_id"] = product.pk if product else None
        data.pop("customer_search", None)
        data["customers"] = [{"customer": c.pk} for c in data["customers"]]
        return data


class TrainingRecordForm(StyledForm):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput)
    feedback = forms.CharField(
        label=_("Feedback"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AssessmentForm(StyledForm):
    user = forms.ModelChoiceField(
        label=_("Staff member"),
        queryset=User.objects.filter(is_active=True, customer__isnull=True).order_by("username"),
    )
    product_line = forms.CharField(label=_("Product line"), max_length=64)
    taken_on = forms.DateField(label=_("Taken on"), widget=forms.DateInput)
    theory = forms.DecimalField(label=_("Theory"), min_value=0, max_value=100, decimal_places=2)
    practice = forms.DecimalField(label=_("Practice"), min_value=0, max_value=100, decimal_places=2)
    simulated = forms.DecimalField(label=_("Simulated customer"), min_value=0, max_value=100, decimal_places=2)
    note = forms.CharField(label=_("Remarks"), max_length=300, required=False)

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["user_id"] = data.pop("user").pk
        return data


class CertificateFilterForm(StyledForm):
    product_line = forms.CharField(label=_("Product line"), required=False, max_length=64)
    expiring = forms.BooleanField(label=_("Expiring soon only"), required=False)
