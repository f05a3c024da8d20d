"""Visit pages (C7) and new-customer vetting pages (C5). Each view parses, calls one selector or service,
renders. The report form is one column, usable on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.errors import PermissionDenied as DomainPermissionDenied
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, xlsx_export
from aftersales.core.selectors import display_name
from aftersales.customers.selectors import vetting as vetting_selectors
from aftersales.customers.selectors import visits as visit_selectors
from aftersales.customers.services import vetting as vetting_services
from aftersales.customers.services import visits as visit_services
from aftersales.customers.visits_forms import (
    CriterionForm,
    GiftForm,
    PlanCreateForm,
    PlanItemForm,
    VettingDecideForm,
    VettingFileForm,
    VettingForm,
    VisitFilterForm,
    VisitReportForm,
)

PAGE_SIZE = 25
ALIASES = {"plan_item": "plan_item", "gift": "gift", "customer": "customer", "value": "value"}

VISIT_COLUMNS = [
    Column(gettext_lazy("Visit date"), lambda r: r.visited_on),
    Column(gettext_lazy("Customer number"), lambda r: r.customer.code),
    Column(gettext_lazy("Customer"), lambda r: r.customer.name),
    Column(gettext_lazy("Visited by"), lambda r: display_name(r.visitor)),
    Column(gettext_lazy("Accompanied by"), lambda r: r.companions),
    Column(pgettext_lazy("visit", "Purpose"), lambda r: r.get_purpose_display()),
    Column(gettext_lazy("People met"), lambda r: r.people_met),
    Column(gettext_lazy("Main findings"), lambda r: r.findings),
    Column(gettext_lazy("Customer opinion"), lambda r: r.customer_opinion),
    Column(gettext_lazy("Suggestions for improvement"), lambda r: r.suggestions),
    Column(gettext_lazy("Planned"), lambda r: _("Yes") if r.plan_item_id else _("No")),
    Column(gettext_lazy("Gift"), lambda r: f"{r.gift.description} ({r.gift.value})" if r.gift else ""),
]
VETTING_COLUMNS = [
    Column(gettext_lazy("Prospective customer"), lambda v: v.name),
    Column(gettext_lazy("Investigation"), lambda v: v.get_kind_display()),
    Column(gettext_lazy("Investigated by"), lambda v: display_name(v.investigated_by)),
    Column(gettext_lazy("Investigated on"), lambda v: v.investigated_on),
    Column(gettext_lazy("State"), lambda v: v.get_state_display()),
    Column(
        gettext_lazy("Decided by"),
        lambda v: display_name(v.decided_by),
    ),
    Column(gettext_lazy("Decision note"), lambda v: v.decision_note),
    Column(gettext_lazy("Customer number"), lambda v: v.customer.code if v.customer else ""),
]


def staff_view(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _raise_http(exc: DomainError) -> None:
    if isinstance(exc, NotFound):
        raise Http404 from exc
    if isinstance(exc, DomainPermissionDenied):
        raise DjangoPermissionDenied(str(exc.message)) from exc


def _customer_codes(actor: Actor) -> list[Any]:
    """The datalist of the customer-number fields: the user's own files and planned customers."""
    from aftersales.customers.models import Customer

    return list(Customer.objects.filter(owner_id=actor.pk).order_by("code").values_list("code", "name")[:500])


# --- visit reports (C7) ------------------------------------------------------------------------


@require_GET
@staff_view("customers.view_visitreport")
def visit_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = VisitFilterForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    qs = visit_selectors.visit_report_list(actor, **filters)
    if export_requested(request):
        return xlsx_export(
            actor=actor, list_name="visits", title=_("Visit reports"), columns=VISIT_COLUMNS, rows=qs, filters=filters
        )
    return render(
        request,
        "customers/visits/list.html",
        {"form": form, "page_obj": list_page(request, qs, PAGE_SIZE), "export_query": request.GET.urlencode()},
    )


