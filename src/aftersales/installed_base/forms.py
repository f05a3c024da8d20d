"""Page forms for the installed base. They parse input; the services decide what is valid."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.core.forms import StyledForm
from aftersales.installed_base import selectors
from aftersales.installed_base.choices import ContractCover
from aftersales.installed_base.models import Product, SubstituteEquipment

_SERIAL_SEPARATORS = re.compile(r"[\s,，、;；]+")


# StyledForm validates a bound form inside __init__ (to mark invalid fields), so a choice field
# must have its full queryset at class level; __init__ then narrows the choices shown to the
# actor's scope, and the services check again what was chosen.
def _products() -> Any:
    return Product.objects.order_by("model")


def _calendar_choices() -> list[tuple[str, Any]]:
    return [("", _("By cover (CN office hours or 7×24)")), *selectors.calendar_choices()]


class CustomerCodeField(forms.CharField):
    """A customer number (客户编号, e.g. KH000001), cleaned into the customer's id."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Customer number"))
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("help_text", _("For example KH000001."))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        code = super().clean(value)
        if not code:
            return None
        try:
            return selectors.customer_id_for_code(code)
        except ValidationFailed as exc:
            raise forms.ValidationError(str(exc.message)) from exc


class UnitFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    customer = CustomerCodeField(required=False, help_text="")
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=_products(), required=False, empty_label=_("All products")
    )
    warranty = forms.ChoiceField(
        label=_("Warranty"),
        required=False,
        choices=[("", _("All")), ("in", _("In warranty")), ("out", _("Out of warranty"))],
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["product"]).queryset = selectors.product_list(actor)
        self.fields["q"].widget.attrs["placeholder"] = _("Serial number, customer number or name")

    def selector_filters(self) -> dict[str, Any]:
        """Arguments for selectors.unit_list (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        product = data.get("product")
        warranty = data.get("warranty")
        return {
            "q": data.get("q") or "",
            "customer_id": data.get("customer"),
            "product_id": product.pk if product else None,
            "in_warranty": {"in": True, "out": False}.get(warranty or ""),
        }


class UnitEditForm(StyledForm):
    product = forms.ModelChoiceField(label=_("Product"), queryset=_products())
    customer = CustomerCodeField()
    site = forms.CharField(label=_("Site"), max_length=200, required=False)
    production_date = forms.DateField(label=_("Production date"), required=False)
    ship_date = forms.DateField(label=_("Ship date"), required=False)
    purchase_date = forms.DateField(label=_("Purchase date"), required=False)
    purchase_place = forms.CharField(label=_("Place of purchase"), max_length=120, required=False)
    acceptance_date = forms.DateField(
        label=_("Acceptance date"),
        required=False,
        help_text=_("The warranty starts here; without it, at the production date plus the policy offset."),
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=240,
        required=False,
        help_text=_("Leave empty to use the product's term or the policy default."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, actor: Actor, show_site: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["product"]).queryset = selectors.product_list(actor)
        if not show_site:  # C3: the site and notes of a file the user may not open are neither shown nor changed
            del self.fields["site"]
            del self.fields["notes"]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        site = {"site": data["site"]} if "site" in self.fields else {}
        notes = {"notes": data["notes"]} if "notes" in self.fields else {}
        return {
            "product_id": data["product"].pk,
            "customer_id": data["customer"],
            **site,
            "production_date": data["production_date"],
            "ship_date": data["ship_date"],
            "purchase_date": data["purchase_date"],
            "purchase_place": data["purchase_place"],
            "acceptance_date": data["acceptance_date"],
            "warranty_months": data["warranty_months"],
            **notes,
        }


class UnitCreateForm(UnitEditForm):
    serial = forms.CharField(label=_("Serial number"), max_length=64)

    field_order = ["serial", "product", "customer"]

    def service_values(self) -> dict[str, Any]:
        return {"serial": self.cleaned_data["serial"], **super().service_values()}


class UnitImportForm(StyledForm):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_("Nothing is imported unless every row is right."),
    )


class ProductForm(StyledForm):
    model = forms.CharField(label=_("Model"), max_length=64)
    name = forms.CharField(label=_("Name"), max_length=120)
    spec = forms.CharField(label=_("Specification"), max_length=200, required=False)
    category = forms.CharField(label=_("Category"), max_length=64, required=False)
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=240,
        required=False,
        help_text=_("Leave empty to use the policy default."),
    )


class ContractForm(StyledForm):
    customer = CustomerCodeField()
    units = forms.CharField(
        label=_("Units"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Serial numbers of the customer's units, separated by spaces, commas or new lines."),
    )
    start_date = forms.DateField(label=_("Start"))
    end_date = forms.DateField(label=_("End"))
    cover = forms.ChoiceField(label=_("Cover"), choices=ContractCover.choices, initial=ContractCover.OFFICE_HOURS)
    # A callable: the calendars are read when the form is shown, not when this module is imported.
    calendar = forms.ChoiceField(label=_("Calendar"), required=False, choices=_calendar_choices)
    terms = forms.CharField(label=_("Terms"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_units(self) -> list[str]:
        return [s for s in _SERIAL_SEPARATORS.split(self.cleaned_data["units"]) if s]


class LoanForm(StyledForm):
    equipment = forms.ModelChoiceField(
        label=_("Substitute equipment"),
        queryset=SubstituteEquipment.objects.select_related("product").order_by("code"),
        to_field_name="code",
    )
    customer = CustomerCodeField()
    for_unit = forms.CharField(
        label=_("Replaces unit"), max_length=64, required=False, help_text=_("Serial number of the unit under repair.")
    )
    lent_on = forms.DateField(label=_("Lent on"))
    expected_return = forms.DateField(label=_("Expected back"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["equipment"]).queryset = selectors.equipment_available(actor)


class LoanReturnForm(StyledForm):
    returned_on = forms.DateField(label=_("Returned on"))


class EquipmentForm(StyledForm):
    code = forms.CharField(label=_("Asset number"), max_length=32)
    product = forms.ModelChoiceField(label=_("Product"), queryset=_products())
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["product"]).queryset = selectors.product_list(actor)
