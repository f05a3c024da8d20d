"""Pages of the Q3 early warnings, the X5 risk register, Q6 retention and the Q7 registers.

Every list exports to Excel with its filters (`?export=xlsx`, core.lists); the services check
everything again, so a stale page or a forged POST gets the service's message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods

from aftersales.accounts.selectors import actor_for
from aftersales.complaints.choices import CapaState
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, xlsx_export
from aftersales.reports import registers, retention, risks, warnings
from aftersales.reports.quality_forms import (
    RegisterForm,
    RetentionConfirmForm,
    RiskForm,
    WarningCapaDoneForm,
    WarningCapaForm,
    WarningCapaVerifyForm,
    WarningCloseForm,
    WarningFilterForm,
    WarningLinkForm,
)
from aftersales.reports.quality_models import WarningKind, WarningState, WarningWindow
from aftersales.service.choices import Channel, RequestState

PAGE_SIZE = 50


def _page(perm: str) -> Any:
    def decorate(view: Any) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


# --- Q3 early warnings -----------------------------------------------------------------------------------

WARNING_COLUMNS = [
    Column(gettext_lazy("Problem"), warnings.warning_title),
    Column(gettext_lazy("Kind"), lambda w: str(WarningKind(w.kind).label)),
    Column(gettext_lazy("Window"), lambda w: str(WarningWindow(w.window).label)),
    Column(pgettext_lazy("reporting period", "Period"), warnings.period_label),
    Column(gettext_lazy("Cases"), lambda w: w.count),
    Column(gettext_lazy("Threshold"), lambda w: w.threshold),
    Column(gettext_lazy("State"), lambda w: str(WarningState(w.state).label)),
    Column(gettext_lazy("Corrective action no."), lambda w: w.capa_id or ""),
    Column(gettext_lazy("Reason"), lambda w: w.close_reason),
]


@_page(warnings.VIEW_PERM)
def warning_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = WarningFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = warnings.warning_list(
        actor,
        state=filters.get("state", ""),
        window=filters.get("window", ""),
        kind=filters.get("kind", ""),
        product=filters.get("product", ""),
    )
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="early-warnings", title=_("Early warnings"), columns=WARNING_COLUMNS, rows=qs,
            filters=filters,
        )  # fmt: skip
    page = list_page(request, qs, PAGE_SIZE)
    rows = [{"w": w, "title": warnings.warning_title(w), "period": warnings.period_label(w)} for w in page]
    return render(request, "reports/warnings.html", {"form": form, "page_obj": page, "rows": rows})


WARNING_MOVES = {"close": WarningCloseForm, "capa": WarningCapaForm, "link": WarningLinkForm}


def _capa_moves(actor: Actor, warning: Any) -> dict[str, Any]:
    """The linked corrective action's next step on the warning's page (K14): carried out, then verified."""
    capa = warning.capa
    if capa is None:
        return {}
    if capa.state == CapaState.PLANNED and actor.has_perm(warnings.CAPA_DONE_PERM):
        return {"capa_done": WarningCapaDoneForm}
    if capa.state == CapaState.DONE and actor.has_perm(warnings.CAPA_VERIFY_PERM) and capa.owner_id != actor.pk:
        return {"capa_verify": WarningCapaVerifyForm}
    return {}


@login_required
@require_http_methods(["GET", "POST"])
def warning_detail(request: HttpRequest, warning_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        warning = warnings.warning_get(actor, warning_id)
    except DomainError as exc:
        if exc.status == 403:
            raise DjangoPermissionDenied() from None
        raise Http404() from None
    may_close = warning.state == WarningState.OPEN and actor.has_perm(warnings.CLOSE_PERM)
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    capa_moves = _capa_moves(actor, warning)
    capa_forms = {name: cls(request.POST if name == posted else None, prefix=name) for name, cls in capa_moves.items()}
    if posted in ("capa_done", "capa_verify"):
        if posted not in capa_forms:
            return HttpResponse(status=403)
        capa_form = capa_forms[posted]
        if capa_form.is_valid():
            data = capa_form.cleaned_data
            try:
                if posted == "capa_done":
                    warnings.warning_capa_done(actor=actor, warning_id=warning.pk, note=data["note"])
                else:
                    warnings.warning_capa_verify(
                        actor=actor, warning_id=warning.pk, effective=data["effective"], note=data["note"]
                    )
            except DomainError as exc:
                form_errors_from(capa_form, exc)
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("The corrective action is updated."))
                return redirect("reports:warning_detail", warning.pk)
        posted = ""
    forms: dict[str, Any] = {}
    status = 200
    if may_close or posted:
        for name, form_class in WARNING_MOVES.items():
            if name == posted:
                forms[name] = form_class(request.POST, prefix=name)
            else:
                forms[name] = form_class(initial={"version": warning.version}, prefix=name)
    if posted:
        if posted not in WARNING_MOVES or not actor.has_perm(warnings.CLOSE_PERM):
            return HttpResponse(status=403)
        form = forms[posted]
        if not form.is_valid():
            status = 422
        else:
            data = form.cleaned_data
            try:
                if posted == "close":
                    warnings.warning_close(
                        actor=actor, warning_id=warning.pk, reason=data["reason"], version=data["version"]
                    )
                elif posted == "capa":
                    warnings.warning_link_capa(
                        actor=actor, warning_id=warning.pk, measures=data["measures"], owner=data["owner"],
                        due_date=data["due_date"], version=data["version"],
                    )  # fmt: skip
                else:
                    warnings.warning_link_capa(
                        actor=actor, warning_id=warning.pk, capa_id=data["capa"], version=data["version"]
                    )
            except DomainError as exc:
                form_errors_from(form, exc)
                messages.error(request, str(exc.message))
                status = exc.status
            else:
                messages.success(request, _("The warning is closed."))
                return redirect("reports:warning_detail", warning.pk)
    cases = warnings.warning_cases(warning)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="early-warning-cases",
            title=warnings.warning_title(warning),
            columns=CASE_COLUMNS,
            rows=cases,
            filters={"warning": warning.pk},
        )
    context = {
        "warning": warning,
        "title": warnings.warning_title(warning),
        "period": warnings.period_label(warning),
        "cases": cases,
        "forms": forms if may_close else {},
        "capa_forms": capa_forms,
        "may_read_cases": actor.has_perm(warnings.VIEW_PERM),
    }
    return render(request, "reports/warning_detail.html", context, status=status)


CASE_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda r: r.number),
    Column(gettext_lazy("Received at"), lambda r: r.received_at),
    Column(gettext_lazy("Customer"), lambda r: r.customer.name),
    Column(gettext_lazy("Unit"), lambda r: r.unit.serial if r.unit else r.model_text),
    Column(gettext_lazy("Fault description"), lambda r: r.fault),
    Column(gettext_lazy("State"), lambda r: str(RequestState(r.state).label)),
]


# --- X5 risk register ------------------------------------------------------------------------------------

RISK_COLUMNS = [
    Column(gettext_lazy("Risk"), lambda r: r.title),
    Column(gettext_lazy("Likelihood"), lambda r: r.likelihood),
    Column(gettext_lazy("Impact"), lambda r: r.impact),
    Column(gettext_lazy("Score"), lambda r: r.score),
    Column(gettext_lazy("Owner"), lambda r: str(r.owner)),
    Column(gettext_lazy("Mitigation"), lambda r: r.mitigation),
    Column(gettext_lazy("Review date"), lambda r: r.review_on),
    Column(pgettext_lazy("risk", "Closed"), lambda r: _("yes") if r.closed else ""),
]


@_page(risks.VIEW_PERM)
def risk_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    include_closed = request.GET.get("closed") == "1"
    qs = risks.risk_list(actor, include_closed=include_closed)
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="risks", title=_("Risk register"), columns=RISK_COLUMNS, rows=qs,
            filters={"closed": include_closed},
        )  # fmt: skip
    heat = risks.risk_heat_map(actor)
    chart = {
        "likelihood": [str(n) for n in range(1, heat.likelihood_levels + 1)],
        "impact": [str(n) for n in range(1, heat.impact_levels + 1)],
        "cells": [
            [i, l_, heat.cells[l_][i]] for l_ in range(heat.likelihood_levels) for i in range(heat.impact_levels)
        ],
        "x_title": _("Impact"),
        "y_title": _("Likelihood"),
    }
    grid = [{"level": l_ + 1, "cells": heat.cells[l_]} for l_ in reversed(range(heat.likelihood_levels))]
    return render(
        request,
        "reports/risks.html",
        {
            "page_obj": list_page(request, qs, PAGE_SIZE),
            "heat_chart": chart,
            "grid": grid,
            "impact_levels": list(range(1, heat.impact_levels + 1)),
            "include_closed": include_closed,
            "today": timezone.localdate(),
            "may_manage": actor.has_perm(risks.MANAGE_PERM),
        },
    )


def _risk_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        name: data[name]
        for name in ("title", "description", "likelihood", "impact", "owner", "mitigation", "review_on", "closed")
    }


@_page(risks.VIEW_PERM)
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, risk_id: int | None = None) -> HttpResponse:
    actor = _actor(request)
    risk = risks.risk_get(actor, risk_id) if risk_id is not None else None
    levels = risks.scales()
    status = 200
    if request.method == "POST":
        if not actor.has_perm(risks.MANAGE_PERM):
            return HttpResponse(status=403)
        form = RiskForm(request.POST, levels=levels)
        if not form.is_valid():
            status = 422
        else:
            try:
                if risk is None:
                    saved = risks.risk_create(actor=actor, **_risk_values(form.cleaned_data))
                else:
                    saved = risks.risk_update(
                        actor=actor, risk_id=risk.pk, version=form.cleaned_data["version"] or 0,
                        **_risk_values(form.cleaned_data),
                    )  # fmt: skip
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The risk is saved."))
                return redirect("reports:risk_detail", saved.pk)
    elif risk is not None:
        form = RiskForm(
            initial={
                "version": risk.version, "title": risk.title, "description": risk.description,
                "likelihood": risk.likelihood, "impact": risk.impact, "owner": risk.owner.username,
                "mitigation": risk.mitigation, "review_on": risk.review_on, "closed": risk.closed,
            },
            levels=levels,
        )  # fmt: skip
    else:
        form = RiskForm(levels=levels)
    return render(
        request,
        "reports/risk_edit.html",
        {"form": form, "risk": risk, "may_manage": actor.has_perm(risks.MANAGE_PERM)},
        status=status,
    )


# --- Q6 retention ----------------------------------------------------------------------------------------


@_page(retention.ARCHIVE_PERM)
@require_http_methods(["GET", "POST"])
def retention_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = 200
    confirm: dict[str, Any] | None = None
    if request.method == "POST":
        form = RetentionConfirmForm(request.POST)
        code = request.POST.get("kind", "")
        if request.POST.get("step") == "preview" or not form.is_valid():
            try:
                preview = retention.retention_preview(actor, code)
            except DomainError as exc:
                messages.error(request, str(exc.message))
                status = exc.status
            else:
                confirm = {
                    "preview": preview,
                    "form": RetentionConfirmForm(initial={"kind": code, "expected": preview.removable})
                    if request.POST.get("step") == "preview"
                    else form,
                }
                status = 200 if request.POST.get("step") == "preview" else 422
        else:
            try:
                archive = retention.retention_archive(
                    actor=actor, code=form.cleaned_data["kind"], expected=form.cleaned_data["expected"]
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
                status = exc.status
            else:
                messages.success(
                    request,
                    _("%(count)s records archived to %(file)s and removed.")
                    % {"count": archive.count, "file": archive.file_name},
                )
                return redirect("reports:retention")
    kinds = []
    for kind in retention.KINDS.values():
        preview = retention.retention_preview(actor, kind.code)
        kinds.append({"kind": kind, "preview": preview})
    return render(
        request,
        "reports/retention.html",
        {"kinds": kinds, "confirm": confirm, "archives": retention.archive_list(actor)[:200]},
        status=status,
    )


@_page(retention.ARCHIVE_PERM)
def retention_download(request: HttpRequest, archive_id: int) -> HttpResponse:
    archive = retention.archive_get(_actor(request), archive_id)
    response = HttpResponse(bytes(archive.content), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{archive.file_name}"'
    return response


# --- Q7 registers ----------------------------------------------------------------------------------------

REGISTERS = {
    "intake": gettext_lazy("Incoming calls and letters"),
    "dispatch": gettext_lazy("Dispatch records"),
    "expenses": gettext_lazy("Expense report"),
}


def _channel(code: str) -> str:
    return str(Channel(code).label) if code in Channel.values else code


INTAKE_COLUMNS = [
    Column(gettext_lazy("Intake"), lambda r: _("Service request") if r[0] == "request" else _("Complaint")),
    Column(gettext_lazy("Number"), lambda r: r[1]),
    Column(gettext_lazy("Received at"), lambda r: r[2]),
    Column(gettext_lazy("Channel"), lambda r: _channel(r[3])),
    Column(gettext_lazy("Customer"), lambda r: r[4]),
    Column(gettext_lazy("Contact"), lambda r: r[5]),
    Column(gettext_lazy("Phone"), lambda r: r[6]),
    Column(gettext_lazy("Subject"), lambda r: r[7]),
]
DISPATCH_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda r: r["number"]),
    Column(gettext_lazy("Dispatched at"), lambda r: r["dispatched_at"]),
    Column(
        gettext_lazy("Engineer"),
        lambda r: r["engineer__display_name"] or f"{r['engineer__last_name']}{r['engineer__first_name']}".strip(),
    ),
    Column(gettext_lazy("Service point"), lambda r: r["service_point__name"] or ""),
    Column(gettext_lazy("Customer"), lambda r: r["customer__name"]),
    Column(gettext_lazy("Address"), lambda r: r["address"]),
    Column(gettext_lazy("Visit booked for"), lambda r: r["visit_at"]),
    Column(gettext_lazy("Arrived at"), lambda r: r["arrived_at"]),
    Column(gettext_lazy("Completed at"), lambda r: r["completed_at"]),
    Column(
        gettext_lazy("State"),
        lambda r: str(RequestState(r["state"]).label) if r["state"] in RequestState.values else r["state"],
    ),
]
EXPENSE_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda r: r["number"]),
    Column(gettext_lazy("Completed at"), lambda r: r["completed_at"]),
    Column(gettext_lazy("Customer"), lambda r: r["customer__name"]),
    Column(gettext_lazy("Service point"), lambda r: r["service_point__name"] or ""),
    Column(gettext_lazy("Fees (yuan)"), lambda r: r["fees"]),
    Column(gettext_lazy("Collected (yuan)"), lambda r: r["collected"]),
    Column(gettext_lazy("Parts cost (yuan)"), lambda r: r["parts_cost"]),
    Column(gettext_lazy("Travel (yuan)"), lambda r: r["travel"]),
]


@_page(registers.VIEW_PERM)
def register(request: HttpRequest, which: str) -> HttpResponse:
    if which not in REGISTERS:
        return HttpResponse(status=404)
    actor = _actor(request)
    form = RegisterForm(request.GET)
    valid = form.is_valid()
    data = form.cleaned_data if valid else {}
    columns: list[Column]
    totals = None
    if not valid:
        rows: Any = []
        columns = INTAKE_COLUMNS
    elif which == "intake":
        rows = registers.intake_register(
            actor, date_from=data["date_from"], date_to=data["date_to"], channel=data.get("channel", ""),
            kind=data.get("kind", ""),
        )  # fmt: skip
        columns = INTAKE_COLUMNS
    elif which == "dispatch":
        rows = registers.dispatch_register(
            actor, date_from=data["date_from"], date_to=data["date_to"], engineer=data.get("engineer", "")
        )
        columns = DISPATCH_COLUMNS
    else:
        rows = registers.expense_register(
            actor, date_from=data["date_from"], date_to=data["date_to"], engineer=data.get("engineer", "")
        )
        columns = EXPENSE_COLUMNS
        totals = registers.expense_totals(rows)
    if export_requested(request) and valid:
        filters = {k: str(v) for k, v in data.items() if v}
        return xlsx_export(
            actor=actor, list_name=f"register-{which}", title=REGISTERS[which], columns=columns, rows=rows,
            filters=filters,
        )  # fmt: skip
    page = list_page(request, rows, PAGE_SIZE)
    table = [[_cell(c.value(r)) for c in columns] for r in page]
    links = [_link(which, r) for r in page]
    return render(
        request,
        "reports/register.html",
        {
            "which": which,
            "title": REGISTERS[which],
            "registers": REGISTERS,
            "form": form,
            "page_obj": page,
            "headers": [c.title for c in columns],
            "table": list(zip(links, table, strict=True)),
            "totals": totals,
        },
    )


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def _link(which: str, row: Any) -> str:
    if which == "intake":
        if row[0] == "complaint":
            return reverse("complaints:complaint_detail", args=[row[1]])
        return reverse("service:request_detail", args=[row[1]])
    return reverse("service:request_detail", args=[row["number"]])
