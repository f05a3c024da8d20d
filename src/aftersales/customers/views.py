"""Customer pages (htmx): hotline lookup (C6), overview (C2), the file (C1, C4), confidential
access (C3), Excel import and export. Each view parses, calls one selector or service, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, DomainError, NotFound
from aftersales.core.errors import PermissionDenied as DomainPermissionDenied
from aftersales.core.forms import form_errors_from
from aftersales.core.imports import xlsx_bytes
from aftersales.core.jobs import export_job_open, job_enqueue, job_kind_label
from aftersales.core.lists import Column, export_requested, export_too_large, xlsx_export
from aftersales.core.selectors import display_name, event_list_for
from aftersales.customers import selectors, services
from aftersales.customers.choices import AccessRequestStatus
from aftersales.customers.errors import ConfidentialFile, CustomerErrorCode
from aftersales.customers.exports import (
    CUSTOMERS_EXPORT_JOB,
    customer_export_headers,
    customer_export_rows,
    json_filters,
)
from aftersales.customers.forms import (
    FIELD_ALIASES,
    AccessDecisionForm,
    AccessRequestForm,
    ContactForm,
    CustomerCreateForm,
    CustomerEditForm,
    CustomerFilterForm,
    ImportForm,
)
from aftersales.customers.jobs import CUSTOMERS_IMPORT_JOB
from aftersales.installed_base.jobs import UNITS_IMPORT_JOB
from aftersales.installed_base.selectors import unit_list_with_coverage

LIST_PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff_view(perm: str = "customers.view_customer") -> Callable[[Callable[..., HttpResponse]], Any]:
    """Log in first (anonymous → login page), then hold `perm` (else 403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _raise_http(exc: DomainError) -> None:
    """Turn a guarded-read refusal into the page's 404 / 403."""
    if isinstance(exc, NotFound):
        raise Http404 from exc
    if isinstance(exc, DomainPermissionDenied):
        raise DjangoPermissionDenied(str(exc.message)) from exc


# --- Hotline lookup (C6) ---------------------------------------------------------------------


@require_GET
@staff_view()
def customer_lookup(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.customer_lookup(_actor(request), q) if q else []
    return render(request, "customers/lookup.html", {"q": q, "results": results})


@require_GET
@staff_view()
def customer_lookup_results(request: HttpRequest) -> HttpResponse:
    """The htmx partial: the results table only."""
    q = request.GET.get("q", "").strip()[:100]
    results = selectors.customer_lookup(_actor(request), q) if q else []
    return render(request, "customers/_lookup_results.html", {"q": q, "results": results})


# --- Overview (C2) and export (C3) -----------------------------------------------------------


@require_GET
@staff_view()
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = CustomerFilterForm(request.GET)
    cards = selectors.customer_card_list(actor, **form.filters())
    page = Paginator(cards, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.customer_overview(actor, list(page.object_list))
    return render(
        request,
        "customers/list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "can_export": actor.has_perm("customers.export_customer"),
            "can_add": actor.has_perm("customers.add_customer"),
            "export_query": request.GET.urlencode(),
        },
    )


@require_GET
@staff_view("customers.export_customer")
def customer_export(request: HttpRequest) -> HttpResponse:
    """The filtered overview as .xlsx, masked as the list is (C3); logged (C3). Above the background
    threshold the export is a job (core.jobs) and the user is sent to its page (docs/decisions/0025)."""
    actor = _actor(request)
    filters = CustomerFilterForm(request.GET).filters()
    file_name = f"customers-{timezone.localdate():%Y%m%d}.xlsx"
    if export_too_large(selectors.customer_list(actor, **filters)):
        job, _created = export_job_open(
            actor=actor,
            kind=CUSTOMERS_EXPORT_JOB,
            label=str(_("Excel export: %(title)s") % {"title": _("Customers")}),
            params={"filters": json_filters(filters), "file_name": file_name},
        )
        return redirect("web:job_detail", job.pk)
    rows = list(customer_export_rows(actor, filters))
    services.customer_export_log(actor=actor, count=len(rows), filters=json_filters(filters))
    content = xlsx_bytes(_("Customers"), customer_export_headers(), rows)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response


# --- The file (C1, C3, C4) -------------------------------------------------------------------


def _confidential_page(
    request: HttpRequest, actor: Actor, pk: int, form: AccessRequestForm, status: int
) -> HttpResponse:
    try:
        customer = selectors.customer_get_for_request(actor, pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    return render(
        request,
        "customers/confidential.html",
        {"customer": customer, "form": form, "pending": selectors.customer_has_pending_request(actor, pk)},
        status=status,
    )


@require_GET
@staff_view()
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        customer = services.customer_open(actor=actor, customer_id=pk)
    except ConfidentialFile:
        return _confidential_page(request, actor, pk, AccessRequestForm(), status=403)
    except DomainError as exc:
        _raise_http(exc)
        raise
    return render(
        request,
        "customers/detail.html",
        {
            "customer": customer,
            "contacts": list(customer.contacts.all()),
            "units": unit_list_with_coverage(actor, customer.pk, timezone.localdate()),
            "events": event_list_for(customer),
            "can_change": actor.has_perm("customers.change_customer"),
        },
    )


@require_POST
@staff_view()
def customer_request_access(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    form = AccessRequestForm(request.POST)
    if form.is_valid():
        try:
            services.access_request_create(actor=actor, customer_id=pk, reason=form.cleaned_data["reason"])
        except (NotFound, DomainPermissionDenied) as exc:
            _raise_http(exc)
        except DomainError as exc:
            form_errors_from(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(request, _("Your request was sent to the file's owner and the managers."))
            return redirect("customers:detail", pk=pk)
    return _confidential_page(request, actor, pk, form, status=200)


@staff_view("customers.add_customer")
def customer_create(request: HttpRequest) -> HttpResponse:
    form = CustomerCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(actor=_actor(request), **form.service_values())
        except DomainError as exc:
            form_errors_from(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(request, _("Customer file %(code)s created.") % {"code": customer.code})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/form.html", {"form": form, "customer": None})


@staff_view("customers.change_customer")
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        customer = (
            selectors.access_customer(actor, pk)
            if request.method == "POST"
            else services.customer_open(actor=actor, customer_id=pk)
        )
    except ConfidentialFile:
        return _confidential_page(request, actor, pk, AccessRequestForm(), status=403)
    except DomainError as exc:
        _raise_http(exc)
        raise
    initial = {
        "name": customer.name,
        "kind": customer.kind,
        "phone": customer.phone,
        "address": customer.address,
        "region": customer.region_id,
        "credit_rating": customer.credit_rating,
        "relationship": customer.relationship,
        "key_account": customer.key_account,
        "confidential": customer.confidential,
        "owner": customer.owner_id,
        "notes": customer.notes,
        "version": customer.version,
    }
    form = CustomerEditForm(request.POST or None, initial=initial)
    status = 200
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(
                actor=actor,
                customer_id=pk,
                expected_version=form.cleaned_data["version"],
                **form.service_values(),
            )
        except Conflict as exc:
            if exc.code != CustomerErrorCode.VERSION_CONFLICT:
                raise
            form.add_error(None, str(exc.message))
            conflict, status = True, 409
        except DomainError as exc:
            _raise_http(exc)
            form_errors_from(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=pk)
    return render(
        request, "customers/form.html", {"form": form, "customer": customer, "conflict": conflict}, status=status
    )


@staff_view("customers.change_customer")
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        customer = selectors.access_customer(actor, pk)
    except ConfidentialFile:
        return _confidential_page(request, actor, pk, AccessRequestForm(), status=403)
    except DomainError as exc:
        _raise_http(exc)
        raise
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_add(actor=actor, customer_id=pk, contact=form.contact_data())
        except DomainError as exc:
            _raise_http(exc)
            form_errors_from(form, exc, aliases=FIELD_ALIASES)
        else:
            messages.success(request, _("Contact added."))
            return redirect("customers:detail", pk=pk)
    return render(request, "customers/contact_form.html", {"form": form, "customer": customer})


# --- Access requests (C3) --------------------------------------------------------------------


ACCESS_REQUEST_COLUMNS = [
    Column(gettext_lazy("Requested at"), lambda r: r.created_at),
    Column(gettext_lazy("Customer number"), lambda r: r.customer.code),
    Column(gettext_lazy("Customer"), lambda r: r.customer.name),
    Column(gettext_lazy("Requested by"), lambda r: display_name(r.requester)),
    Column(gettext_lazy("Reason"), lambda r: r.reason),
    Column(gettext_lazy("Status"), lambda r: r.get_status_display()),
    Column(gettext_lazy("Decided by"), lambda r: display_name(r.decided_by) if r.decided_by else ""),
    Column(gettext_lazy("Decided at"), lambda r: r.decided_at),
    Column(gettext_lazy("Access until"), lambda r: r.expires_at),
]


@require_GET
@staff_view()
def access_requests(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if export_requested(request):
        status = request.GET.get("status", "")
        return xlsx_export(
            actor=actor,
            list_name="access-requests",
            title=gettext_lazy("Access requests"),
            columns=ACCESS_REQUEST_COLUMNS,
            rows=selectors.access_request_list(actor, status=status if status in AccessRequestStatus.values else ""),
            filters={"status": status},
        )
    requests = list(selectors.access_request_list(actor)[:300])
    return render(
        request,
        "customers/access_requests.html",
        {
            "mine": [r for r in requests if r.requester_id == actor.pk],
            "to_decide": [
                {"request": r, "can_decide": selectors.access_request_can_decide(actor, r)}
                for r in requests
                if r.requester_id != actor.pk
            ],
            "pending": AccessRequestStatus.PENDING,
        },
    )


@require_POST
@staff_view()
def access_decide(request: HttpRequest, pk: int) -> HttpResponse:
    form = AccessDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("customers:access_requests")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decided = services.access_request_decide(actor=_actor(request), request_id=pk, approve=approve)
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if approve:
            messages.success(
                request,
                _("Access to %(customer)s approved until %(date)s.")
                % {
                    "customer": decided.customer.name,
                    "date": f"{timezone.localtime(decided.expires_at):%Y-%m-%d %H:%M}",
                },
            )
        else:
            messages.success(request, _("Request refused."))
    return redirect("customers:access_requests")


# --- Excel import ----------------------------------------------------------------------------


@staff_view("customers.import_customer")
def customer_import(request: HttpRequest) -> HttpResponse:
    """Upload customers or units: the file is imported by a background job; its page shows the
    progress, then the count imported or the row-by-row report (core.jobs)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        what = form.cleaned_data["what"]
        actor = _actor(request)
        if what == "units" and not actor.has_perm("installed_base.import_unit"):
            form.add_error("what", _("You may not import units."))
        else:
            upload = form.cleaned_data["file"]
            job = job_enqueue(
                actor=actor,
                kind=CUSTOMERS_IMPORT_JOB if what == "customers" else UNITS_IMPORT_JOB,
                label=f"{job_kind_label(CUSTOMERS_IMPORT_JOB if what == 'customers' else UNITS_IMPORT_JOB)}: {upload.name}",
                upload=upload,
                upload_name=upload.name,
            )
            return redirect("web:job_detail", job.pk)
    return render(request, "customers/import.html", {"form": form})


@require_GET
@staff_view("customers.import_customer")
def customer_import_template(request: HttpRequest) -> HttpResponse:
    """An empty customer sheet with the expected header row and one example row."""
    headers = [titles[0] for titles in services.IMPORT_COLUMNS.values()]
    example = [
        "示例客户有限公司",
        "最终用户",
        "021-6234 5678",
        "上海市浦东新区",
        "",
        "B",
        "否",
        "张三",
        "138 0013 8000",
    ]
    response = HttpResponse(xlsx_bytes(_("Customers"), headers, [example]), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="customers-import-template.xlsx"'
    return response
