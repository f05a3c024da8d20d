"""The managed list of fault symptom and cause codes: managers list, add, edit and deactivate them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, xlsx_export
from aftersales.service import selectors
from aftersales.service.forms import FaultCodeEditForm, FaultCodeFilterForm, FaultCodeForm
from aftersales.service.models import FaultCode
from aftersales.service.services import codes as code_services


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


FAULT_CODE_COLUMNS = [
    Column(gettext_lazy("Kind"), lambda c: c.get_kind_display()),
    Column(gettext_lazy("Product category"), lambda c: c.category),
    Column(gettext_lazy("Code"), lambda c: c.code),
    Column(gettext_lazy("Name"), lambda c: c.name),
    Column(gettext_lazy("Synonyms"), lambda c: "、".join(c.synonym_list())),
    Column(gettext_lazy("Active"), lambda c: _("Yes") if c.active else _("No")),
]


@login_required
def fault_codes(request: HttpRequest) -> HttpResponse:
    """The list (filtered by kind, category, search over code, name and synonyms) and the add form."""
    actor = _actor(request)
    actor.require_perm("service.view_faultcode")
    categories = selectors.product_categories()
    filters = FaultCodeFilterForm(request.GET or None, categories=categories)
    data = filters.cleaned_data if filters.is_valid() else {}
    if request.method == "GET" and export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="fault-codes",
            title=gettext_lazy("Fault codes"),
            columns=FAULT_CODE_COLUMNS,
            rows=selectors.fault_code_list(
                kind=data.get("kind", ""), category=data.get("category", ""), query=data.get("q", "")
            ),
            filters=data,
        )
    form = FaultCodeForm(request.POST or None, categories=categories)
    status = 200
    if request.method == "POST":
        actor.require_perm("service.add_faultcode")
        if form.is_valid():
            try:
                code = code_services.fault_code_create(actor=actor, **form.cleaned_data)
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Code %(name)s added.") % {"name": code.name})
                return redirect("service:fault_codes")
        else:
            status = 422
    return render(
        request,
        "service/fault_codes.html",
        {
            "codes": selectors.fault_code_list(
                kind=data.get("kind", ""), category=data.get("category", ""), query=data.get("q", "")
            ),
            "filters": filters,
            "form": form,
            "can_add": actor.has_perm("service.add_faultcode"),
            "can_change": actor.has_perm("service.change_faultcode"),
        },
        status=status,
    )


@login_required
def fault_code_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    actor.require_perm("service.change_faultcode")
    code = FaultCode.objects.filter(pk=pk).first()
    if code is None:
        raise Http404
    initial = {f: getattr(code, f) for f in ("category", "code", "name", "synonyms", "active", "version")}
    form = FaultCodeEditForm(request.POST or None, initial=initial, categories=selectors.product_categories())
    status = 200
    if request.method == "POST":
        if form.is_valid():
            values = dict(form.cleaned_data)
            version = values.pop("version")
            try:
                code_services.fault_code_update(actor=actor, code_id=code.pk, expected_version=version, **values)
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Code %(name)s saved.") % {"name": form.cleaned_data["name"]})
                return redirect("service:fault_codes")
        else:
            status = 422
    return render(request, "service/fault_code_edit.html", {"code": code, "form": form}, status=status)


@login_required
@require_POST
def fault_code_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    actor.require_perm("service.change_faultcode")
    version = request.POST.get("version", "")
    try:
        code = code_services.fault_code_deactivate(
            actor=actor, code_id=pk, expected_version=int(version) if version.isdigit() else None
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Code %(name)s is no longer offered.") % {"name": code.name})
    return redirect("service:fault_codes")
