"""Forms of the spare-parts pages (P1): they parse; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.forms import StyledForm
from aftersales.parts.choices import StoreKind


class CatalogueFilterForm(StyledForm):
    q = forms.CharField(label=_("Number, name or specification"), required=False, max_length=100)
    product = forms.CharField(label=_("Fits product model"), required=False, max_length=64)


class PartForm(StyledForm):
    code = forms.CharField(label=_("Part number"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    spec = forms.CharField(label=_("Specification"), max_length=200, required=False)
    uom = forms.CharField(label=_("Unit of measure"), max_length=16, required=False, initial="个")
    cost = forms.DecimalField(label=_("Standard cost (yuan)"), min_value=0, decimal_places=2, max_digits=12, initial=0)
    price = forms.DecimalField(
        label=_("List price (yuan)"),
        min_value=0,
        decimal_places=2,
        max_digits=12,
        required=False,
        help_text=_("Applies once the head of after-sales approves it."),
    )
    major = forms.BooleanField(label=_("Major part (serial number, old part returned)"), required=False)
    products = forms.CharField(
        label=_("Fits product models"), required=False, max_length=2000, help_text=_("Separate models with commas.")
    )
    supplier = forms.CharField(
        label=_("Supplier"),
        max_length=200,
        required=False,
        help_text=_("Old parts returned in warranty are claimed from the supplier."),
    )

    def clean_products(self) -> list[str]:
        return _models_list(self.cleaned_data.get("products"))


def _models_list(raw: Any) -> list[str]:
    text = str(raw or "")
    return [m.strip() for m in text.replace("，", ",").replace("、", ",").split(",") if m.strip()]


class PartEditForm(StyledForm):
    """Change a part on the catalogue page: never its number; its list price changes by a price list."""

    name = forms.CharField(label=_("Name"), max_length=100)
    spec = forms.CharField(label=_("Specification"), max_length=200, required=False)
    uom = forms.CharField(label=_("Unit of measure"), max_length=16)
    standard_cost = forms.DecimalField(label=_("Standard cost (yuan)"), min_value=0, decimal_places=2, max_digits=12)
    major = forms.BooleanField(label=_("Major part (serial number, old part returned)"), required=False)
    supplier = forms.CharField(
        label=_("Supplier"),
        max_length=200,
        required=False,
        help_text=_("Old parts returned in warranty are claimed from the supplier."),
    )
    products = forms.CharField(
        label=_("Fits product models"), required=False, max_length=2000, help_text=_("Separate models with commas.")
    )
    active = forms.BooleanField(
        label=_("In use"), required=False, help_text=_("A part no longer in use cannot be picked or stocked.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_products(self) -> list[str]:
        return _models_list(self.cleaned_data.get("products"))


class ImportForm(StyledForm):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class PriceForm(StyledForm):
    part = forms.ChoiceField(label=pgettext_lazy("spare parts", "Part"), choices=())
    price = forms.DecimalField(label=_("New list price (yuan)"), min_value=0, decimal_places=2, max_digits=12)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, part_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["part"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *(part_choices or [])]
        field.valid_value = lambda value: bool(value)  # type: ignore[method-assign]  # the service checks it


class StoreForm(StyledForm):
    code = forms.CharField(label=_("Store code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=pgettext_lazy("spare parts", "Kind"), choices=StoreKind.choices)
    service_point = forms.ChoiceField(label=_("Service point"), choices=(), required=False)
    engineer = forms.ChoiceField(label=pgettext_lazy("spare parts", "Engineer"), choices=(), required=False)
    customer = forms.CharField(label=_("Customer number"), max_length=16, required=False)

    def __init__(
        self,
        *args: Any,
        points: list[tuple[str, str]] | None = None,
        engineers: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, choices in (("service_point", points), ("engineer", engineers)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *(choices or [])]


class StockFilterForm(StyledForm):
    """The stock and ledger filters; the store select's options are built by the view (500 stores)."""

    store = forms.CharField(label=pgettext_lazy("spare parts", "Store"), required=False, max_length=32)
    q = forms.CharField(label=_("Part number or name"), required=False, max_length=100)
    only = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All lines")), ("available", _("Available only")), ("empty", _("Nothing available"))],
    )


class MovementForm(StyledForm):
    """A receipt into a store, or a transfer between two stores (the parts keeper)."""

    kind = forms.ChoiceField(
        label=pgettext_lazy("spare parts", "Movement"),
        choices=[("receipt", pgettext_lazy("spare parts", "Receipt")), ("transfer", _("Transfer"))],
    )
    store = forms.ChoiceField(label=pgettext_lazy("spare parts", "Store"), choices=())
    to_store = forms.ChoiceField(label=_("To store (transfer)"), choices=(), required=False)
    part = forms.ChoiceField(label=pgettext_lazy("spare parts", "Part"), choices=())
    part_search = forms.CharField(
        label=pgettext_lazy("spare parts", "Search the catalogue"), required=False, max_length=100
    )
    quantity = forms.IntegerField(label=pgettext_lazy("spare parts", "Quantity"), min_value=1, max_value=1_000_000)
    reference = forms.CharField(label=_("Reference (receipt note, requisition)"), max_length=40, required=False)

    def __init__(
        self,
        *args: Any,
        stores: list[tuple[str, str]] | None = None,
        part_choices: list[tuple[str, str]] | None = None,
        options_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("store", "to_store"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", "—"), *(stores or [])]
        part = self.fields["part"]
        assert isinstance(part, forms.ChoiceField)
        part.choices = [("", "—"), *(part_choices or [])]
        part.valid_value = lambda value: bool(value)  # type: ignore[method-assign]  # the service checks it
        self.fields["part_search"].widget.attrs.update(
            {
                "hx-get": options_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#id_part",
                "name": "part_search",
                "autocomplete": "off",
                "type": "search",
            }
        )


class AdjustmentForm(StyledForm):
    store = forms.ChoiceField(label=pgettext_lazy("spare parts", "Store"), choices=())
    part = forms.ChoiceField(label=pgettext_lazy("spare parts", "Part"), choices=())
    part_search = forms.CharField(
        label=pgettext_lazy("spare parts", "Search the catalogue"), required=False, max_length=100
    )
    change = forms.IntegerField(label=_("Change (+ found, − missing)"), min_value=-1_000_000, max_value=1_000_000)
    reason = forms.CharField(label=pgettext_lazy("spare parts", "Reason"), max_length=200)
    reference = forms.CharField(
        label=_("Reference (e.g. the request the part was fitted on)"), max_length=40, required=False
    )

    def __init__(
        self,
        *args: Any,
        stores: list[tuple[str, str]] | None = None,
        part_choices: list[tuple[str, str]] | None = None,
        options_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        store = self.fields["store"]
        assert isinstance(store, forms.ChoiceField)
        store.choices = [("", "—"), *(stores or [])]
        part = self.fields["part"]
        assert isinstance(part, forms.ChoiceField)
        part.choices = [("", "—"), *(part_choices or [])]
        part.valid_value = lambda value: bool(value)  # type: ignore[method-assign]  # the service checks it
        self.fields["part_search"].widget.attrs.update(
            {
                "hx-get": options_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#id_adj-part",
                "name": "adj-part_search",
                "autocomplete": "off",
                "type": "search",
            }
        )
