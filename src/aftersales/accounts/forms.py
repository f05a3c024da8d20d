"""Forms of the accounts pages: API tokens, the user administration (issue 12) and one's own password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import Role
from aftersales.accounts.models import Department, ServicePoint
from aftersales.core.forms import StyledForm


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=64, widget=forms.TextInput(attrs={"class": "form-control"})
    )


ACTIVE_CHOICES = [("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))]


class UserFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices])
    active = forms.ChoiceField(label=_("Account"), required=False, choices=ACTIVE_CHOICES)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"1": True, "0": False}.get(data.get("active") or "")
        return {"q": data.get("q") or "", "role": data.get("role") or "", "active": active}


class UserCreateForm(StyledForm):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.all(), required=False)
    service_point = forms.ModelChoiceField(
        label=_("Service point"), queryset=ServicePoint.objects.all(), required=False
    )
    customer = forms.CharField(label=_("Customer number (portal users)"), required=False, max_length=32)
    password = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits, not like the username."),
    )


class RoleForm(StyledForm):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class PasswordResetForm(StyledForm):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits, not like the username."),
    )


class PasswordChangeForm(StyledForm):
    old_password = forms.CharField(
        label=_("Current password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters, not a common password, not only digits, not like the username."),
    )
