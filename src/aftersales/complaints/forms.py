"""Page forms of complaints (K2–K13): registration, list filters, one form per move, approvals.

They parse input; the services decide what is valid. Every action form carries the complaint's
`version` (hidden), passed to the service as `expected_version`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aftersales.complaints.choices import ComplaintChannel, ComplaintClass, ComplaintState, Disposition
from aftersales.complaints.selectors import capa_owner_candidates
from aftersales.core.forms import ActionForm, StyledForm
from aftersales.policies.selectors import policy_get

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The staff channels (K2); "web" is the portal's own.
STAFF_CHANNELS = [c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.WEB]


def _text(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _money(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        help_text=help_text,
    )


class CustomerSearchForm(StyledForm):
    q = forms.CharField(label=_("Phone or name"), required=False, max_length=100)


class _RegistrationFields(StyledForm):
    """K4: what the customer tells us, shared by the staff and the portal forms."""

    complaint_class = forms.ChoiceField(label=_("Class"), choices=ComplaintClass.choices)
    description = forms.CharField(label=_("Description"), widget=_text(3), max_length=4000)
    order_number = forms.CharField(label=_("Order number"), max_length=40, required=False)
    batch_number = forms.CharField(label=_("Part or batch number"), max_length=40, required=False)
    ship_date = forms.DateField(label=_("Ship date"), required=False, widget=forms.DateInput)
    quantity = forms.IntegerField(label=_("Quantity"), required=False, min_value=0)
    defective_quantity = forms.IntegerField(label=_("Defective quantity"), required=False, min_value=0)
    customer_request = forms.CharField(
        label=_("What the customer asks for"), widget=_text(2), max_length=4000, required=False
    )
    amount_claimed = _money(_("Amount claimed (yuan)"))
    samples = forms.CharField(label=_("Samples"), widget=_text(2), max_length=4000, required=False)

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "complaint_class": data["complaint_class"],
            "description": data["description"],
            "order_number": data["order_number"],
            "batch_number": data["batch_number"],
            "ship_date": data["ship_date"],
            "quantity": data["quantity"],
            "defective_quantity": data["defective_quantity"],
            "customer_request": data["customer_request"],
            "amount_claimed": data["amount_claimed"] if data["amount_claimed"] is not None else Decimal(0),
            "samples": data["samples"],
        }


class ComplaintRegisterForm(_RegistrationFields):
    """K2, K4, K6: the staff registration form (whoever receives the complaint registers it)."""

    customer = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=STAFF_CHANNELS, initial=ComplaintChannel.PHONE)
    loss_amount = _money(_("Loss (yuan)"))
    media_exposure = forms.BooleanField(label=_("Media exposure"), required=False)
    industry_inspection = forms.BooleanField(label=_("Industry inspection"), required=False)
    service_request = forms.CharField(  # the number; the options come from complaints:service_request_options
        label=_("Service request"),
        max_length=20,
        required=False,
        widget=forms.Select,
        help_text=_("Optional: a service request of this customer the complaint is about."),
    )
    callback = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("Only when registering a complaint received earlier; empty = now."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # K6: the threshold is policy, so the hint reads it rather than repeating the SPEC default.
        self.fields["loss_amount"].help_text = _(
            "The customer's loss; %(amount)s yuan or more makes a major complaint (K6)."
        ) % {"amount": policy_get("K6.major_loss_yuan").value}
        # The customer's service requests are loaded by htmx; the posted value is kept as the one option.
        customer = str(self.data.get("customer") or self.initial.get("customer") or "")
        chosen = str(self.data.get("service_request") or "") if self.is_bound else ""
        widget = self.fields["service_request"].widget
        widget.choices = [("", "—"), *([(chosen, chosen)] if chosen else [])]
        if customer.isdigit():
            widget.attrs.update(
                {
                    "hx-get": f"{reverse('complaints:service_request_options')}?customer={customer}&selected={chosen}",
                    "hx-trigger": "load",
                    "hx-swap": "innerHTML",
                }
            )

    field_order = [
        "customer",
        "complaint_class",
        "channel",
        "description",
        "order_number",
        "batch_number",
        "ship_date",
        "quantity",
        "defective_quantity",
        "customer_request",
        "amount_claimed",
        "loss_amount",
        "media_exposure",
        "industry_inspection",
        "samples",
        "service_request",
        "callback",
        "received_at",
    ]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **super().service_values(),
            "customer_id": data["customer"],
            "channel": data["channel"],
            "loss_amount": data["loss_amount"],
            "media_exposure": data["media_exposure"],
            "industry_inspection": data["industry_inspection"],
            "service_request": data["service_request"],
            "callback": data["callback"],
            "received_at": data["received_at"],
        }


class PortalComplaintForm(_RegistrationFields):
    """K2, K4 on the portal: the customer files a complaint for their own organisation (channel: web)."""


class ComplaintFilterForm(StyledForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Number, customer, description, order or batch number"),
    )
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *ComplaintState.choices]
    )
    major = forms.BooleanField(label=_("Major only"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def selector_filters(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "state": data.get("state") or "",
            "major": True if data.get("major") else None,
            "overdue": bool(data.get("overdue")),
            "q": (data.get("q") or "").strip(),
        }


# --- actions on one complaint ---------------------------------------------------------------


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), widget=_text(2), max_length=4000, required=False)


class DecideForm(ActionForm):
    """K9: the disposition and solution; an amount beyond the decider's authority waits for K7."""

    # K9: no default; an unchosen disposition is refused with its message (issue 13 point 13)
    disposition = forms.ChoiceField(
        label=_("Disposition"),
        choices=[("", _("— choose the disposition —")), *Disposition.choices],
        error_messages={"required": _("Choose the disposition (return, exchange, guidance …).")},
    )
    decision = forms.CharField(label=_("Solution offered"), widget=_text(2), max_length=4000)
    amount = _money(_("Amount granted (yuan)"), help_text=_("Compensation or discount; 0 when none."))
    internal_handling = forms.CharField(
        label=_("Internal handling (never shown to the customer)"), widget=_text(2), max_length=4000, required=False
    )

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "disposition": data["disposition"],
            "decision": data["decision"],
            "amount": data["amount"] if data["amount"] is not None else Decimal(0),
            "internal_handling": data["internal_handling"],
        }


