"""The moves shown on a record's page (a service request, a complaint, a return): one form per move
the user may make now, and on POST the posted one run through its service.

Each app describes its moves as `{name: action}` where an action has `form` (a core.forms.ActionForm),
`perm`, `call(actor, number, cleaned_data)`, `done` (the success message) and `visible(actor, record)`.
The record has `number` and `version`. The service checks everything again, so a stale page or a
forged POST gets the service's message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from


@dataclass
class ActionOutcome:
    """The forms to show; after a POST, whether it was done (redirect), or the status and error to show."""

    forms: dict[str, Any] = field(default_factory=dict)
    result: Any = None  # what the service returned
    done: bool = False
    status: int = 200
    error: str = ""


def actions_run(
    request: HttpRequest,
    actor: Actor,
    record: Any,
    actions: Mapping[str, Any],
    *,
    names: Iterable[str] | None = None,
    form_kwargs: Mapping[str, Mapping[str, Any]] | None = None,
    code_fields: Mapping[str, str] | None = None,
) -> ActionOutcome:
    """Build the forms of `names` (default: every action) visible to `actor` on `record`; on POST run
    the posted one. A posted action the actor may not use at all is 403; an unknown one 400; an
    invalid form 422; a service refusal its status, with its message next to the fields it names.
    """
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    outcome = ActionOutcome()
    for name in actions if names is None else names:
        spec = actions[name]
        kwargs = {"prefix": name, **(form_kwargs or {}).get(name, {})}
        if name == posted:
            if not actor.has_perm(spec.perm):
                raise PermissionDenied
            outcome.forms[name] = spec.form(request.POST, **kwargs)
        elif spec.visible(actor, record):
            outcome.forms[name] = spec.form(initial={"version": record.version}, **kwargs)
    if not posted:
        return outcome
    if posted not in outcome.forms:
        outcome.status, outcome.error = 400, _("Unknown action.")
        return outcome
    form = outcome.forms[posted]
    if not form.is_valid():
        outcome.status = 422
        return outcome
    try:
        outcome.result = actions[posted].call(actor, record.number, form.cleaned_data)
    except DomainError as exc:
        form_errors_from(form, exc, code_fields=code_fields)
        outcome.status, outcome.error = exc.status, str(exc.message)
        return outcome
    messages.success(request, str(actions[posted].done))
    outcome.done = True
    return outcome
