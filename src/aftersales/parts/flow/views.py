"""Pages of the parts flows (P2, P4, P5): parse → one selector or service → render.

Requisitions (list with filters and Excel export, the form with parts picked from the catalogue, the page
with its actions and the PDF of the form), the outstanding old-part returns (per engineer; the keeper
receives and decides), the demand plan of a store (Excel export, turned into a purchase request) and the
purchase requests (list, page with approve/refuse, PDF and Excel for logistics).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import approval_for
from aftersales.approvals.services import ApprovalState, actor_may_decide_approval, role_label
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.parts.choices import StoreKind
from aftersales.parts.flow import documents, selectors
from aftersales.parts.flow.choices import PartReturnState, RequisitionState
from aftersales.parts.flow.forms import (
    DecideForm,
    DemandPlanForm,
    PartReturnFilterForm,
    PartReturnReceiveForm,
    PlainActionForm,
    PurchaseCreateForm,
    PurchaseFilterForm,
    ReceiveForm,
    RefuseForm,
    RequisitionCreateForm,
    RequisitionFilterForm,
)
from aftersales.parts.flow.planning_selectors import demand_plan, plan_terms
from aftersales.parts.flow.selectors import ISSUE_REQUISITIONS
from aftersales.parts.flow.services import demand, part_returns, requisitions
from aftersales.parts.flow.stock import store_is_mine
from aftersales.parts.models import Part, Requisition, Store
from aftersales.parts.selectors import part_picker_choices

PAGE_SIZE = 25


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _stores(*kinds: str) -> list[Store]:
    qs = Store.objects.filter(active=True).order_by("code")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs[:1000])


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- P2 requisitions -----------------------------------------------------------------------------------------

REQUISITION_SORTS = {"number": "number", "state": "state", "value": "value", "created_at": "created_at"}
REQUISITION_COLUMNS = [
    Column(gettext_lazy("Requisition number"), lambda r: r.number),
    Column(gettext_lazy("State"), lambda r: r.get_state_display()),
    Column(gettext_lazy("Issuing store"), lambda r: r.from_store.name),
    Column(gettext_lazy("Receiving store"), lambda r: r.to_store.name),
    Column(pgettext_lazy("parts requisitions and returns", "Reason"), lambda r: r.reason),
    Column(gettext_lazy("Value (yuan)"), lambda r: r.value),
    Column(gettext_lazy("Service request"), lambda r: r.service_request.number if r.service_request_id else ""),
    Column(gettext_lazy("Requested by"), lambda r: str(r.requested_by)),
    Column(gettext_lazy("Created at"), lambda r: r.created_at),
]


@staff_page("parts.view_requisition")
def requisition_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    stores = _stores()
    form = RequisitionFilterForm(request.GET or None, stores=stores)
    data = form.cleaned_data if (form.is_bound and form.is_valid()) else {}
    if form.is_bound and not form.is_valid():
        queryset = Requisition.objects.none()
    else:
        store_id = next((s.pk for s in stores if s.code == data.get("store")), None)
        queryset = selectors.requisition_list(actor, state=data.get("state", ""), store=store_id, q=data.get("q", ""))
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), REQUISITION_SORTS, default="-created_at")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="requisitions",
            title=_("Requisitions"),
            columns=REQUISITION_COLUMNS,
            rows=queryset,
            filters=data,
        )
    return render(
        request,
        "parts_flow/requisition_list.html",
        {
            "form": form,
            "page_obj": list_page(request, queryset, PAGE_SIZE),
            "can_add": actor.has_perm("parts.add_requisition"),
        },
    )


def _part_choices(store: Store | None, *, selected: list[str] | None = None) -> list[tuple[str, str]]:
    """The picker's first options: the issuing store's available parts (the core's picker), plus any already
    chosen (a form shown again)."""
    choices = part_picker_choices(store)
    known = {code for code, _label in choices}
    extra = [c for c in (selected or []) if c and c not in known]
    choices += [(p.code, f"{p.code} {p.name}") for p in Part.objects.filter(code__in=extra)]
    return choices


@staff_page("parts.add_requisition")
def requisition_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    stores = _stores()
    status = 200
    if request.method == "POST":
        selected = [request.POST.get(f"part_{i}", "") for i in range(1, 7)]
        source = next((s for s in stores if s.code == request.POST.get("from_store")), None)
        form = RequisitionCreateForm(request.POST, stores=stores, part_choices=_part_choices(source, selected=selected))
        if form.is_valid():
            try:
                found = requisitions.requisition_create(
                    actor=actor,
                    from_store=form.cleaned_data["from_store"],
                    to_store=form.cleaned_data["to_store"],
                    reason=form.cleaned_data["reason"],
                    lines=form.lines(),
                    service_request=form.cleaned_data["service_request"],
                )
            except DomainError as exc:
                form_errors_from(form, exc, aliases={"lines": None})
                status = exc.status
            else:
                messages.success(
                    request, _("Requisition %(number)s submitted for approval.") % {"number": found.number}
                )
                return redirect("parts_flow:requisition_detail", number=found.number)
        else:
            status = 422
    else:
        mine = next((s for s in stores if store_is_mine(s, actor) and s.kind != StoreKind.CENTRAL), None)
        central = next((s for s in stores if s.kind == StoreKind.CENTRAL), None)
        form = RequisitionCreateForm(
            stores=stores,
            part_choices=_part_choices(central),
            initial={
                "to_store": mine.code if mine else "",
                "from_store": central.code if central else "",
                "service_request": (request.GET.get("service_request") or "")[:20],
            },
        )
    return render(request, "parts_flow/requisition_create.html", {"form": form}, status=status)


def _requisition_actions(actor: Actor, found: Requisition) -> dict[str, Any]:
    """The action forms the actor may use on the requisition now (the services check again)."""
    forms: dict[str, Any] = {}
    approval = approval_for(found)
    if (
        found.state == RequisitionState.REQUESTED
        and approval is not None
        and approval.state == ApprovalState.PENDING
        and actor_may_decide_approval(actor, approval)
        and approval.requested_by_id != actor.pk
    ):
        forms["approve"] = DecideForm(prefix="approve", initial={"version": found.version})
        forms["refuse"] = RefuseForm(prefix="refuse", initial={"version": found.version})
    if found.state == RequisitionState.APPROVED and actor.has_perm(ISSUE_REQUISITIONS):
        forms["issue"] = PlainActionForm(prefix="issue", initial={"version": found.version})
    if found.state == RequisitionState.ISSUED and (
        actor.has_perm(ISSUE_REQUISITIONS) or found.requested_by_id == actor.pk or store_is_mine(found.to_store, actor)
    ):
        forms["receive"] = ReceiveForm(
            prefix="receive", initial={"version": found.version}, lines=found.lines.select_related("part")
        )
    if found.state in (RequisitionState.REQUESTED, RequisitionState.APPROVED) and (
        found.requested_by_id == actor.pk or actor.has_perm(ISSUE_REQUISITIONS)
    ):
        forms["cancel"] = DecideForm(prefix="cancel", initial={"version": found.version})
    return forms


def _run_requisition_action(
    request: HttpRequest, actor: Actor, found: Requisition, forms: dict[str, Any]
) -> tuple[bool, int]:
    name = request.POST.get("action", "")
    if name not in forms:
        return False, 403 if name else 400
    if name == "receive":
        form = ReceiveForm(request.POST, prefix=name, lines=found.lines.select_related("part"))
    else:
        form = type(forms[name])(request.POST, prefix=name)
    forms[name] = form
    if not form.is_valid():
        return False, 422
    data = form.cleaned_data
    version = data.get("version")
    try:
        if name == "approve":
            requisitions.requisition_approve(
                actor=actor, number=found.number, note=data["note"], expected_version=version
            )
        elif name == "refuse":
            requisitions.requisition_refuse(
                actor=actor, number=found.number, note=data["note"], expected_version=version
            )
        elif name == "issue":
            requisitions.requisition_issue(actor=actor, number=found.number, expected_version=version)
        elif name == "receive":
            requisitions.requisition_receive(
                actor=actor,
                number=found.number,
                lines=form.received_lines(),
                note=data["note"],
                expected_version=version,
            )
        elif name == "cancel":
            requisitions.requisition_cancel(
                actor=actor, number=found.number, note=data["note"], expected_version=version
            )
    except DomainError as exc:
        form_errors_from(form, exc, aliases={"lines": None})
        return False, exc.status
    return True, 200


ACTION_DONE = {
    "approve": gettext_lazy("Requisition approved: the parts are reserved in the issuing store."),
    "refuse": gettext_lazy("Requisition refused."),
    "issue": gettext_lazy("Parts issued: they are in transit to the receiving store."),
    "receive": gettext_lazy("Receipt recorded."),
    "cancel": gettext_lazy("Requisition cancelled."),
}


@staff_page("parts.view_requisition")
def requisition_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    found = selectors.access_requisition(actor, number)
    forms = _requisition_actions(actor, found)
    status = 200
    if request.method == "POST":
        done, status = _run_requisition_action(request, actor, found, forms)
        if done:
            messages.success(request, str(ACTION_DONE[request.POST["action"]]))
            return redirect("parts_flow:requisition_detail", number=found.number)
    approval = approval_for(found)
    return render(
        request,
        "parts_flow/requisition_detail.html",
        {
            "r": found,
            "lines": list(found.lines.select_related("part").order_by("id")),
            "approval": approval,
            "approver_label": role_label(found.approval_role) if found.approval_role else "",
            "forms": forms,
            "events": event_list_for(found),
        },
        status=status,
    )


@staff_page("parts.view_requisition")
def requisition_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.access_requisition(_actor(request), number)
    return _pdf(documents.requisition_pdf(found), f"{found.number}.pdf")


# --- P4 old-part returns ---------------------------------------------------------------------------------------

RETURN_COLUMNS = [
    Column(gettext_lazy("Part number"), lambda r: r.part.code),
    Column(pgettext_lazy("parts requisitions and returns", "Part"), lambda r: r.part.name),
    Column(gettext_lazy("Quantity"), lambda r: r.quantity),
    Column(pgettext_lazy("parts requisitions and returns", "Engineer"), lambda r: str(r.engineer)),
    Column(gettext_lazy("Service request"), lambda r: r.service_request.number if r.service_request_id else ""),
    Column(gettext_lazy("State"), lambda r: r.get_state_display()),
    Column(pgettext_lazy("parts requisitions and returns", "Due"), lambda r: r.due_at),
    Column(gettext_lazy("Disposition"), lambda r: r.get_disposition_display()),
    Column(pgettext_lazy("parts requisitions and returns", "Received at"), lambda r: r.received_at),
]


@staff_page("parts.view_partreturn")
def part_return_list(request: HttpRequest) -> HttpResponse:
    """P4: old parts owed back, per engineer; the parts keeper receives one and decides it here."""
    actor = _actor(request)
    from aftersales.accounts.selectors import user_list_with_role

    engineers = list(user_list_with_role("engineer")[:500]) if actor.has_perm("parts.receive_partreturn") else []
    params = request.GET.copy()
    if not params:
        params["state"] = PartReturnState.OUTSTANDING
    form = PartReturnFilterForm(params, engineers=engineers)
    data = form.cleaned_data if form.is_valid() else {}
    engineer = int(data["engineer"]) if data.get("engineer") else None
    queryset = selectors.part_return_list(
        actor, engineer=engineer, state=data.get("state", ""), overdue=bool(data.get("overdue"))
    )
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="part_returns",
            title=_("Old parts to return"),
            columns=RETURN_COLUMNS,
            rows=queryset,
            filters=data,
        )
    defective = _stores(StoreKind.DEFECTIVE)
    receive_form = None
    status = 200
    if actor.has_perm("parts.receive_partreturn"):
        receive_form = PartReturnReceiveForm(stores=defective)
        if request.method == "POST":
            receive_form = PartReturnReceiveForm(request.POST, stores=defective)
            if receive_form.is_valid():
                d = receive_form.cleaned_data
                try:
                    part_returns.part_return_receive(
                        actor=actor,
                        pk=d["part_return"],
                        disposition=d["disposition"],
                        store=d["store"],
                        old_serial=d["old_serial"],
                        supplier_name=d["supplier_name"],
                        complaint_number=d["complaint_number"],
                        expected_version=d.get("version"),
                    )
                except DomainError as exc:
                    form_errors_from(receive_form, exc)
                    status = exc.status
                else:
                    messages.success(request, _("Old part received into the defective parts store."))
                    return redirect(request.get_full_path())
            else:
                status = 422
    return render(
        request,
        "parts_flow/part_return_list.html",
        {"form": form, "page_obj": list_page(request, queryset, PAGE_SIZE), "receive_form": receive_form},
        status=status,
    )


# --- P5 demand plan and purchase requests -------------------------------------------------------------------

PLAN_COLUMNS = [
    Column(gettext_lazy("Part number"), lambda i: i.part_code),
    Column(pgettext_lazy("parts requisitions and returns", "Part"), lambda i: i.part_name),
    Column(gettext_lazy("Consumed"), lambda i: i.consumed),
    Column(gettext_lazy("Waiting"), lambda i: i.waiting),
    Column(pgettext_lazy("parts requisitions and returns", "On hand"), lambda i: i.on_hand),
    Column(gettext_lazy("Available"), lambda i: i.available),
    Column(gettext_lazy("In transit"), lambda i: i.in_transit),
    Column(gettext_lazy("Safety stock"), lambda i: i.safety_stock),
    Column(gettext_lazy("Reorder point"), lambda i: i.reorder_point),
    Column(gettext_lazy("Suggested"), lambda i: i.suggested),
]


@staff_page("parts.plan_purchaserequest")
def demand_plan_page(request: HttpRequest) -> HttpResponse:
    """备品配件需要计划: a store's plan; the keeper or the head of after-sales turns it into a purchase request."""
    actor = _actor(request)
    stores = _stores()
    status = 200
    if request.method == "POST":
        create = PurchaseCreateForm(request.POST)
        if create.is_valid():
            try:
                found = demand.purchase_request_create(
                    actor=actor,
                    store=create.cleaned_data["store"],
                    months=create.cleaned_data.get("months"),
                    note=create.cleaned_data["note"],
                )
            except DomainError as exc:
                messages.error(request, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("Purchase request %(number)s submitted for approval.") % {"number": found.number}
                )
                return redirect("parts_flow:purchase_request_detail", number=found.number)
        else:
            status = 422
    params = request.GET.copy()
    wanted = str(params.get("store", ""))
    if wanted.isdigit():  # the reorder alert links the store by id
        params["store"] = next((s.code for s in stores if str(s.pk) == wanted), wanted)
    form = DemandPlanForm(params or None, stores=stores)
    items: list[Any] = []
    terms = plan_terms()[0]
    store = None
    if form.is_bound and form.is_valid():
        store = next(s for s in stores if s.code == form.cleaned_data["store"])
        terms = plan_terms(form.cleaned_data.get("months"))[0]
        items = demand_plan(store, months=terms.history_months)
        if export_requested(request):
            return xlsx_export(
                actor=actor,
                list_name="demand_plan",
                title=_("Demand plan"),
                columns=PLAN_COLUMNS,
                rows=items,
                filters=form.cleaned_data,
            )
    only = request.GET.get("only") == "suggested"
    shown = [i for i in items if i.suggested > 0] if only else items
    return render(
        request,
        "parts_flow/demand_plan.html",
        {
            "form": form,
            "store": store,
            "terms": terms,
            "page_obj": list_page(request, shown, 50),
            "suggested_count": sum(1 for i in items if i.suggested > 0),
            "create_form": PurchaseCreateForm(initial={"store": store.code, "months": terms.history_months})
            if store
            else None,
        },
        status=status,
    )


PURCHASE_COLUMNS = [
    Column(gettext_lazy("Part number"), lambda line: line.part.code),
    Column(pgettext_lazy("parts requisitions and returns", "Part"), lambda line: line.part.name),
    Column(gettext_lazy("Specification"), lambda line: line.part.spec),
    Column(pgettext_lazy("parts requisitions and returns", "Unit"), lambda line: line.part.uom),
    Column(gettext_lazy("Quantity to buy"), lambda line: line.quantity),
    Column(gettext_lazy("Unit cost (yuan)"), lambda line: line.unit_cost),
    Column(gettext_lazy("Consumed"), lambda line: line.consumed),
    Column(gettext_lazy("Available"), lambda line: line.available),
    Column(gettext_lazy("In transit"), lambda line: line.in_transit),
    Column(gettext_lazy("Suggested"), lambda line: line.suggested),
]
PURCHASE_LIST_COLUMNS = [
    Column(gettext_lazy("Purchase request number"), lambda p: p.number),
    Column(gettext_lazy("State"), lambda p: p.get_state_display()),
    Column(gettext_lazy("Store"), lambda p: p.store.name),
    Column(gettext_lazy("Value (yuan)"), lambda p: p.value),
    Column(gettext_lazy("Created at"), lambda p: p.created_at),
]


@staff_page("parts.view_purchaserequest")
def purchase_request_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = PurchaseFilterForm(request.GET or None)
    data = form.cleaned_data if (form.is_bound and form.is_valid()) else {}
    queryset = selectors.purchase_request_list(actor, state=data.get("state", ""))
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="purchase_requests",
            title=_("Purchase requests"),
            columns=PURCHASE_LIST_COLUMNS,
            rows=queryset,
            filters=data,
        )
    return render(
        request,
        "parts_flow/purchase_request_list.html",
        {"form": form, "page_obj": list_page(request, queryset, PAGE_SIZE)},
    )


