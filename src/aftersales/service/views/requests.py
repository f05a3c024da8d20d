"""Pages of the service case (S1–S16): parse → one selector or service → render.

Intake (S1–S5), the request list, the dispatch board (S7, S8/S9 approvals, S10 tasks), the
request page (S4 charging, S11 countersign) and the engineer's phone screen (S7–S11).
Every action form carries the request's version, passed to the service as expected_version.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.choices import RegionTier
from aftersales.accounts.selectors import actor_for, service_point_list, user_list_with_role
from aftersales.approvals.selectors import approvals_for
from aftersales.core.access import Actor
from aftersales.core.actions import actions_run
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.customers.selectors import CustomerCard, customer_card, customer_for_intake, customer_lookup
from aftersales.followup.selectors import rating_for_request
from aftersales.installed_base.choices import ChargingType
from aftersales.installed_base.selectors import unit_list_with_coverage
from aftersales.parts.selectors import part_picker_choices, store_list, van_store_for
from aftersales.service import selectors, services
from aftersales.service.choices import ApprovalKind, FaultCodeKind, QuoteState, RequestState
from aftersales.service.dispatch_scoring import best_engineer, ranking_key
from aftersales.service.errors import ServiceErrorCode
from aftersales.service.forms import (
    ActionForm,
    ApprovalDecideForm,
    ApprovalRequestForm,
    ArriveForm,
    BookForm,
    CancelForm,
    CashCollectForm,
    ChargingForm,
    CloseForm,
    CompleteForm,
    CustomerAvailableForm,
    CustomerSearchForm,
    CustomerUnavailableForm,
    DepotForm,
    DispatchForm,
    IntakeForm,
    PartForm,
    PartsArrivedForm,
    QuoteOnSiteForm,
    QuoteRefuseForm,
    QuoteSignForm,
    ReopenForm,
    RequestFilterForm,
    SignForm,
    StepForm,
    TaskDoneForm,
    WaitPartsForm,
    code_choices,
    engineer_choices,
)
from aftersales.service.models import Quote, ServiceRequest
from aftersales.service.services import quotes as quote_services
from aftersales.service.transitions import ACTION_TRANSITIONS
from aftersales.service.views.attachments import attachments_context

PAGE_SIZE = 25
BOARD_SIZE = 25  # rows a board page: ~2.5 KB a row (with its dispatch form) keeps a page under 100 KB
ENGINEER_CHOICES = 20
BOARD_SIDE_ROWS = 10  # pending approvals and open tasks shown under the board (the oldest first)
BOARD_ENGINEER_CHOICES = 8  # the best-ranked few on the board; the request page offers ENGINEER_CHOICES
# A service error without field names that still belongs next to one field.
CODE_FIELDS = {
    ServiceErrorCode.SELF_CHECK_REQUIRED: "self_check_passed",
    ServiceErrorCode.UNSOLVED_NEEDS_PERMISSION: "resolution",
}
S = RequestState


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Log in first (anonymous → login page), then hold `perm` (else 403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _pdf_links(number: str) -> bool:
    """The printable forms are another module's URLs: link them only once they exist."""
    try:
        reverse("service:request_voucher_pdf", args=[number])
        reverse("service:request_repair_order_pdf", args=[number])
    except NoReverseMatch:
        return False
    return True


# --- actions on one request ------------------------------------------------------------------


@dataclass(frozen=True)
class RequestAction:
    """One button/form on a request: who may use it, when it is shown, which service it calls.

    Shown when the actor holds `perm` and the action (`move`) is allowed from the current state,
    narrowed to `from_states`; actions without a move are shown while the request is
    open. The service checks everything again: a stale page gets its Conflict message.
    """

    form: type[ActionForm]
    perm: str
    call: Callable[[Actor, str, dict[str, Any]], Any]
    done: Promise
    move: str = ""  # the action's name in service.transitions.ACTION_TRANSITIONS
    from_states: frozenset[str] = frozenset()
    when: Callable[[ServiceRequest], bool] | None = None  # a further condition on the request (B1 quotes)

    def visible(self, actor: Actor, sr: ServiceRequest) -> bool:
        if not actor.has_perm(self.perm):
            return False
        if self.from_states and sr.state not in self.from_states:
            return False
        if self.when is not None and not self.when(sr):
            return False
        if self.move:
            return sr.state in ACTION_TRANSITIONS[self.move]
        return sr.open


def _v(data: dict[str, Any]) -> int | None:
    return data.get("version")


