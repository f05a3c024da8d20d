"""Page forms of the parts flows (P2, P4, P5). They parse input; the services decide what is valid. Action
forms carry the record's `version` (hidden), passed to the service as expected_version."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.core.forms import ActionForm, StyledForm
from aftersales.parts.flow.choices import PartDisposition, PartReturnState, PurchaseRequestState, RequisitionState

LINES = 6  # part lines on the requisition form
MAX_QUANTITY = 1_000_000


def store_choices(stores: Any, *, blank: str = "") -> list[tuple[str, str]]:
    return [("", blank), *[(s.code, f"{s.name} ({s.get_kind_display()})") for s in stores]]


class RequisitionFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(
        label=pgettext_lazy("parts requisitions and returns", "State"),
        required=False,
        choices=[("", _("All states")), *RequisitionState.choices],
    )
    store = forms.ChoiceField(
        label=pgettext_lazy("parts requisitions and returns", "Store"), required=False, choices=[]
    )

    def __init__(self, *args: Any, stores: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["store"]).choices = store_choices(stores, blank=str(_("All stores")))
        self.fields["q"].widget.attrs["placeholder"] = _("Requisition number or reason")


class RequisitionCreateForm(StyledForm):
    """维修点领用配件表: the stores, the reason, the job waiting (optional) and the parts, each picked from the
    catalogue (a search box fills the line's list) with its quantity."""

    from_store = forms.ChoiceField(label=_("Issuing store"), choices=[])
    to_store = forms.ChoiceField(label=_("Receiving store"), choices=[])
    reason = forms.CharField(
        label=pgettext_lazy("parts requisitions and returns", "Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service_request = forms.CharField(label=_("Service request waiting for the parts"), max_length=20, required=False)

    def __init__(
        self, *args: Any, stores: Any = (), part_choices: list[tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["from_store"]).choices = store_choices(stores)
        cast(forms.ChoiceField, self.fields["to_store"]).choices = store_choices(stores)
        for i in range(1, LINES + 1):
            # the picker's options come from the catalogue (parts:part_options); the service checks the code
            self.fields[f"part_{i}"] = forms.CharField(
                label=_("Part %(n)s") % {"n": i},
                required=False,
                max_length=32,
                widget=forms.Select(choices=[("", "—"), *(part_choices or [])]),
            )
            self.fields[f"part_{i}"].widget.attrs["class"] = "form-select part-picker"
            self.fields[f"quantity_{i}"] = forms.IntegerField(
                label=_("Quantity %(n)s") % {"n": i}, required=False, min_value=1, max_value=MAX_QUANTITY
            )
            self.fields[f"quantity_{i}"].widget.attrs["class"] = "form-control"

    def line_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"part_{i}"], self[f"quantity_{i}"]) for i in range(1, LINES + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(1, LINES + 1):
            if data.get(f"part_{i}") and not data.get(f"quantity_{i}"):
                self.add_error(f"quantity_{i}", _("Give a quantity of at least 1."))
        return data

    def lines(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {"part": data[f"part_{i}"], "quantity": data[f"quantity_{i}"]}
            for i in range(1, LINES + 1)
            if data.get(f"part_{i}")
        ]


class DecideForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RefuseForm(ActionForm):
    note = forms.CharField(
        label=pgettext_lazy("parts requisitions and returns", "Reason for the refusal"), max_length=200
    )


class PlainActionForm(ActionForm):
    pass


class ReceiveForm(ActionForm):
    """One field per issued line: the quantity that arrived (default: what was issued)."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args: Any, lines: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.part_codes: list[str] = []
        for line in lines:
            name = f"received_{line.part_id}"
            self.fields[name] = forms.IntegerField(
                label=f"{line.part.code} {line.part.name}",
                min_value=0,
                max_value=line.issued_quantity,
                initial=line.issued_quantity,
            )
            self.fields[name].widget.attrs["class"] = "form-control"
            self.part_codes.append(line.part.code)
        self._lines = list(lines)

    def received_lines(self) -> list[dict[str, Any]]:
        return [
            {"part": line.part.code, "quantity": self.cleaned_data[f"received_{line.part_id}"]} for line in self._lines
        ]


class PartReturnFilterForm(StyledForm):
    engineer = forms.ChoiceField(
        label=pgettext_lazy("parts requisitions and returns", "Engineer"), required=False, choices=[]
    )
    state = forms.ChoiceField(
        label=pgettext_lazy("parts requisitions and returns", "State"),
        required=False,
        choices=[("", _("All states")), *PartReturnState.choices],
        initial=PartReturnState.OUTSTANDING,
    )
    overdue = forms.BooleanField(label=pgettext_lazy("parts requisitions and returns", "Overdue only"), required=False)

    def __init__(self, *args: Any, engineers: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["engineer"]).choices = [
            ("", _("All engineers")),
            *[(str(u.pk), str(u)) for u in engineers],
        ]


class PartReturnReceiveForm(ActionForm):
    part_return = forms.IntegerField(widget=forms.HiddenInput)
    disposition = forms.ChoiceField(label=_("Disposition"), choices=PartDisposition.choices)
    store = forms.ChoiceField(label=_("Defective parts store"), choices=[], required=False)
    old_serial = forms.CharField(label=_("Serial number of the old part"), max_length=64, required=False)
    supplier_name = forms.CharField(label=_("Supplier"), max_length=200, required=False)
    complaint_number = forms.CharField(label=_("Complaint number"), max_length=20, required=False)

    def __init__(self, *args: Any, stores: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["store"]).choices = [(s.code, s.name) for s in stores]


class DemandPlanForm(StyledForm):
    store = forms.ChoiceField(label=pgettext_lazy("parts requisitions and returns", "Store"), choices=[])
    months = forms.IntegerField(label=_("Months of history"), min_value=1, max_value=60, required=False)

    def __init__(self, *args: Any, stores: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["store"]).choices = store_choices(stores)


class PurchaseCreateForm(StyledForm):
    store = forms.CharField(widget=forms.HiddenInput)
    months = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PurchaseFilterForm(StyledForm):
    state = forms.ChoiceField(
        label=pgettext_lazy("parts requisitions and returns", "State"),
        required=False,
        choices=[("", _("All states")), *PurchaseRequestState.choices],
    )