class ReassignForm(ActionForm):
    """K2: give the complaint to another handler (shown by display name)."""

    owner = forms.ChoiceField(
        label=_("New owner"), error_messages={"required": _("Choose an active colleague who handles complaints.")}
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from aftersales.complaints.selectors import complaint_handlers

        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("— choose —")), *((user.username, str(user)) for user in complaint_handlers())]


class EscalateForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class ReplyForm(ActionForm):
    public_reply = forms.CharField(
        label=_("Reply to the customer"),
        widget=_text(4),
        max_length=4000,
        help_text=_("This text goes to the customer in the reply letter (K11)."),
    )


class ImplementForm(ActionForm):
    """K8: responsibility, recorded when the solution has been carried out."""

    note = forms.CharField(label=_("Note"), widget=_text(2), max_length=4000, required=False)
    human_factor = forms.BooleanField(label=_("Human factor (negligence)"), required=False)
    responsible_department = forms.CharField(label=_("Responsible department"), max_length=64, required=False)
    responsible_person = forms.CharField(label=_("Responsible person (user name)"), max_length=150, required=False)
    loss_amount = _money(_("Loss (yuan)"))


class CloseForm(ActionForm):
    unfounded = forms.BooleanField(
        label=_("Unfounded complaint (receivables collected on schedule, K13)"), required=False
    )


class RejectForm(ActionForm):
    reason = forms.CharField(label=_("What does the customer not accept?"), max_length=200)


class ApprovalDecideForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# --- follow-up (K8, K13–K15) ---------------------------------------------------------------------


class ReviewPeriodForm(StyledForm):
    """K8: the month whose review is prepared."""

    period = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)


class ReviewNoteForm(ActionForm):
    """K8: prepare again, submit, approve or refuse the review (version-checked)."""

    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=_text(2))


class TaskDoneForm(StyledForm):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


def person_name(user: Any) -> str:
    """A user as pickers show them: the display name or full name, never the login name."""
    return (
        user.display_name
        or user.get_full_name()
        or str(_("Colleague without a name on file (no. %(id)s)") % {"id": user.pk})
    )


class CapaPlanForm(StyledForm):
    """K14: is improvement needed; the measures, their owner and due date."""

    needed = forms.BooleanField(label=_("Improvement needed"), required=False, initial=True)
    measures = forms.CharField(label=_("Measures"), widget=_text(2), max_length=4000, required=False)
    owner = forms.ChoiceField(label=_("Owner"), required=False, help_text=_("Empty: yourself."))
    due_date = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # K14: picked by name among those who may carry out corrective actions (the value stays the
        # account the service expects; the user sees names only).
        cast("forms.ChoiceField", self.fields["owner"]).choices = [
            ("", "—"),
            *((u.username, person_name(u)) for u in capa_owner_candidates()),
        ]


class CapaDoneForm(StyledForm):
    capa = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("What was done"), max_length=2000, required=False)


class CapaVerifyForm(StyledForm):
    capa = forms.IntegerField(widget=forms.HiddenInput)
    effective = forms.BooleanField(label=_("Effective"), required=False, initial=True)
    note = forms.CharField(label=_("Verification"), max_length=2000, required=False)
