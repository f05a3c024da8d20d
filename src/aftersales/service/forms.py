"""Page forms of the service case (S1–S16). They parse input; the services decide what is valid.

Every action form carries the request's `version` (hidden), passed to the service as
`expected_version`, so two people acting on the same request get a clear conflict instead of
one silently overwriting the other.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.formrender import FAST_WIDGETS
from aftersales.core.forms import ActionForm, StyledForm
from aftersales.installed_base.choices import ChargingType
from aftersales.service.choices import (
    ApprovalKind,
    Channel,
    FaultCodeKind,
    Priority,
    RequestState,
    Resolution,
    ServiceKind,
)

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _datetime_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def _text(rows: int = 2, **attrs: Any) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, **attrs})


# --- intake (S1–S5) --------------------------------------------------------------------------


class CustomerSearchForm(StyledForm):
    q = forms.CharField(label=_("Phone or name"), required=False, max_length=100)


def code_choices(codes: list[Any]) -> list[tuple[str, str]]:
    """Fault codes (service.FaultCode) as select options: the name, then its synonyms (what the search matches)."""
    out = []
    for code in codes:
        synonyms = code.synonym_list()
        out.append((str(code.pk), f"{code.name} · {'、'.join(synonyms)}" if synonyms else code.name))
    return out


class IntakeForm(StyledForm):
    """S1 service register. `unit` lists the chosen customer's units; empty = not registered (type the model)."""

    customer = forms.IntegerField(widget=forms.HiddenInput)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    model = forms.CharField(
        label=_("Model (unit not registered)"),
        max_length=64,
        required=False,
        help_text=_("Only when the unit is not in the installed base."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.GENERAL)
    kind = forms.ChoiceField(label=_("Service kind"), choices=ServiceKind.choices, initial=ServiceKind.REPAIR)
    symptom_code = forms.ChoiceField(
        label=_("Symptom (from the list)"),
        required=False,
        help_text=_("The list of the unit's product category; used to flag repeat repairs."),
    )
    symptom = forms.CharField(
        label=_("Symptom"),
        max_length=64,
        required=False,
        help_text=_("A short category, e.g. spindle noise; used to flag repeat repairs (S15)."),
    )
    fault = forms.CharField(label=_("Fault description"), widget=_text(3))
    contact_name = forms.CharField(label=_("Contact"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=_datetime_widget(),
        help_text=_("Only when registering a request received earlier; empty = now."),
    )

    def __init__(
        self,
        *args: Any,
        unit_choices: list[tuple[str, str]] | None = None,
        symptom_codes: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["unit"]).choices = [
            ("", _("— not registered: type the model —")),
            *(unit_choices or []),
        ]
        cast("forms.ChoiceField", self.fields["symptom_code"]).choices = [("", "—"), *code_choices(symptom_codes or [])]

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "customer_id": data["customer"],
            "serial": data["unit"] or "",
            "model": data["model"],
            "channel": data["channel"],
            "priority": data["priority"],
            "kind": data["kind"],
            "symptom": data["symptom"],
            "symptom_code_id": data["symptom_code"] or None,
            "fault": data["fault"],
            "contact_name": data["contact_name"],
            "phone": data["phone"],
            "address": data["address"],
            "received_at": data["received_at"],
        }


# --- list filters ----------------------------------------------------------------------------


class RequestFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All states")), *RequestState.choices])
    engineer = forms.ChoiceField(label=_("Engineer"), required=False)
    service_point = forms.ChoiceField(label=_("Service point"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args: Any,
        engineers: list[tuple[str, str]] | None = None,
        points: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["engineer"]).choices = [("", _("All engineers")), *(engineers or [])]
        cast("forms.ChoiceField", self.fields["service_point"]).choices = [
            ("", _("All service points")),
            *(points or []),
        ]
        self.fields["q"].widget.attrs["placeholder"] = _("Number, customer, serial number or phone")

    def selector_filters(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "q": data.get("q") or "",
            "state": data.get("state") or "",
            "engineer": data.get("engineer") or "",
            "service_point": data.get("service_point") or "",
            "overdue": bool(data.get("overdue")),
        }


# --- actions on a request --------------------------------------------------------------------


class DispatchForm(ActionForm):
    # Drawn once per row on the dispatch board: widgets written without the template engine, same
    # HTML (core.formrender, docs/decisions/0027).
    default_renderer = FAST_WIDGETS
    engineer = forms.CharField(label=_("Engineer"), max_length=150, widget=forms.Select)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        suggestions: list[dict[str, Any]] | None = None,
        choices: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`choices`: engineer_choices(suggestions) when already made (the board: once per place)."""
        super().__init__(*args, **kwargs)
        options = choices if choices is not None else engineer_choices(suggestions or [])
        self.fields["engineer"].widget.choices = [("", "—"), *options]
        self.fields["note"].widget.attrs["placeholder"] = _("Note")


def engineer_choices(suggestions: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Ranked suggestions (selectors.engineer_suggestions) as select options: name · same point · open load."""
    out = []
    for row in suggestions:
        user = row["user"]
        parts = [str(user)]
        if row["same_point"]:
            parts.append(str(_("same service point")))
        parts.append(str(_("%(n)s open jobs")) % {"n": row["open_jobs"]})
        if row.get("certified"):
            parts.append(str(_("certified")))
        out.append((user.username, " · ".join(parts)))
    return out


class CancelForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CloseForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ChargingForm(ActionForm):
    charging_type = forms.ChoiceField(label=_("Charging type"), choices=ChargingType.choices)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class BookForm(ActionForm):
    confirmed_fault = forms.CharField(label=_("Fault confirmed with the customer"), widget=_text(2), required=False)
    visit_at = forms.DateTimeField(label=_("Visit time"), widget=_datetime_widget())


class ArriveForm(ActionForm):
    pass


class StepForm(ActionForm):
    text = forms.CharField(label=_("Work step"), widget=_text(2))


class PartForm(ActionForm):
    """P3: the part is picked from the catalogue (a search box refreshes the options over htmx; the
    engineer's van stock is offered first), never typed; the store defaults to the van stock."""

    part_search = forms.CharField(label=_("Search the catalogue"), required=False, max_length=100)
    part = forms.ChoiceField(label=_("Part"), choices=())
    store = forms.ChoiceField(label=_("Taken from"), choices=(), required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100_000, initial=1)
    serial = forms.CharField(label=_("Serial number fitted (major parts)"), max_length=64, required=False)
    old_serial = forms.CharField(label=_("Serial number removed"), max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        part_choices: list[tuple[str, str]] | None = None,
        store_choices: list[tuple[str, str]] | None = None,
        options_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        part_field = self.fields["part"]
        store_field = self.fields["store"]
        assert isinstance(part_field, forms.ChoiceField)
        assert isinstance(store_field, forms.ChoiceField)
        part_field.choices = [("", "—"), *(part_choices or [])]
        store_field.choices = [("", _("My van stock")), *(store_choices or [])]
        # The posted part may come from a search (options loaded over htmx): the service checks it.
        part_field.valid_value = lambda value: bool(value)  # type: ignore[method-assign]  # any posted part passes here; the service validates it
        self.fields["part_search"].widget.attrs.update(
            {
                "hx-get": options_url,
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": f"#id_{self.add_prefix('part')}",
                "hx-include": "this",
                "name": self.add_prefix("part_search"),
                "autocomplete": "off",
                "type": "search",
            }
        )


class WaitPartsForm(ActionForm):
    reason = forms.CharField(label=_("Parts needed"), max_length=200, required=False)


class PartsArrivedForm(ActionForm):
    pass


class CustomerUnavailableForm(ActionForm):
    """客户暂不方便: why, and until when if the customer said."""

    note = forms.CharField(label=_("Why is the customer unavailable (until when)?"), max_length=200, widget=_text(2))


class CustomerAvailableForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ApprovalRequestForm(ActionForm):
    kind = forms.ChoiceField(label=_("Ask for"), choices=ApprovalKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=_text(2))
    cost = forms.DecimalField(label=_("Travel cost (yuan)"), min_value=0, decimal_places=2, required=False)


class DepotForm(ActionForm):
    reason = forms.CharField(label=_("Reason (customer agreed)"), max_length=200, required=False)


class CompleteForm(ActionForm):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices, initial=Resolution.ON_SITE)
    work_summary = forms.CharField(label=_("Work done"), widget=_text(3))
    labour_minutes = forms.IntegerField(label=_("Labour (minutes)"), min_value=0, required=False)
    cause_code = forms.ChoiceField(label=_("Cause found"), required=False)
    confirmed_symptom_code = forms.ChoiceField(
        label=_("Symptom found (if different)"),
        required=False,
        help_text=_("Only when the fault was not the one registered."),
    )
    self_check_passed = forms.BooleanField(label=_("Self-check passed: machine tested, site cleaned"), required=False)

    def __init__(
        self, *args: Any, cause_codes: list[Any] | None = None, symptom_codes: list[Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["cause_code"]).choices = [("", "—"), *code_choices(cause_codes or [])]
        cast("forms.ChoiceField", self.fields["confirmed_symptom_code"]).choices = [
            ("", "—"),
            *code_choices(symptom_codes or []),
        ]


class SignForm(ActionForm):
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    signed_by_name = forms.CharField(label=_("Name of the person signing"), max_length=64)


class ReopenForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


# --- board rows ------------------------------------------------------------------------------


class ApprovalDecideForm(StyledForm):
    approval = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class TaskDoneForm(StyledForm):
    task = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# --- paid service on the engineer's phone (B1) ---------------------------------------------------


class QuoteOnSiteForm(ActionForm):
    """The parts already recorded on the job are quoted as they are; only the labour is given here."""

    labour_hours = forms.DecimalField(label=_("Labour (hours)"), min_value=0, max_digits=8, decimal_places=2)
    note = forms.CharField(label=_("Note for the customer"), max_length=2000, required=False, widget=_text(2))


class QuoteSignForm(ActionForm):
    """The customer accepts the quotation and signs on the engineer's phone."""

    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    customer_name = forms.CharField(label=_("Customer's name"), max_length=64)
    payment_date = forms.DateField(
        label=_("Payment date agreed with the customer"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class QuoteRefuseForm(ActionForm):
    reason = forms.CharField(label=_("Why the customer declines"), max_length=200)
    customer_name = forms.CharField(label=_("Customer's name"), max_length=64, required=False)


class CashCollectForm(ActionForm):
    """The agreed price, collected in cash on site (the amount is the agreed price, shown on the page)."""


# --- fault codes (managed list) --------------------------------------------------------------


class FaultCodeForm(StyledForm):
    """A symptom or cause code of the managed list; the category is a product category or empty (all)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=FaultCodeKind.choices)
    category = forms.ChoiceField(label=_("Product category"), required=False)
    code = forms.CharField(label=_("Code"), max_length=16)
    name = forms.CharField(label=_("Name"), max_length=64)
    synonyms = forms.CharField(
        label=_("Synonyms"),
        required=False,
        widget=_text(3),
        help_text=_("What callers and engineers say instead, one per line; the pickers search them."),
    )

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["category"]).choices = [
            ("", _("Every product category")),
            *((c, c) for c in categories or []),
        ]


class FaultCodeEditForm(FaultCodeForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    active = forms.BooleanField(label=_("Active (offered in the pickers)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["kind"]  # a symptom does not become a cause: add a new code instead


class FaultCodeFilterForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Both kinds")), *FaultCodeKind.choices])
    category = forms.ChoiceField(label=_("Product category"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=64)

    def __init__(self, *args: Any, categories: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["category"]).choices = [
            ("", _("All categories")),
            *((c, c) for c in categories or []),
        ]
