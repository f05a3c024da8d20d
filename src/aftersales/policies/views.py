"""Policy pages: the table of regulation values, the editor (a form per value shape, with a preview of
what the change moves), and each key's history."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from aftersales.accounts.selectors import actor_for
from aftersales.core.errors import Conflict, DomainError
from aftersales.policies import selectors, services, shapes
from aftersales.policies.defaults import POLICIES, PolicyDef
from aftersales.policies.forms import PolicyChangeForm, policy_form
from aftersales.policies.models import PolicyVersion


def _definition(key: str) -> PolicyDef:
    definition = POLICIES.get(key)
    if definition is None:
        raise Http404
    return definition


@login_required
@permission_required("policies.view_policyversion", raise_exception=True)
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "definition": d,
            "current": v,
            "text": shapes.value_text(d, v.value),
            "default_text": shapes.value_text(d, selectors.policy_default(d.key)),
            "pending": selectors.policy_pending(d.key),
        }
        for d, v in selectors.policy_table()
    ]
    for row in rows:
        row["pending_text"] = [
            (p, shapes.value_text(row["definition"], p.values.get(row["definition"].key))) for p in row["pending"]
        ]
    can_change = actor_for(request.user).has_perm("policies.add_policyversion")
    return render(request, "policies/list.html", {"rows": rows, "can_change": can_change})


def _value_errors(form: PolicyChangeForm, exc: DomainError) -> None:
    """A refusal of the service next to the field it concerns (the first value field by default)."""
    target = form.value_fields[0] if form.value_fields else None
    form.add_error(target, str(exc.message))


def _validate(form: PolicyChangeForm) -> Any:
    """The value the form describes, checked against the key's type; None (with field errors) if refused."""
    value = form.value_of()
    try:
        return form.definition.validate(value)
    except ValidationError as exc:
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            name = loc[0] if loc and loc[0] in form.fields else (form.value_fields[0] if form.value_fields else None)
            if name is not None and name in form.errors:
                continue
            form.add_error(name, _("This value is not valid (%(detail)s).") % {"detail": error["msg"]})
        return None


@login_required
@permission_required("policies.add_policyversion", raise_exception=True)
def policy_edit(request: HttpRequest, key: str) -> HttpResponse:
    definition = _definition(key)
    current = selectors.policy_get(key)
    shape = shapes.policy_shape(definition)
    clocks = shape == shapes.DURATION or selectors.policy_governs_clocks(key)
    form = policy_form(
        definition,
        value=current.value,
        data=request.POST if request.method == "POST" else None,
        expected_version=selectors.policy_key_version(key),
        clocks=clocks,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        value = _validate(form)
        if value is not None and request.POST.get("action") != "save":
            preview = selectors.policy_change_preview(
                key, value, effective_from=form.cleaned_data.get("effective_from")
            )
        elif value is not None:
            try:
                result = services.policy_set(
                    actor=actor_for(request.user),
                    key=key,
                    value=value,
                    note=form.cleaned_data["note"],
                    effective_from=form.cleaned_data.get("effective_from"),
                    recompute_clocks=bool(form.cleaned_data.get("recompute_clocks")),
                    expected_version=form.cleaned_data.get("expected_version"),
                )
            except Conflict as exc:
                form.add_error(None, str(exc.message))
            except DomainError as exc:
                _value_errors(form, exc)
            else:
                if isinstance(result, PolicyVersion):
                    when = (
                        _("now")
                        if result.effective_from <= result.created_at
                        else timezone.localtime(result.effective_from).strftime("%Y-%m-%d %H:%M")
                    )
                    text = shapes.value_text(definition, value)
                    messages.success(
                        request,
                        _("Saved: “%(label)s” is %(value)s from %(when)s.")
                        % {"label": definition.label, "value": text, "when": when},
                    )
                else:  # an approval policy: the change waits for the general manager
                    messages.success(request, _("The change waits for the general manager's approval."))
                return redirect("policies:history", key=key)
    form.focus_first_error()
    return render(
        request,
        "policies/edit.html",
        {
            "form": form,
            "definition": definition,
            "shape": shape,
            "current": current,
            "current_text": shapes.value_text(definition, current.value),
            "default_text": shapes.value_text(definition, selectors.policy_default(key)),
            "preview": preview,
            "preview_old": shapes.value_text(definition, preview.old) if preview else "",
            "preview_new": shapes.value_text(definition, preview.new) if preview else "",
            "needs_approval": services.policy_needs_approval(key),
            "pending": selectors.policy_pending(key),
        },
    )


def _diff(definition: PolicyDef, old: Any, new: Any) -> list[tuple[str, str, str]]:
    """(what, old, new) per part that changed: the fields of a structured value, or the value itself."""
    shape = shapes.policy_shape(definition)
    if shape == shapes.LADDERS and isinstance(old, dict) and isinstance(new, dict):
        rows = []
        a, b = old.get("ladders", {}), new.get("ladders", {})
        for kind in [*a, *[k for k in b if k not in a]]:
            if a.get(kind) != b.get(kind):
                rows.append(
                    (
                        shapes.kind_label(kind),
                        "；".join(shapes.ladder_step_text(s) for s in a.get(kind, [])) or "—",
                        "；".join(shapes.ladder_step_text(s) for s in b.get(kind, [])) or "—",
                    )
                )
        return rows
    if shape in {shapes.TIERS, shapes.LIMITS} and isinstance(old, dict) and isinstance(new, dict):
        flat_old = {**{k: v for k, v in old.items() if k != "roles"}, **(old.get("roles") or {})}
        flat_new = {**{k: v for k, v in new.items() if k != "roles"}, **(new.get("roles") or {})}
        unit = str(definition.unit)
        rows = []
        for name in flat_new:
            if flat_old.get(name) != flat_new[name]:
                show = shapes.role_label if name in {"below", "between", "above"} else lambda v: f"{v} {unit}".strip()
                rows.append((shapes.field_label(name), show(flat_old.get(name, "—")), show(flat_new[name])))
        return rows
    return [(str(definition.label), shapes.value_text(definition, old), shapes.value_text(definition, new))]


@login_required
@permission_required("policies.view_policyversion", raise_exception=True)
def policy_history(request: HttpRequest, key: str) -> HttpResponse:
    definition = _definition(key)
    changes = [
        {"change": change, "diff": _diff(definition, change.old, change.new)}
        for change in selectors.policy_history(key)
    ]
    current = selectors.policy_get(key)
    return render(
        request,
        "policies/history.html",
        {
            "definition": definition,
            "changes": changes,
            "current_text": shapes.value_text(definition, current.value),
            "default_text": shapes.value_text(definition, selectors.policy_default(key)),
            "can_change": actor_for(request.user).has_perm("policies.add_policyversion"),
        },
    )