@require_GET
@staff_view("customers.view_visitreport")
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        report = visit_selectors.access_visit_report(_actor(request), pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    return render(request, "customers/visits/detail.html", {"report": report})


@staff_view("customers.add_visitreport")
def visit_new(request: HttpRequest) -> HttpResponse:
    """走访用户汇报 on the phone: pick the planned visit (or type the customer), the approved gift, write it up."""
    actor = _actor(request)
    items = list(visit_selectors.open_plan_items(actor))
    gifts = list(visit_selectors.approved_gifts(actor))
    initial: dict[str, Any] = {}
    item = request.GET.get("item", "")
    if item.isascii() and item.isdigit():
        initial["plan_item"] = int(item)
    form = VisitReportForm(request.POST or None, items=items, gifts=gifts, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = visit_services.visit_report_file(
                actor=actor,
                customer_id=data["customer"],
                visited_on=data["visited_on"],
                purpose=data["purpose"],
                findings=data["findings"],
                customer_opinion=data["customer_opinion"],
                suggestions=data["suggestions"],
                companions=data["companions"],
                people_met=data["people_met"],
                plan_item_id=data.get("plan_item"),
                gift_id=data.get("gift"),
            )
        except DomainError as exc:
            form_errors_from(form, exc, aliases=ALIASES, code_fields={"gift_not_approved": "gift"})
        else:
            messages.success(request, _("Visit report filed."))
            return redirect("customers:visit_detail", pk=report.pk)
    return render(request, "customers/visits/report_form.html", {"form": form, "codes": _customer_codes(actor)})


# --- visit plans -------------------------------------------------------------------------------


@staff_view("customers.view_visitplan")
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PlanCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = visit_services.visit_plan_create(
                actor=actor,
                year=form.cleaned_data["year"],
                month=form.cleaned_data["month"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("customers:visit_plan", pk=plan.pk)
    plans = visit_selectors.visit_plan_list(actor)
    return render(
        request,
        "customers/visits/plans.html",
        {
            "form": form,
            "page_obj": list_page(request, plans, PAGE_SIZE),
            "can_plan": actor.has_perm("customers.add_visitplan"),
        },
    )


@staff_view("customers.view_visitplan")
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    try:
        plan = visit_selectors.access_visit_plan(actor, pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit_services.visit_plan_item_add(
                actor=actor,
                plan_id=plan.pk,
                customer_id=data["customer"],
                month=data["month"],
                planned_on=data["planned_on"],
                purpose=data["purpose"],
                note=data["note"],
            )
        except DomainError as exc:
            _raise_http(exc) if isinstance(exc, NotFound) else form_errors_from(form, exc)
        else:
            messages.success(request, _("Visit planned."))
            return redirect("customers:visit_plan", pk=plan.pk)
    items = visit_selectors.visit_plan_items(plan)
    if export_requested(request):
        columns = [
            Column(gettext_lazy("Planned month"), lambda i: f"{i.month_start:%Y-%m}"),
            Column(gettext_lazy("Planned date"), lambda i: i.planned_on),
            Column(gettext_lazy("Customer number"), lambda i: i.customer.code),
            Column(gettext_lazy("Customer"), lambda i: i.customer.name),
            Column(pgettext_lazy("visit", "Purpose"), lambda i: i.get_purpose_display()),
            Column(gettext_lazy("Note"), lambda i: i.note),
            Column(gettext_lazy("Visited"), lambda i: _("Yes") if i.done else _("No")),
        ]
        return xlsx_export(
            actor=actor,
            list_name="visit_plan",
            title=_("Visit plan"),
            columns=columns,
            rows=items,
            filters={"plan": plan.pk},
        )
    return render(
        request,
        "customers/visits/plan.html",
        {
            "plan": plan,
            "items": items,
            "progress": visit_selectors.visit_plan_progress(plan),
            "form": form,
            "can_edit": plan.owner_id == actor.pk or actor.has_perm("customers.view_all_visits"),
            "codes": _customer_codes(actor),
        },
    )


@require_POST
@staff_view("customers.add_visitplan")
def plan_item_remove(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    try:
        visit_services.visit_plan_item_remove(actor=_actor(request), plan_id=pk, item_id=item_id)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, str(exc.message))
    return redirect("customers:visit_plan", pk=pk)


# --- gifts ---------------------------------------------------------------------------------------


@staff_view("customers.view_giftrequest")
def gift_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = GiftForm(request.POST or None)
    if request.method == "POST":
        if not actor.has_perm("customers.add_giftrequest"):
            raise DjangoPermissionDenied
        if form.is_valid():
            try:
                visit_services.gift_request_create(
                    actor=actor,
                    customer_id=form.cleaned_data["customer"],
                    description=form.cleaned_data["description"],
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Gift approval asked; the approver has been notified."))
                return redirect("customers:gift_list")
    gifts = visit_selectors.gift_list(actor)
    if export_requested(request):
        columns = [
            Column(gettext_lazy("Asked at"), lambda g: g.created_at),
            Column(gettext_lazy("Customer"), lambda g: g.customer.name),
            Column(gettext_lazy("Gift"), lambda g: g.description),
            Column(gettext_lazy("Value (yuan)"), lambda g: g.value),
            Column(gettext_lazy("Requested by"), lambda g: display_name(g.requested_by)),
            Column(gettext_lazy("State"), lambda g: g.get_state_display()),
        ]
        return xlsx_export(actor=actor, list_name="gifts", title=_("Gifts to customers"), columns=columns, rows=gifts)
    return render(
        request,
        "customers/visits/gifts.html",
        {"form": form, "page_obj": list_page(request, gifts, PAGE_SIZE), "codes": _customer_codes(actor)},
    )


# --- new-customer vetting (C5) -------------------------------------------------------------------


@require_GET
@staff_view("customers.view_vetting")
def vetting_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    state = request.GET.get("state", "")
    qs = vetting_selectors.vetting_list(actor, state=state if len(state) < 20 else "")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="vettings",
            title=_("New-customer vetting"),
            columns=VETTING_COLUMNS,
            rows=qs,
            filters={"state": state},
        )
    return render(
        request,
        "customers/vetting/list.html",
        {"page_obj": list_page(request, qs, PAGE_SIZE), "state": state, "export_query": request.GET.urlencode()},
    )


@staff_view("customers.add_vetting")
def vetting_new(request: HttpRequest) -> HttpResponse:
    form = VettingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vetting = vetting_services.vetting_create(actor=_actor(request), **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return redirect("customers:vetting_detail", pk=vetting.pk)
    return render(request, "customers/vetting/form.html", {"form": form})


def _vetting_page(request: HttpRequest, actor: Actor, pk: int, **extra: Any) -> HttpResponse:
    try:
        vetting = vetting_selectors.access_vetting(actor, pk)
    except DomainError as exc:
        _raise_http(exc)
        raise
    items = list(vetting.items.all())
    item_forms = [
        (item, CriterionForm(prefix=f"c{item.position}", initial={"result": item.result, "note": item.note}))
        for item in items
    ]
    from aftersales.core.selectors import event_list_for

    context = {
        "vetting": vetting,
        "items": items,
        "item_forms": item_forms,
        "files": list(vetting.files.all()),
        "editable": vetting.state in vetting_services.EDITABLE and actor.has_perm(vetting_services.ADD_PERM),
        "may_decide": vetting.state == "submitted"
        and vetting_selectors.vetting_may_decide(actor)
        and vetting.investigated_by_id != actor.pk,
        "decide_form": VettingDecideForm(),
        "file_form": VettingFileForm(),
        "events": event_list_for(vetting),
        **extra,
    }
    return render(request, "customers/vetting/detail.html", context)


@staff_view("customers.view_vetting")
def vetting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    if request.method != "POST":
        return _vetting_page(request, actor, pk)
    action = request.POST.get("action", "")
    version = request.POST.get("version")
    expected = int(version) if version and version.isascii() and version.isdigit() else None
    try:
        if action in ("save", "submit"):
            vetting = vetting_selectors.access_vetting(actor, pk)
            bound = [(item, CriterionForm(request.POST, prefix=f"c{item.position}")) for item in vetting.items.all()]
            if not all(form.is_valid() for _item, form in bound):
                # One bad row refuses the whole save: every row is shown again as typed, with its error.
                messages.error(request, _("Some criteria are not filled in correctly; nothing was saved."))
                return _vetting_page(request, actor, pk, item_forms=bound)
            answers = [
                vetting_services.ItemAnswer(
                    position=item.position, result=form.cleaned_data["result"], note=form.cleaned_data["note"]
                )
                for item, form in bound
            ]
            vetting = vetting_services.vetting_update(
                actor=actor, vetting_id=pk, expected_version=expected, items=answers
            )
            if action == "submit":
                vetting_services.vetting_submit(actor=actor, vetting_id=pk, expected_version=vetting.version)
                messages.success(request, _("Vetting submitted for decision."))
            else:
                messages.success(request, _("Saved."))
        elif action == "decide":
            decide_form = VettingDecideForm(request.POST)
            if not decide_form.is_valid():
                return _vetting_page(request, actor, pk, decide_form=decide_form)
            vetting_services.vetting_decide(
                actor=actor,
                vetting_id=pk,
                decision=decide_form.cleaned_data["decision"],
                note=decide_form.cleaned_data["note"],
                expected_version=expected,
            )
            messages.success(request, _("Decision recorded."))
        elif action == "file":
            file_form = VettingFileForm(request.POST, request.FILES)
            if not file_form.is_valid():
                return _vetting_page(request, actor, pk, file_form=file_form)
            vetting_services.vetting_file_add(actor=actor, vetting_id=pk, upload=file_form.cleaned_data["file"])
            messages.success(request, _("File archived."))
        elif action == "customer":
            customer = vetting_services.vetting_customer_create(actor=actor, vetting_id=pk)
            messages.success(request, _("Customer file created."))
            return redirect("customers:detail", pk=customer.pk)
    except DomainError as exc:
        _raise_http(exc)
        messages.error(request, str(exc.message))
    return redirect("customers:vetting_detail", pk=pk)


@require_GET
@staff_view("customers.view_vetting")
def vetting_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    from django.core.files.storage import default_storage

    try:
        found = vetting_selectors.access_vetting_file(_actor(request), pk, file_id)
    except DomainError as exc:
        _raise_http(exc)
        raise
    if not default_storage.exists(found.file.name):
        raise Http404
    response = FileResponse(
        default_storage.open(found.file.name, "rb"), content_type=found.content_type, filename=found.original_name
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a FileResponse is an HttpResponseBase, served as is