def _chargeable(sr: ServiceRequest) -> bool:
    return sr.charging_type not in quote_services.FREE_CHARGING


def _accepted_quote(sr: ServiceRequest) -> Quote | None:
    return sr.quotes.filter(state=QuoteState.ACCEPTED).order_by("-created_at", "-id").first()


def _fee_collectable(sr: ServiceRequest) -> bool:
    return quote_services.quote_cash_collectable(_accepted_quote(sr))


ACTIONS: dict[str, RequestAction] = {
    # dispatcher / manager, on the request page and the board
    "dispatch": RequestAction(
        DispatchForm,
        "service.dispatch_servicerequest",
        lambda a, n, d: services.service_request_dispatch(
            actor=a, number=n, engineer=d["engineer"], note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Engineer assigned."),
        move="dispatch",
    ),
    "charging": RequestAction(
        ChargingForm,
        "service.dispatch_servicerequest",
        lambda a, n, d: services.service_request_charging_set(
            actor=a, number=n, charging_type=d["charging_type"], reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("Charging type saved."),
    ),
    "cancel": RequestAction(
        CancelForm,
        "service.add_servicerequest",
        lambda a, n, d: services.service_request_cancel(actor=a, number=n, reason=d["reason"], expected_version=_v(d)),
        gettext_lazy("Request cancelled."),
        move="cancel",
    ),
    "close": RequestAction(
        CloseForm,
        "service.close_servicerequest",
        lambda a, n, d: services.service_request_close(actor=a, number=n, note=d["note"], expected_version=_v(d)),
        gettext_lazy("Countersigned and closed."),
        move="close",
        from_states=frozenset({S.SIGNED, S.COMPLETED}),
    ),
    # engineer, on the phone screen
    "book": RequestAction(
        BookForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_book(
            actor=a, number=n, visit_at=d["visit_at"], confirmed_fault=d["confirmed_fault"], expected_version=_v(d)
        ),
        gettext_lazy("Visit booked."),
        move="book",
        from_states=frozenset({S.DISPATCHED, S.BOOKED}),
    ),
    "arrive": RequestAction(
        ArriveForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_arrive(actor=a, number=n, expected_version=_v(d)),
        gettext_lazy("Checked in on site."),
        move="arrive",
        from_states=frozenset({S.DISPATCHED, S.BOOKED}),
    ),
    "step": RequestAction(
        StepForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_step_add(actor=a, number=n, text=d["text"], expected_version=_v(d)),
        gettext_lazy("Work step recorded."),
    ),
    "part": RequestAction(
        PartForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_part_add(
            actor=a,
            number=n,
            part=d["part"],
            store=d["store"] or "",
            quantity=d["quantity"],
            serial=d["serial"],
            old_serial=d["old_serial"],
            expected_version=_v(d),
        ),
        gettext_lazy("Part recorded."),
    ),
    "wait_parts": RequestAction(
        WaitPartsForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_wait_parts(
            actor=a, number=n, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("Waiting for parts: the clocks are paused."),
        move="wait_parts",
    ),
    "parts_arrived": RequestAction(
        PartsArrivedForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_parts_arrived(actor=a, number=n, expected_version=_v(d)),
        gettext_lazy("Parts arrived: the clocks run again."),
        from_states=frozenset({S.WAITING_PARTS}),
    ),
    # 客户暂不方便 (S6): the engineer on the phone, the desk on the request page; clocks per policy
    "customer_unavailable": RequestAction(
        CustomerUnavailableForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_customer_unavailable(
            actor=a, number=n, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Customer unavailable: the clocks are paused."),
        move="customer_unavailable",
    ),
    "customer_available": RequestAction(
        CustomerAvailableForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_customer_available(
            actor=a, number=n, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Customer available again: the clocks run."),
        move="customer_available",
    ),
    "desk_customer_unavailable": RequestAction(
        CustomerUnavailableForm,
        "service.add_servicerequest",
        lambda a, n, d: services.service_request_customer_unavailable(
            actor=a, number=n, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Customer unavailable: the clocks are paused."),
        move="customer_unavailable",
    ),
    "desk_customer_available": RequestAction(
        CustomerAvailableForm,
        "service.add_servicerequest",
        lambda a, n, d: services.service_request_customer_available(
            actor=a, number=n, note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Customer available again: the clocks run."),
        move="customer_available",
    ),
    "approval": RequestAction(
        ApprovalRequestForm,
        "service.work_servicerequest",
        lambda a, n, d: services.approval_request(
            actor=a, number=n, kind=d["kind"], reason=d["reason"], cost=d["cost"], expected_version=_v(d)
        ),
        gettext_lazy("Sent to a manager for approval."),
    ),
    "to_depot": RequestAction(
        DepotForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_to_depot(
            actor=a, number=n, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("Taken to the depot."),
        move="to_depot",
        from_states=frozenset({S.DISPATCHED, S.BOOKED, S.ON_SITE}),
    ),
    "complete": RequestAction(
        CompleteForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_complete(
            actor=a,
            number=n,
            resolution=d["resolution"],
            work_summary=d["work_summary"],
            labour_minutes=d["labour_minutes"],
            self_check_passed=d["self_check_passed"],
            cause_code_id=d.get("cause_code") or None,
            confirmed_symptom_code_id=d.get("confirmed_symptom_code") or None,
            expected_version=_v(d),
        ),
        gettext_lazy("Job completed."),
        move="complete",
        from_states=frozenset({S.DISPATCHED, S.BOOKED, S.ON_SITE, S.IN_DEPOT}),
    ),
    "sign": RequestAction(
        SignForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_sign_off(
            actor=a, number=n, signature=d["signature"], signed_by_name=d["signed_by_name"], expected_version=_v(d)
        ),
        gettext_lazy("Signed by the customer."),
        move="sign_off",
    ),
    # B1 on the phone: quote the recorded parts, the customer signs, cash collected on site
    "quote": RequestAction(
        QuoteOnSiteForm,
        "service.work_servicerequest",
        lambda a, n, d: quote_services.quote_offer(
            actor=a,
            number=n,
            labour_hours=d["labour_hours"],
            lines=[],
            note=d["note"],
            recorded_parts=True,
            expected_version=_v(d),
        ),
        gettext_lazy("Quotation offered: the customer checks it and signs below."),
        from_states=frozenset({S.ON_SITE, S.IN_DEPOT}),
        when=lambda sr: _chargeable(sr) and not _accepted_quote(sr),
    ),
    "accept_quote": RequestAction(
        QuoteSignForm,
        "service.work_servicerequest",
        lambda a, n, d: quote_services.quote_accept(
            actor=a,
            number=n,
            decided_by_name=d["customer_name"],
            via="onsite",
            payment_date=d["payment_date"],
            signature=d["signature"],
            expected_version=_v(d),
        ),
        gettext_lazy("The customer accepted the quotation: the work goes on."),
        from_states=frozenset({S.QUOTED}),
    ),
    "decline_quote": RequestAction(
        QuoteRefuseForm,
        "service.work_servicerequest",
        lambda a, n, d: quote_services.quote_decline(
            actor=a,
            number=n,
            reason=d["reason"],
            decided_by_name=d["customer_name"],
            via="onsite",
            expected_version=_v(d),
        ),
        gettext_lazy("The customer declined the quotation; the request has ended."),
        from_states=frozenset({S.QUOTED}),
    ),
    "collect": RequestAction(
        CashCollectForm,
        "service.work_servicerequest",
        lambda a, n, d: quote_services.quote_cash_collect(actor=a, number=n, expected_version=_v(d)),
        gettext_lazy("Cash collected: hand it to finance, who confirms receipt."),
        when=_fee_collectable,
    ),
    "reopen": RequestAction(
        ReopenForm,
        "service.work_servicerequest",
        lambda a, n, d: services.service_request_reopen(actor=a, number=n, reason=d["reason"], expected_version=_v(d)),
        gettext_lazy("Back to work."),
        from_states=frozenset({S.COMPLETED}),
    ),
}
DETAIL_ACTIONS = ("dispatch", "charging", "cancel", "close", "desk_customer_unavailable", "desk_customer_available")
ENGINEER_ACTIONS = (
    "book",
    "arrive",
    "step",
    "part",
    "wait_parts",
    "parts_arrived",
    "customer_unavailable",
    "customer_available",
    "approval",
    "to_depot",
    "complete",
    "sign",
    "reopen",
    "quote",
    "accept_quote",
    "decline_quote",
    "collect",
)


def _signature_data_url(sr: ServiceRequest) -> str:
    if not sr.signature_png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(sr.signature_png)).decode()


def _region_tier_label(value: str) -> str:
    try:
        return str(RegionTier(value).label) if value else ""
    except ValueError:
        return value


def _charging_label(value: str) -> str:
    try:
        return str(ChargingType(value).label)
    except ValueError:
        return value


# --- intake (S1–S5) --------------------------------------------------------------------------


def _intake_customer(actor: Actor, raw: Any) -> CustomerCard | None:
    """The chosen file as the actor may see it (C3: a confidential one shows its number and name only)."""
    raw = str(raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    return customer_card(actor, customer_for_intake(actor, int(raw)), with_contacts=True)


def _intake_contact(customer: CustomerCard, raw: Any) -> Any:
    """The contact chosen from the candidate list (the one the lookup matched), else the primary (C6).

    Only a contact of this file that the card shows (an open file) is taken; anything else is ignored."""
    raw = str(raw or "").strip()
    chosen = next((c for c in customer.contacts if str(c.pk) == raw), None) if raw.isascii() and raw.isdigit() else None
    return chosen or customer.primary_contact


def _unit_rows(actor: Actor, customer: Any) -> list[dict[str, Any]]:
    rows = []
    for unit, coverage in unit_list_with_coverage(actor, customer.pk):
        rows.append(
            {
                "unit": unit,
                "coverage": coverage,
                "charging_label": _charging_label(coverage.charging_type),
            }
        )
    return rows


def _unit_choices(rows: list[dict[str, Any]]) -> list[tuple[str, str]]:
    out = []
    for row in rows:
        unit, coverage = row["unit"], row["coverage"]
        warranty = _("in warranty") if coverage.in_warranty else _("out of warranty")
        out.append((unit.serial, f"{unit.serial} · {unit.product.model} · {warranty} · {row['charging_label']}"))
    return out


def _intake_codes(unit_rows: list[dict[str, Any]], serial: Any) -> list[Any]:
    """The symptom picker at intake: the chosen unit's product category (else every category)."""
    unit = next((row["unit"] for row in unit_rows if row["unit"].serial == serial), None)
    return selectors.fault_codes_for(kind=FaultCodeKind.SYMPTOM, category=unit.product.category if unit else None)


@staff_page("service.view_servicerequest")
def fault_code_options(request: HttpRequest) -> HttpResponse:
    """htmx: the <option>s of a fault-code picker, for a unit (serial) or a request (number), matching `q`
    against code, name and synonyms."""
    actor = _actor(request)
    kind = request.GET.get("kind", FaultCodeKind.SYMPTOM)
    if kind not in FaultCodeKind.values:
        kind = FaultCodeKind.SYMPTOM
    category: str | None = None
    number = request.GET.get("number", "").strip()[:20]
    serial = request.GET.get("unit", "").strip()[:64]
    if number:
        sr = selectors.access_service_request(actor, number)
        category = sr.unit.product.category if sr.unit else None
    elif serial:
        category = selectors.unit_product_category(serial)
    query = (request.GET.get("q") or request.GET.get("code_q") or "")[:64]
    codes = selectors.fault_codes_for(kind=kind, category=category, query=query)
    return render(
        request,
        "service/_code_options.html",
        {
            "choices": code_choices(codes),
            "selected": request.GET.get("selected") or request.GET.get("symptom_code", ""),
        },
    )


@staff_page("service.add_servicerequest")
def request_create(request: HttpRequest) -> HttpResponse:
    """One screen for the hotline: find the caller, pick the unit, describe the fault, register (S1)."""
    actor = _actor(request)
    search = CustomerSearchForm(request.GET or None)
    q = request.GET.get("q", "").strip()[:100]
    results = customer_lookup(actor, q) if q and not request.GET.get("customer") else []
    customer = _intake_customer(actor, request.POST.get("customer") if request.method == "POST" else None)
    if customer is None:
        customer = _intake_customer(actor, request.GET.get("customer"))
    unit_rows = _unit_rows(actor, customer) if customer else []
    form = None
    status = 200
    if customer is not None:
        initial: dict[str, Any] = {"customer": customer.pk}
        if customer.may_open and not customer.confidential:  # C3: a confidential file's contacts are typed
            contact = _intake_contact(customer, request.GET.get("contact"))
            initial["contact_name"] = contact.name if contact else ""
            initial["phone"] = (contact.phone if contact and contact.phone else "") or customer.phone
            initial["address"] = customer.address
        if len(unit_rows) == 1:
            initial["unit"] = unit_rows[0]["unit"].serial
        form = IntakeForm(
            request.POST if request.method == "POST" else None,
            initial=initial,
            unit_choices=_unit_choices(unit_rows),
            symptom_codes=_intake_codes(unit_rows, request.POST.get("unit") or initial.get("unit")),
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    sr = services.service_request_create(actor=actor, **form.service_values())
                except DomainError as exc:
                    form_errors_from(
                        form,
                        exc,
                        aliases={"serial": "unit", "customer_id": "customer", "symptom_code_id": "symptom_code"},
                        code_fields=CODE_FIELDS,
                    )
                    status = exc.status
                else:
                    messages.success(request, _("Service request %(number)s registered.") % {"number": sr.number})
                    return redirect("service:request_detail", number=sr.number)
            else:
                status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "service/request_create.html",
        {
            "search": search,
            "q": q,
            "results": results,
            "customer": customer,
            "unit_rows": unit_rows,
            "form": form,
        },
        status=status,
    )


# --- list ------------------------------------------------------------------------------------

REQUEST_SORTS = {
    "number": "number",
    "state": "state",
    "received_at": "received_at",
    "customer": "customer__name",
    "priority": "priority",
    "engineer": "engineer__username",
}
REQUEST_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda sr: sr.number),
    Column(gettext_lazy("State"), lambda sr: sr.get_state_display()),
    Column(gettext_lazy("Received at"), lambda sr: sr.received_at),
    Column(gettext_lazy("Customer"), lambda sr: sr.customer.name),
    Column(gettext_lazy("Customer code"), lambda sr: sr.customer.code),
    Column(gettext_lazy("Unit"), lambda sr: sr.unit.serial if sr.unit else sr.model_text),
    Column(gettext_lazy("Priority"), lambda sr: sr.get_priority_display()),
    Column(gettext_lazy("Engineer"), lambda sr: str(sr.engineer) if sr.engineer else ""),
    Column(gettext_lazy("Service point"), lambda sr: sr.service_point.name if sr.service_point else ""),
    Column(gettext_lazy("Fault description"), lambda sr: sr.fault),
]


@staff_page("service.view_servicerequest")
def request_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    engineers = [(u.username, str(u)) for u in user_list_with_role(selectors.ENGINEER_ROLE)]
    points = [(p.code, f"{p.code} {p.name}") for p in service_point_list()]
    form = RequestFilterForm(request.GET or None, engineers=engineers, points=points)
    filters = form.selector_filters() if (not form.is_bound or form.is_valid()) else None
    queryset = (
        selectors.service_request_list(actor, **filters) if filters is not None else ServiceRequest.objects.none()
    )
    queryset, sort = sort_apply(queryset, request.GET.get("sort"), REQUEST_SORTS, default="-received_at")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="service-requests",
            title=_("Service requests"),
            columns=REQUEST_COLUMNS,
            rows=queryset,
            filters=filters or {},
        )
    page = list_page(request, queryset, PAGE_SIZE)
    return render(
        request,
        "service/request_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_add": actor.has_perm("service.add_servicerequest"),
        },
    )


# --- dispatch board (S7, S8/S9, S10) ---------------------------------------------------------


def _board_post(request: HttpRequest, actor: Actor) -> tuple[Any, int, str]:
    """Run the board's posted action. Returns (bound form or None, status, error message)."""
    action = request.POST.get("action", "")
    if action == "dispatch":
        sr = selectors.access_service_request(actor, request.POST.get("number", ""))
        form = DispatchForm(
            request.POST,
            auto_id=f"id_{sr.number}_%s",
            suggestions=selectors.engineer_suggestions(sr, limit=ENGINEER_CHOICES),
        )
        form.number = sr.number  # type: ignore[attr-defined]  # for the template: which row the form belongs to
        if not form.is_valid():
            return form, 422, ""
        try:
            ACTIONS["dispatch"].call(actor, sr.number, form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc, code_fields=CODE_FIELDS)
            return form, exc.status, str(exc.message)
        sr = selectors.access_service_request(actor, sr.number)  # the engineer's name, not the login name
        messages.success(
            request,
            _("%(number)s dispatched to %(engineer)s.") % {"number": sr.number, "engineer": str(sr.engineer or "")},
        )
        return None, 0, ""
    if action in ("approve", "refuse"):
        approval_form = ApprovalDecideForm(request.POST)
        if not approval_form.is_valid():
            return None, 400, _("Unknown approval.")
        try:
            services.approval_decide(
                actor=actor,
                approval_id=approval_form.cleaned_data["approval"],
                approve=action == "approve",
                note=approval_form.cleaned_data["note"],
            )
        except DomainError as exc:
            return None, exc.status, str(exc.message)
        messages.success(request, _("Approved.") if action == "approve" else _("Refused."))
        return None, 0, ""
    if action == "task_done":
        task_form = TaskDoneForm(request.POST)
        if not task_form.is_valid():
            return None, 400, _("Unknown task.")
        try:
            services.service_task_done(
                actor=actor, task_id=task_form.cleaned_data["task"], note=task_form.cleaned_data["note"]
            )
        except DomainError as exc:
            return None, exc.status, str(exc.message)
        messages.success(request, _("Task done."))
        return None, 0, ""
    return None, 400, _("Unknown action.")


def _best_reason(row: dict[str, Any]) -> str:
    """Why the board preselects this engineer, in plain words (S7: place first, then open load)."""
    if row["same_point"]:
        place = _("works from the request's service point")
    elif row["same_region"]:
        place = _("works in the request's region")
    else:
        place = _("no engineer works nearer")
    reason = _("%(name)s: %(place)s, %(n)s open jobs — fewer than the others equally near.") % {
        "name": row["user"],
        "place": place,
        "n": row["open_jobs"],
    }
    if row.get("certified"):  # T2: certified engineers come first (policy S7.certified_weight)
        reason += " " + _("Holds a valid certificate for %(line)s.") % {"line": row["product_line"]}
    return reason


# The board's Excel export (`?export=xlsx`): every waiting request in board order, as the pages show them.
BOARD_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda sr: sr.number),
    Column(gettext_lazy("Carried over"), lambda sr: sr.carried_over_on),
    Column(gettext_lazy("Priority"), lambda sr: sr.get_priority_display()),
    Column(gettext_lazy("Received at"), lambda sr: sr.received_at),
    Column(gettext_lazy("Customer"), lambda sr: sr.customer.name),
    Column(gettext_lazy("Customer code"), lambda sr: sr.customer.code),
    Column(gettext_lazy("Service point"), lambda sr: sr.service_point.name if sr.service_point else ""),
    Column(gettext_lazy("Unit"), lambda sr: sr.unit.serial if sr.unit else sr.model_text),
    Column(gettext_lazy("Model"), lambda sr: sr.unit.product.model if sr.unit else sr.model_text),
    Column(gettext_lazy("Fault description"), lambda sr: sr.fault),
    Column(gettext_lazy("Charging type"), lambda sr: _charging_label(sr.charging_type)),
]


@staff_page("service.dispatch_servicerequest")
def dispatch_board(request: HttpRequest) -> HttpResponse:
    """S7: requests waiting for an engineer (carried over first), pending approvals, open tasks."""
    actor = _actor(request)
    posted_form, status, error = (None, 200, "")
    if request.method == "POST":
        posted_form, status, error = _board_post(request, actor)
        if status == 0:
            return redirect("service:board")
    elif export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="dispatch-board",
            title=_("Dispatch board"),
            columns=BOARD_COLUMNS,
            rows=selectors.dispatch_board_list(actor),
        )
    page = list_page(request, selectors.dispatch_board_list(actor), BOARD_SIZE, rows=selectors.dispatch_board_rows)
    # One query for the page's clocks, not one per row; the board shows each request's most pressing
    # clock ({% clocks_brief %}: state and due time), so their segments are not read.
    selectors.clocks_prefetch(page.object_list, segments=False)
    engineers = selectors.engineer_candidates()
    # The ranking, its best engineer and the select's options depend only on the request's place
    # (service point, region): made once per place, not once per row (docs/decisions/0027).
    by_place: dict[tuple[Any, ...], tuple[dict[str, Any] | None, list[tuple[str, str]], str]] = {}
    held = {line for engineer in engineers for line in getattr(engineer, "certified_lines", ())}
    rows = []
    for sr in page.object_list:
        place = ranking_key(sr, held)
        if place not in by_place:
            suggestions = selectors.engineer_suggestions(sr, limit=BOARD_ENGINEER_CHOICES, engineers=engineers)
            best = best_engineer(suggestions)
            by_place[place] = (best, engineer_choices(suggestions), _best_reason(best) if best else "")
        best, choices, reason = by_place[place]
        if posted_form is not None and getattr(posted_form, "number", None) == sr.number:
            form = posted_form
        else:
            initial = {"version": sr.version, "engineer": best["user"].username if best else ""}
            form = DispatchForm(initial=initial, auto_id=f"id_{sr.number}_%s", choices=choices)
        rows.append(
            {
                "sr": sr,
                "form": form,
                "charging_label": _charging_label(sr.charging_type),
                "best": best,
                "best_reason": reason,
            }
        )
    approvals, tasks = selectors.board_side_rows(actor, BOARD_SIDE_ROWS + 1)
    return render(
        request,
        "service/board.html",
        {
            "page_obj": page,
            "rows": rows,
            # The first few of each under the requests, the oldest first; the rest on the approvals
            # queue (a board page stays under 100 KB, docs/decisions/0027).
            "approvals": approvals[:BOARD_SIDE_ROWS],
            "approvals_more": len(approvals) > BOARD_SIDE_ROWS,
            "tasks": tasks[:BOARD_SIDE_ROWS],
            "tasks_more": len(tasks) > BOARD_SIDE_ROWS,
            "error": error,
            "refresh_seconds": settings.AFTERSALES_LIVE_REFRESH_SECONDS,  # the board polls itself (htmx)
        },
        status=status,
    )


# --- the request page ------------------------------------------------------------------------


@staff_page("service.view_servicerequest")
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    sr = selectors.access_service_request(actor, number)
    form_kwargs: dict[str, Any] = {"part": _part_picker(actor)}
    if ACTIONS["dispatch"].visible(actor, sr) or request.POST.get("action") == "dispatch":
        form_kwargs["dispatch"] = {"suggestions": selectors.engineer_suggestions(sr, limit=ENGINEER_CHOICES)}
    outcome = actions_run(
        request, actor, sr, ACTIONS, names=DETAIL_ACTIONS, form_kwargs=form_kwargs, code_fields=CODE_FIELDS
    )
    if outcome.done:
        return redirect("service:request_detail", number=sr.number)
    if "charging" in outcome.forms and not outcome.forms["charging"].is_bound:
        outcome.forms["charging"].initial["charging_type"] = sr.charging_type
    can_work = actor.has_perm("service.work_servicerequest") and (
        sr.engineer_id == actor.pk or actor.has_perm("service.dispatch_servicerequest")
    )
    return render(
        request,
        "service/request_detail.html",
        {
            "sr": sr,
            "events": event_list_for(sr),
            "charging_label": _charging_label(sr.charging_type),
            "region_tier_label": _region_tier_label(sr.region_tier),
            "action_forms": outcome.forms,
            "action_error": outcome.error,
            "steps": list(sr.steps.select_related("author")),
            "parts": list(sr.parts.all()),
            "approvals": approvals_for(sr, kinds=tuple(ApprovalKind.values)),
            "tasks": list(sr.tasks.all()),
            "can_approve": actor.has_perm("service.approve_servicerequest"),
            "can_work": can_work and sr.open,
            "signature_url": _signature_data_url(sr),
            "pdf_links": _pdf_links(sr.number),
            **attachments_context(actor, sr, panel="detail"),
            "rating": rating_for_request(actor, sr),  # V3: the customer's rating of the engineer
        },
        status=outcome.status,
    )


@staff_page("service.view_servicerequest")
def request_clocks(request: HttpRequest, number: str) -> HttpResponse:
    """The request's clocks with their explanations (a fragment: the board loads it on demand)."""
    sr = selectors.access_service_request(_actor(request), number)
    return render(request, "service/_request_clocks.html", {"sr": sr})


@staff_page("service.approve_servicerequest")
def approval_decide(request: HttpRequest, number: str) -> HttpResponse:
    """Approve or refuse from the request page (the board does the same); back to the request."""
    actor = _actor(request)
    sr = selectors.access_service_request(actor, number)
    if request.method != "POST":
        return redirect("service:request_detail", number=sr.number)
    form = ApprovalDecideForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid() and action in ("approve", "refuse"):
        try:
            services.approval_decide(
                actor=actor,
                approval_id=form.cleaned_data["approval"],
                approve=action == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Approved.") if action == "approve" else _("Refused."))
    return redirect("service:request_detail", number=sr.number)


# --- the engineer's phone screen (S7–S11) ----------------------------------------------------


def _job_fee_context(sr: ServiceRequest) -> dict[str, Any]:
    """B1 on the phone: why the job is charged, the quotation in play and the fee's state."""
    chargeable = _chargeable(sr)
    standard = selectors.fee_standard_current() if chargeable else None
    quote = selectors.quote_current(sr) if chargeable else None
    accepted = _accepted_quote(sr) if chargeable else None
    limit = quote_services.cash_limit() if accepted is not None else None
    agreed = None
    if accepted is not None:
        agreed = accepted.agreed_price if accepted.agreed_price is not None else accepted.total
    return {
        "chargeable": chargeable,
        "charge_explanation": quote_services.charge_explanation(sr, standard),
        "fee_standard": standard,
        "quote": quote,
        "quote_lines": list(quote.lines.all()) if quote is not None else [],
        "accepted": accepted,
        "agreed_price": agreed,
        "cash_limit": limit,
        "over_cash_limit": agreed is not None and limit is not None and agreed > limit,
    }


# "My jobs" in Excel: rows are (request, visit contact, address) as the page shows them (C3 applied).
ENGINEER_JOB_COLUMNS = [
    Column(gettext_lazy("Request number"), lambda job: job[0].number),
    Column(gettext_lazy("Customer"), lambda job: job[0].customer.name),
    Column(gettext_lazy("Unit"), lambda job: job[0].unit.serial if job[0].unit else job[0].model_text),
    Column(gettext_lazy("State"), lambda job: job[0].get_state_display()),
    Column(gettext_lazy("Priority"), lambda job: job[0].get_priority_display()),
    Column(gettext_lazy("Due"), lambda job: job[0].due_at),
    Column(gettext_lazy("Visit time"), lambda job: job[0].visit_at),
    Column(gettext_lazy("Contact"), lambda job: job[1].contact_name if job[1] else ""),
    Column(gettext_lazy("Phone"), lambda job: job[1].phone if job[1] else ""),
    Column(gettext_lazy("Address"), lambda job: job[2]),
]


@staff_page("service.work_servicerequest")
def engineer_jobs(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    jobs = []
    for sr in selectors.engineer_jobs(actor):
        visit = selectors.request_visit_contact(actor, sr)
        jobs.append((sr, visit, sr.address or (visit.address if visit else "")))
    if export_requested(request):  # the engineer's own open jobs: a few dozen at most, streamed
        return xlsx_export(
            actor=actor, list_name="my-jobs", title=_("My jobs"), columns=ENGINEER_JOB_COLUMNS, rows=jobs
        )
    return render(
        request,
        "service/engineer_jobs.html",
        {"jobs": jobs, "today": timezone.localdate(), "now": timezone.now()},
    )


def _complete_codes(sr: ServiceRequest) -> dict[str, dict[str, Any]]:
    """The completion form's pickers: the cause and symptom codes of the unit's product category."""
    category = sr.unit.product.category if sr.unit else None
    return {
        "complete": {
            "cause_codes": selectors.fault_codes_for(kind=FaultCodeKind.CAUSE, category=category),
            "symptom_codes": selectors.fault_codes_for(kind=FaultCodeKind.SYMPTOM, category=category),
        }
    }


def _part_picker(actor: Actor) -> dict[str, Any]:
    """P3: the part form's pickers: the actor's van stock first (what is available), the stores."""
    return {
        "part_choices": part_picker_choices(van_store_for(actor.user)),
        "store_choices": [(s.code, s.name) for s in store_list()],
        "options_url": reverse("parts:part_options"),
    }


@staff_page("service.work_servicerequest")
def engineer_job(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    sr = selectors.access_service_request(actor, number)
    outcome = actions_run(
        request,
        actor,
        sr,
        ACTIONS,
        names=ENGINEER_ACTIONS,
        code_fields=CODE_FIELDS,
        form_kwargs={**_complete_codes(sr), "part": _part_picker(actor)},
    )
    if outcome.done:
        return redirect("service:engineer_job", number=sr.number)
    fee = _job_fee_context(sr)
    complete = outcome.forms.get("complete")
    if complete is not None and not complete.is_bound and fee["accepted"] is not None:
        # B1: the labour quoted and accepted is the labour of the repair order
        complete.initial["labour_minutes"] = int(fee["accepted"].labour_hours * 60)
    sign = outcome.forms.get("accept_quote")
    if sign is not None and not sign.is_bound:
        sign.initial["customer_name"] = sr.contact_name
    return render(
        request,
        "service/engineer_job.html",
        {
            **fee,
            "sr": sr,
            "visit": selectors.request_visit_contact(actor, sr),
            "action_forms": outcome.forms,
            "action_error": outcome.error,
            "steps": list(sr.steps.all()),
            "parts": list(sr.parts.all()),
            "approvals": approvals_for(sr, kinds=tuple(ApprovalKind.values)),
            "charging_label": _charging_label(sr.charging_type),
            "signature_url": _signature_data_url(sr),
            **attachments_context(actor, sr),
        },
        status=outcome.status,
    )
