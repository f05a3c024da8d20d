"""Installed-base pages: units with their warranty, products, service contracts, substitute equipment loans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.imports import xlsx_bytes
from aftersales.core.jobs import export_job_open, job_enqueue, job_kind_label
from aftersales.core.lists import Column, export_requested, export_too_large, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.core.timeutils import today
from aftersales.customers.services import customer_export_log
from aftersales.installed_base import selectors, services
from aftersales.installed_base.choices import ChargingType
from aftersales.installed_base.exports import UNITS_EXPORT_JOB, unit_export_headers, unit_export_rows
from aftersales.installed_base.forms import (
    ContractForm,
    EquipmentForm,
    LoanForm,
    LoanReturnForm,
    ProductForm,
    UnitCreateForm,
    UnitEditForm,
    UnitFilterForm,
    UnitImportForm,
)
from aftersales.installed_base.jobs import UNITS_IMPORT_JOB

PAGE_SIZE = 25


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- units -----------------------------------------------------------------------------------


def _unit_filter(request: HttpRequest, actor: Actor) -> tuple[UnitFilterForm, dict[str, Any] | None]:
    form = UnitFilterForm(request.GET or None, actor=actor)
    if not form.is_bound:
        return form, {}
    if not form.is_valid():
        return form, None
    return form, form.selector_filters()


@login_required
@permission_required("installed_base.view_unit", raise_exception=True)
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, filters = _unit_filter(request, actor)
    terms = selectors.warranty_terms()
    queryset = (
        selectors.unit_list(actor, terms=terms, **filters)
        if filters is not None
        else selectors.unit_scope(actor).none()
    )
    page = _page(request, queryset)
    day = today()
    units = list(page.object_list)
    sites = selectors.unit_sites_shown(actor, units)
    rows = [(unit, selectors.unit_warranty(unit, terms), sites[unit.pk]) for unit in units]
    return render(
        request,
        "installed_base/unit_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "today": day,
            "can_add": actor.has_perm("installed_base.add_unit"),
            "can_export": actor.has_perm("installed_base.export_unit"),
            "can_import": actor.has_perm("installed_base.import_unit"),
        },
    )


@login_required
@permission_required("installed_base.view_unit", raise_exception=True)
def unit_detail(request: HttpRequest, serial: str) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.access_unit(actor, serial)
    coverage = selectors.unit_coverage(unit)
    notes = selectors.unit_notes_shown(actor, unit)  # C3: None for a file the user may not open
    events = event_list_for(unit)
    if notes is None:  # C3: the timeline's old → new values would tell the site and notes
        events = [{**event, "changes": []} for event in events]
    return render(
        request,
        "installed_base/unit_detail.html",
        {
            "unit": unit,
            "site": selectors.unit_sites_shown(actor, [unit])[unit.pk],  # C3
            "coverage": coverage,
            "charging_label": ChargingType(coverage.charging_type).label,
            "notes": notes,
            "contracts": selectors.unit_contract_list(unit),
            "loans": selectors.loan_list(actor, unit_id=unit.pk),
            "events": events,
            "can_change": actor.has_perm("installed_base.change_unit"),
            "can_lend": actor.has_perm("installed_base.add_substituteloan"),
        },
    )


@login_required
@permission_required("installed_base.add_unit", raise_exception=True)
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial = {}
    customer = request.GET.get("customer", "").strip()
    if customer:
        initial["customer"] = (
            selectors.customer_code_for_id(int(customer)) if customer.isascii() and customer.isdigit() else customer
        )
    form = UnitCreateForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=actor, **form.service_values())
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Unit %(serial)s registered.") % {"serial": unit.serial})
            return redirect("installed_base:unit_detail", serial=unit.serial)
    return render(
        request,
        "installed_base/form.html",
        {"form": form, "title": _("Register a unit"), "cancel_url": "installed_base:unit_list"},
    )


@login_required
@permission_required("installed_base.change_unit", raise_exception=True)
def unit_edit(request: HttpRequest, serial: str) -> HttpResponse:
    actor = _actor(request)
    unit = selectors.access_unit(actor, serial)
    show_site = selectors.unit_site_shown(actor, unit)  # C3
    initial = {
        "product": unit.product_id,
        "customer": unit.customer.code,
        "site": unit.site if show_site else "",
        "production_date": unit.production_date,
        "ship_date": unit.ship_date,
        "purchase_date": unit.purchase_date,
        "purchase_place": unit.purchase_place,
        "acceptance_date": unit.acceptance_date,
        "warranty_months": unit.warranty_months,
        "notes": unit.notes if show_site else "",
        "version": unit.version,
    }
    form = UnitEditForm(request.POST or None, actor=actor, show_site=show_site, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                actor=actor,
                serial=unit.serial,
                expected_version=form.cleaned_data["version"],
                **form.service_values(),
            )
        except DomainError as exc:
            form_errors_from(form, exc, aliases={"product_id": "product", "customer_id": "customer"})
        else:
            messages.success(request, _("Unit %(serial)s saved.") % {"serial": unit.serial})
            return redirect("installed_base:unit_detail", serial=unit.serial)
    return render(
        request,
        "installed_base/form.html",
        {
            "form": form,
            "title": _("Change unit %(serial)s") % {"serial": unit.serial},
            "cancel_url": "installed_base:unit_list",
        },
    )


@login_required
@permission_required("installed_base.export_unit", raise_exception=True)
def unit_export(request: HttpRequest) -> HttpResponse:
    """The filtered units as .xlsx (sites masked, C3), logged. Above the background threshold the export
    is a job (core.jobs) and the user is sent to its page (docs/decisions/0025)."""
    actor = _actor(request)
    form, filters = _unit_filter(request, actor)
    if filters is None:
        messages.error(request, _("Correct the filters before exporting."))
        return redirect("installed_base:unit_list")
    day = today()
    query = {key: request.GET.get(key, "") for key in ("q", "customer", "product", "warranty")}
    file_name = f"units-{day:%Y%m%d}.xlsx"
    if export_too_large(selectors.unit_list(actor, **filters)):
        job, _created = export_job_open(
            actor=actor,
            kind=UNITS_EXPORT_JOB,
            label=str(_("Excel export: %(title)s") % {"title": _("Units")}),
            params={"filters": filters, "query": query, "file_name": file_name},
        )
        return redirect("web:job_detail", job.pk)
    rows = list(unit_export_rows(actor, filters, day))
    customer_export_log(actor=actor, count=len(rows), filters=query, kind="units")
    response = HttpResponse(
        xlsx_bytes(_("Units"), unit_export_headers(day), rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


@login_required
@permission_required("installed_base.import_unit", raise_exception=True)
def unit_import(request: HttpRequest) -> HttpResponse:
    """Upload units: imported by a background job whose page shows the progress and the result (core.jobs)."""
    actor = _actor(request)
    form = UnitImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_enqueue(
            actor=actor,
            kind=UNITS_IMPORT_JOB,
            label=f"{job_kind_label(UNITS_IMPORT_JOB)}: {upload.name}",
            upload=upload,
            upload_name=upload.name,
        )
        return redirect("web:job_detail", job.pk)
    return render(
        request,
        "installed_base/unit_import.html",
        {"form": form, "columns": [titles[0] for titles in services.IMPORT_COLUMNS.values()]},
    )


# --- products --------------------------------------------------------------------------------

PRODUCT_COLUMNS = [
    Column(gettext_lazy("Model"), lambda p: p.model),
    Column(gettext_lazy("Name"), lambda p: p.name),
    Column(gettext_lazy("Specification"), lambda p: p.spec),
    Column(gettext_lazy("Category"), lambda p: p.category),
    Column(gettext_lazy("Warranty (months)"), lambda p: p.warranty_months),
]
CONTRACT_COLUMNS = [
    Column(gettext_lazy("Contract number"), lambda c: c.number),
    Column(gettext_lazy("Customer"), lambda c: c.customer.name),
    Column(gettext_lazy("Customer number"), lambda c: c.customer.code),
    Column(gettext_lazy("Start"), lambda c: c.start_date),
    Column(gettext_lazy("End"), lambda c: c.end_date),
    Column(gettext_lazy("Cover"), lambda c: c.get_cover_display()),
]


@login_required
@permission_required("installed_base.view_product", raise_exception=True)
def product_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    q = request.GET.get("q", "").strip()
    category = request.GET.get("category", "").strip()
    products = selectors.product_list(actor, q=q, category=category)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="products",
            title=_("Products"),
            columns=PRODUCT_COLUMNS,
            rows=products,
            filters={"q": q, "category": category},
        )
    page = _page(request, products)
    return render(
        request,
        "installed_base/product_list.html",
        {
            "page_obj": page,
            "q": q,
            "category": category,
            "categories": selectors.product_categories(actor),
            "can_add": actor.has_perm("installed_base.add_product"),
            "can_change": actor.has_perm("installed_base.change_product"),
        },
    )


@login_required
@permission_required("installed_base.add_product", raise_exception=True)
def product_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=actor, **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Product %(model)s added.") % {"model": product.model})
            return redirect("installed_base:product_list")
    return render(
        request,
        "installed_base/form.html",
        {"form": form, "title": _("Add a product"), "cancel_url": "installed_base:product_list"},
    )


@login_required
@permission_required("installed_base.change_product", raise_exception=True)
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    actor = _actor(request)
    product = selectors.access_product(actor, product_id)
    initial = {name: getattr(product, name) for name in services.PRODUCT_FIELDS}
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(actor=actor, product_id=product.pk, **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Product %(model)s saved.") % {"model": form.cleaned_data["model"]})
            return redirect("installed_base:product_list")
    return render(
        request,
        "installed_base/form.html",
        {
            "form": form,
            "title": _("Change product %(model)s") % {"model": product.model},
            "cancel_url": "installed_base:product_list",
            "events": event_list_for(product),
        },
    )


# --- service contracts -----------------------------------------------------------------------


@login_required
@permission_required("installed_base.view_servicecontract", raise_exception=True)
def contract_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    q = request.GET.get("q", "").strip()
    active_only = request.GET.get("active") == "1"
    day = today()
    queryset = selectors.contract_list(actor, q=q, active_on=day if active_only else None)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="contracts",
            title=_("Service contracts"),
            columns=CONTRACT_COLUMNS,
            rows=queryset,
            filters={"q": q, "active": active_only},
        )
    return render(
        request,
        "installed_base/contract_list.html",
        {
            "page_obj": _page(request, queryset),
            "q": q,
            "active_only": active_only,
            "today": day,
            "can_add": actor.has_perm("installed_base.add_servicecontract"),
        },
    )


@login_required
@permission_required("installed_base.view_servicecontract", raise_exception=True)
def contract_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    contract = selectors.contracts_shown(actor, [selectors.access_contract(actor, number)])[0]  # C3: terms
    masked = bool(getattr(contract, "shown_masked", True))
    units = list(selectors.contract_units(contract))
    sites = selectors.unit_sites_shown(actor, units)  # C3
    day = today()
    return render(
        request,
        "installed_base/contract_detail.html",
        {
            "contract": contract,
            "calendar_code": selectors.service_calendar_code(contract=contract, service_point=None),
            "calendar": selectors.contract_calendar(contract),
            "units": [(unit, sites[unit.pk]) for unit in units],
            "active": contract.start_date <= day <= contract.end_date,
            "today": day,
            # C3: the timeline's old → new values would tell the terms of a file the user may not open
            "events": [{**event, "changes": []} if masked else event for event in event_list_for(contract)],
        },
    )


@login_required
@permission_required("installed_base.add_servicecontract", raise_exception=True)
def contract_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial = {}
    customer = request.GET.get("customer", "").strip()
    if customer:
        initial["customer"] = (
            selectors.customer_code_for_id(int(customer)) if customer.isascii() and customer.isdigit() else customer
        )
    form = ContractForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=actor,
                customer_id=data["customer"],
                unit_serials=data["units"],
                start_date=data["start_date"],
                end_date=data["end_date"],
                cover=data["cover"],
                terms=data["terms"],
                calendar_code=data["calendar"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Service contract %(number)s created.") % {"number": contract.number})
            return redirect("installed_base:contract_detail", number=contract.number)
    return render(
        request,
        "installed_base/form.html",
        {"form": form, "title": _("New service contract"), "cancel_url": "installed_base:contract_list"},
    )


# --- substitute equipment loans --------------------------------------------------------------


LOAN_COLUMNS = [
    Column(gettext_lazy("Asset number"), lambda loan: loan.equipment.code),
    Column(gettext_lazy("Model"), lambda loan: loan.equipment.product.model),
    Column(gettext_lazy("Customer"), lambda loan: loan.customer.name),
    Column(gettext_lazy("Customer number"), lambda loan: loan.customer.code),
    Column(gettext_lazy("Replaces unit"), lambda loan: loan.for_unit.serial if loan.for_unit else ""),
    Column(gettext_lazy("Lent on"), lambda loan: loan.lent_on),
    Column(gettext_lazy("Expected back"), lambda loan: loan.expected_return),
    Column(gettext_lazy("Returned on"), lambda loan: loan.returned_on),
    Column(gettext_lazy("Reason"), lambda loan: loan.reason),
]


@login_required
@permission_required("installed_base.view_substituteloan", raise_exception=True)
def loan_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    show_all = request.GET.get("all") == "1"
    loans = selectors.loan_list(actor, open_only=not show_all)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="substitute-loans",
            title=_("Substitute equipment"),
            columns=LOAN_COLUMNS,
            rows=loans,
            filters={"all": show_all},
        )
    return render(
        request,
        "installed_base/loan_list.html",
        {
            "page_obj": _page(request, loans),
            "show_all": show_all,
            "today": today(),
            "can_lend": actor.has_perm("installed_base.add_substituteloan"),
            "can_return": actor.has_perm("installed_base.change_substituteloan"),
            "can_add_equipment": actor.has_perm("installed_base.add_substituteequipment"),
            "available": selectors.equipment_available(actor)[:50],
        },
    )


@login_required
@permission_required("installed_base.add_substituteloan", raise_exception=True)
def loan_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    initial: dict[str, Any] = {"lent_on": today()}
    for key in ("customer", "for_unit"):
        if value := request.GET.get(key, "").strip():
            initial[key] = value
    form = LoanForm(request.POST or None, actor=actor, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.loan_create(
                actor=actor,
                equipment_code=data["equipment"].code,
                customer_id=data["customer"],
                for_unit_serial=data["for_unit"],
                lent_on=data["lent_on"],
                expected_return=data["expected_return"],
                reason=data["reason"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Substitute equipment %(code)s lent.") % {"code": data["equipment"].code})
            return redirect("installed_base:loan_list")
    return render(
        request,
        "installed_base/form.html",
        {"form": form, "title": _("Lend substitute equipment"), "cancel_url": "installed_base:loan_list"},
    )


@login_required
@permission_required("installed_base.change_substituteloan", raise_exception=True)
def loan_return(request: HttpRequest, loan_id: int) -> HttpResponse:
    actor = _actor(request)
    loan = selectors.access_loan(actor, loan_id)
    form = LoanReturnForm(request.POST or None, initial={"returned_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_return(actor=actor, loan_id=loan.pk, returned_on=form.cleaned_data["returned_on"])
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Substitute equipment %(code)s returned.") % {"code": loan.equipment.code})
            return redirect("installed_base:loan_list")
    return render(
        request,
        "installed_base/form.html",
        {
            "form": form,
            "title": _("Return of %(equipment)s from %(customer)s")
            % {"equipment": loan.equipment, "customer": loan.customer},
            "cancel_url": "installed_base:loan_list",
            "events": event_list_for(loan),
        },
    )


@login_required
@permission_required("installed_base.add_substituteequipment", raise_exception=True)
def equipment_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = EquipmentForm(request.POST or None, actor=actor)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            equipment = services.substitute_equipment_create(
                actor=actor, code=data["code"], product_id=data["product"].pk, serial=data["serial"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Substitute equipment %(code)s registered.") % {"code": equipment.code})
            return redirect("installed_base:loan_list")
    return render(
        request,
        "installed_base/form.html",
        {"form": form, "title": _("Register substitute equipment"), "cancel_url": "installed_base:loan_list"},
    )
