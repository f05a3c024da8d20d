"""Forms of the customer pages: they parse input; the services decide (C1, C2, C3, C6)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.selectors import region_list
from aftersales.core.forms import StyledForm
from aftersales.customers.choices import CreditRating, CustomerKind
from aftersales.customers.selectors import customer_owner_choices
from aftersales.customers.services import ContactData

# Service field names (customer_update / customer_create keywords) → form field names.
FIELD_ALIASES = {"region_id": "region", "owner_id": "owner", "customer": None, "__all__": None}


class CustomerForm(StyledForm):
    """The customer file (C1); on create it also takes the first contact person."""

    name = forms.CharField(label=_("Customer name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerKind.choices, initial=CustomerKind.END_USER)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    region = forms.ModelChoiceField(label=_("Region"), queryset=region_list(), required=False)
    credit_rating = forms.ChoiceField(label=_("Credit rating"), choices=CreditRating.choices, initial=CreditRating.B)
    relationship = forms.CharField(label=_("Relationship"), max_length=200, required=False)
    key_account = forms.BooleanField(label=_("Key account"), required=False)
    confidential = forms.BooleanField(
        label=_("Confidential file"),
        required=False,
        help_text=_("Only the owner, managers and users with an approved request may open it."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        region = data.pop("region", None)
        data["region_id"] = region.pk if region else None
        if "owner" in data:
            owner = data.pop("owner")
            data["owner_id"] = owner.pk if owner else None
        return data


class CustomerCreateForm(CustomerForm):
    contact_name = forms.CharField(label=_("Contact person"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)
    contact_title = forms.CharField(label=_("Contact's position"), max_length=64, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("contact_phone") or cleaned.get("contact_title")) and not cleaned.get("contact_name"):
            self.add_error("contact_name", _("Enter the contact's name."))
        return cleaned

    def service_values(self) -> dict[str, Any]:
        data = super().service_values()
        name, phone, title = data.pop("contact_name"), data.pop("contact_phone"), data.pop("contact_title")
        data["contacts"] = [ContactData(name=name, phone=phone, title=title)] if name else []
        return data


class CustomerEditForm(CustomerForm):
    """Edit form: carries the version the editor saw, so a concurrent change is refused (C4)."""

    owner = forms.ModelChoiceField(label=_("Service representative"), queryset=customer_owner_choices(), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def service_values(self) -> dict[str, Any]:
        data = super().service_values()
        data.pop("version")
        return data


class ContactForm(StyledForm):
    name = forms.CharField(label=_("Name"), max_length=64)
    title = forms.CharField(label=_("Position"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)

    def contact_data(self) -> ContactData:
        return ContactData(**self.cleaned_data)


class AccessRequestForm(StyledForm):
    reason = forms.CharField(
        label=_("Why do you need this file?"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. the customer called about a fault")}),
    )


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("refuse", "refuse")])


class CustomerFilterForm(StyledForm):
    """Filters of the overview (C2); an invalid value is ignored rather than refused."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *CustomerKind.choices])
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=region_list(), empty_label=_("All regions")
    )
    key_account = forms.ChoiceField(
        label=_("Key account"),
        required=False,
        choices=[("", _("All")), ("1", _("Key accounts only")), ("0", _("Other customers"))],
    )
    owner = forms.ModelChoiceField(
        label=_("Service representative"),
        required=False,
        queryset=customer_owner_choices(),
        empty_label=_("All representatives"),
    )
    not_visited_since = forms.DateField(label=_("Not visited since"), required=False, widget=forms.DateInput())
    sort = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput())

    def filters(self) -> dict[str, Any]:
        """customer_list() keywords; the values that did not validate are left out."""
        self.is_valid()
        data = self.cleaned_data
        key_account = data.get("key_account")
        return {
            "q": data.get("q") or "",
            "kind": data.get("kind") or "",
            "region_id": data["region"].pk if data.get("region") else None,
            "key_account": {"1": True, "0": False}.get(key_account or ""),
            "owner_id": data["owner"].pk if data.get("owner") else None,
            "not_visited_since": data.get("not_visited_since"),
            "sort": data.get("sort") or "",
        }


class ImportForm(StyledForm):
    what = forms.ChoiceField(
        label=_("The file holds"),
        choices=[("customers", _("Customer files")), ("units", _("Installed units"))],
        initial="customers",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("Excel workbook (.xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["what"].widget.attrs["class"] = "form-check-input"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Choose an .xlsx file."))
        return upload
