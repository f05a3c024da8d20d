"""Forms of the early-warning (Q3), risk-register (X5), retention (Q6) and register (Q7) pages."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.accounts.models import User
from aftersales.complaints.forms import CapaDoneForm, CapaPlanForm, CapaVerifyForm, person_name
from aftersales.core.forms import StyledForm
from aftersales.reports.forms import last_month
from aftersales.reports.quality_models import WarningKind, WarningState, WarningWindow
from aftersales.service.choices import Channel

ANY = [("", pgettext_lazy("filter", "All"))]


class WarningFilterForm(StyledForm):
    state = forms.ChoiceField(label=_("State"), choices=ANY + list(WarningState.choices), required=False)
    window = forms.ChoiceField(label=_("Window"), choices=ANY + list(WarningWindow.choices), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ANY + list(WarningKind.choices), required=False)
    product = forms.CharField(label=_("Product model"), max_length=64, required=False)


class WarningCloseForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class WarningCapaForm(CapaPlanForm):
    """Close with a corrective action planned on the warning (K14): the measures, owner, due date."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["needed"]
        self.fields["measures"].required = True


class WarningLinkForm(StyledForm):
    """Close with an existing corrective action (e.g. one planned on a complaint), by its number."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    capa = forms.IntegerField(label=_("Corrective action no."), min_value=1, max_value=2**31 - 1)


class WarningCapaDoneForm(CapaDoneForm):
    """K14 on the warning's page: the linked action's measures are carried out (no hidden action number)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["capa"]


class WarningCapaVerifyForm(CapaVerifyForm):
    """K14 on the warning's page: quality's verdict; not effective needs the reason."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["capa"]


def _people() -> list[tuple[str, str]]:
    users = User.objects.filter(is_active=True).exclude(groups__name="customer").order_by("username")
    return [(u.username, person_name(u)) for u in users]


class RiskForm(StyledForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("Risk"), max_length=200)
    description = forms.CharField(
        label=pgettext_lazy("risk", "Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), coerce=int)
    owner = forms.ChoiceField(label=_("Owner"))
    mitigation = forms.CharField(label=_("Mitigation"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    review_on = forms.DateField(label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"}))
    closed = forms.BooleanField(label=pgettext_lazy("risk", "Closed"), required=False)

    def __init__(self, *args: Any, levels: tuple[int, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        likelihood, impact = levels
        cast("forms.TypedChoiceField", self.fields["likelihood"]).choices = [
            (n, str(n)) for n in range(1, likelihood + 1)
        ]
        cast("forms.TypedChoiceField", self.fields["impact"]).choices = [(n, str(n)) for n in range(1, impact + 1)]
        cast("forms.ChoiceField", self.fields["owner"]).choices = [("", "—"), *_people()]


class RetentionConfirmForm(StyledForm):
    kind = forms.CharField(widget=forms.HiddenInput, max_length=32)
    expected = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    confirm = forms.BooleanField(label=_("I have checked the count: archive these records and remove them"))


class RegisterForm(StyledForm):
    """The period of a register (default: last month) and its filters."""

    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("Channel"), choices=ANY + list(Channel.choices), required=False)
    kind = forms.ChoiceField(
        label=_("Intake"),
        choices=[*ANY, ("request", _("Service requests")), ("complaint", _("Complaints"))],
        required=False,
    )
    engineer = forms.ChoiceField(label=_("Engineer"), required=False)

    def __init__(self, data: Any = None, **kwargs: Any) -> None:
        start, end = last_month()
        values: dict[str, Any] = {"date_from": start, "date_to": end}
        if data:
            values |= {k: v for k, v in data.items() if k in self.base_fields and v}
        super().__init__(values, **kwargs)
        engineers = User.objects.filter(groups__name="engineer").order_by("username")
        cast("forms.ChoiceField", self.fields["engineer"]).choices = [
            *ANY,
            *((u.username, person_name(u)) for u in engineers),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            raise forms.ValidationError(_("The end of the period is before its start."))
        if start and end and (end - start).days > 3660:
            raise forms.ValidationError(_("The period is longer than ten years."))
        return data
