"""Page forms of returns and exchanges (R1–R4). They parse input; the services decide what is valid.

Every action form carries the return's `version` (hidden), passed to the service as
`expected_version`, so two people acting on the same return get a clear conflict instead of one
silently overwriting the other.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import ActionForm, StyledForm
from aftersales.returns.choices import ReturnCondition, ReturnDisposition, ReturnKind, ReturnState

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
MAX_QUANTITY = 1_000_000
MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": 0}


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReturnFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *ReturnState.choices])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Return number, order number or customer")


class ReturnCreateForm(StyledForm):
    """退库产品申请单: the request, with the R1 condition it relies on and that condition's fields."""

    customer = forms.CharField(
        label=_("Customer"), max_length=100, help_text=_("The customer number, or a name that matches one customer.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=ReturnKind.choices, initial=ReturnKind.RETURN)
    condition = forms.ChoiceField(
        label=_("R1 condition"), choices=ReturnCondition.choices, widget=forms.RadioSelect, initial=""
    )
    serial = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    model = forms.CharField(
        label=_("Product model"), max_length=64, required=False, help_text=_("Only when no serial number is given.")
    )
    order_number = forms.CharField(label=_("Order number"), max_length=40)
    ship_date = forms.DateField(label=_("Ship date"), widget=forms.DateInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)
    unit_price = forms.DecimalField(label=_("Unit price (yuan)"), **MONEY)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=_text(3))
    # R1, first case: just shipped, unopened, another model wanted
    unopened = forms.BooleanField(label=_("Unopened"), required=False)
    wanted_model = forms.CharField(label=_("Model wanted instead"), max_length=64, required=False)
    # R1, second case: a quality defect verified and signed by the responsible manager
    verified_by = forms.CharField(label=_("Verified by (manager's user name)"), max_length=150, required=False)
    verified_at = forms.DateTimeField(
        label=_("Verified at"),
        required=False,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )
    disposition = forms.ChoiceField(
        label=_("Disposition"), required=False, choices=[("", "—"), *ReturnDisposition.choices]
    )
    basis = forms.CharField(label=_("Basis"), max_length=4000, required=False, widget=_text(2))
    complaint_number = forms.CharField(label=_("Complaint number"), max_length=20, required=False)
    internal_note = forms.CharField(label=_("Internal note"), max_length=4000, required=False, widget=_text(2))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # RadioSelect gets form-check-input on each option, not form-select.
        self.fields["condition"].widget.attrs["class"] = "form-check-input"

    def service_values(self, customer_id: int) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "customer_id": customer_id,
            "kind": data["kind"],
            "condition": data["condition"],
            "serial": data["serial"],
            "model": data["model"],
            "wanted_model": data["wanted_model"],
            "order_number": data["order_number"],
            "ship_date": data["ship_date"],
            "quantity": data["quantity"],
            "unit_price": data["unit_price"],
            "reason": data["reason"],
            "unopened": data["unopened"],
            "verified_by": data["verified_by"],
            "verified_at": data["verified_at"],
            "disposition": data["disposition"],
            "basis": data["basis"],
            "complaint_number": data["complaint_number"],
            "internal_note": data["internal_note"],
        }


# --- actions on a return ---------------------------------------------------------------------


class ApproveForm(ActionForm):
    approved_quantity = forms.IntegerField(
        label=_("Approved quantity"),
        min_value=1,
        max_value=MAX_QUANTITY,
        required=False,
        help_text=_("Empty = the whole quantity requested."),
    )
    disposition = forms.ChoiceField(label=_("Disposition"), choices=[("", "—"), *ReturnDisposition.choices])
    basis = forms.CharField(label=_("Basis"), max_length=4000, required=False, widget=_text(2))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class RefuseForm(ActionForm):
    note = forms.CharField(label=_("Reason for the refusal"), max_length=200)


class ReceiveForm(ActionForm):
    quantity = forms.IntegerField(label=_("Received quantity"), min_value=0, max_value=MAX_QUANTITY)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BookForm(ActionForm):
    pass


class ReissueForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# --- R4: the sales discount certificate ------------------------------------------------------


class CertificateForm(StyledForm):
    """销货折扣证明单, signed by the VP who fills it in; the customer's signature is recorded by name."""

    customer = forms.CharField(
        label=_("Customer"), max_length=100, help_text=_("The customer number, or a name that matches one customer.")
    )
    amount = forms.DecimalField(label=_("Amount (yuan)"), **MONEY)
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=_text(3))
    return_number = forms.CharField(label=_("Return number"), max_length=20, required=False)
    complaint_number = forms.CharField(label=_("Complaint number"), max_length=20, required=False)
    customer_signed = forms.BooleanField(label=_("Signed by the customer"), required=False)
    customer_signed_by_name = forms.CharField(label=_("Customer signatory"), max_length=64, required=False)

    def service_values(self, customer_id: int) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "customer_id": customer_id,
            "amount": data["amount"],
            "reason": data["reason"],
            "return_number": data["return_number"],
            "complaint_number": data["complaint_number"],
            "customer_signed": data["customer_signed"],
            "customer_signed_by_name": data["customer_signed_by_name"],
        }


class CertificateDecideForm(StyledForm):
    """Approve or refuse a certificate waiting for its K7 approval (the button names the action)."""

    note = forms.CharField(label=_("Note"), max_length=200, required=False)