@staff_page("parts.view_purchaserequest")
def purchase_request_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    found = selectors.access_purchase_request(actor, number)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="purchase_request",
            title=found.number,
            columns=PURCHASE_COLUMNS,
            rows=found.lines.select_related("part").order_by("part__code"),
            filters={"number": found.number},
            filename=f"{found.number}.xlsx",
        )
    approval = approval_for(found)
    may_decide = bool(
        approval is not None
        and approval.state == ApprovalState.PENDING
        and actor_may_decide_approval(actor, approval)
        and approval.requested_by_id != actor.pk
    )
    forms: dict[str, Any] = {}
    if may_decide:
        forms = {
            "approve": DecideForm(prefix="approve", initial={"version": found.version}),
            "refuse": RefuseForm(prefix="refuse", initial={"version": found.version}),
        }
    status = 200
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in forms:
            status = 403
        else:
            form = type(forms[name])(request.POST, prefix=name)
            forms[name] = form
            if form.is_valid():
                call = demand.purchase_request_approve if name == "approve" else demand.purchase_request_refuse
                try:
                    call(
                        actor=actor,
                        number=found.number,
                        note=form.cleaned_data["note"],
                        expected_version=form.cleaned_data.get("version"),
                    )
                except DomainError as exc:
                    form_errors_from(form, exc)
                    status = exc.status
                else:
                    messages.success(request, _("Decision recorded."))
                    return redirect("parts_flow:purchase_request_detail", number=found.number)
            else:
                status = 422
    return render(
        request,
        "parts_flow/purchase_request_detail.html",
        {
            "p": found,
            "lines": list(found.lines.select_related("part").order_by("part__code")),
            "forms": forms,
            "events": event_list_for(found),
        },
        status=status,
    )


@staff_page("parts.view_purchaserequest")
def purchase_request_pdf(request: HttpRequest, number: str) -> HttpResponse:
    found = selectors.access_purchase_request(_actor(request), number)
    return _pdf(documents.purchase_request_pdf(found), f"{found.number}.pdf")
