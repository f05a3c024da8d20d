"""Policy pages: the table of regulation values, one page to change a value, the version history."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import actor_for
from aftersales.calendars.choices import DurationUnit
from aftersales.core.errors import DomainError
from aftersales.policies import selectors, services
from aftersales.policies.defaults import POLICIES
from aftersales.policies.forms import PolicyValueForm
from aftersales.policies.models import PolicyVersion


def _readable(value: Any) -> str:
    """A deadline policy ({"amount": 4, "unit": "working_hours"}) as "4 工作小时"; other values as nothing."""
    if isinstance(value, dict) and set(value) == {"amount", "unit"} and value["unit"] in DurationUnit.values:
        return f"{value['amount']} {DurationUnit(value['unit']).label}"
    return ""


@login_required
@permission_required("policies.view_policyversion", raise_exception=True)
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {"definition": d, "current": v, "json": json.dumps(v.value, ensure_ascii=False), "readable": _readable(v.value)}
        for d, v in selectors.policy_table()
    ]
    can_change = actor_for(request.user).has_perm("policies.add_policyversion")
    return render(
        request,
        "policies/list.html",
        {"rows": rows, "versions": selectors.policy_version_list()[:20], "can_change": can_change},
    )


@login_required
@permission_required("policies.add_policyversion", raise_exception=True)
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    definition = POLICIES.get(key)
    if definition is None:
        raise Http404
    current = selectors.policy_get(key)
    initial = {"value": json.dumps(current.value, ensure_ascii=False)}
    form = PolicyValueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.policy_set(
                actor=actor_for(request.user), key=key, value=form.cleaned_data["value"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error("value", str(exc.message))
        else:
            if isinstance(version, PolicyVersion):
                messages.success(request, _("Saved as policy version %(n)s.") % {"n": version.number})
            else:  # an approval policy: the change waits for the general manager
                messages.success(request, _("The change waits for the general manager's approval."))
            return redirect("policies:list")
    return render(request, "policies/edit.html", {"form": form, "definition": definition, "current": current})
