"""Staff pages of a complaint (K1–K16): registration, list, the complaint page, the two PDFs.

The complaint page shows the registration, the K5/K6 clocks with their explanation, the K7
approval level of the amount, the internal handling (staff only) apart from the reply to the
customer (K11), the K10 chain, the timeline, and one version-checked form per move the user may
make now. A refused move re-renders the page with the error (in Chinese) and its status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.selectors import approvals_for
from aftersales.approvals.services import ApprovalState, approval_level
from aftersales.complaints import documents, selectors, services
from aftersales.complaints.choices import ENDED_STATES, CapaState
from aftersales.complaints.forms import (
    ActionForm,
    ApprovalDecideForm,
    CapaDoneForm,
    CapaPlanForm,
    CapaVerifyForm,
    CloseForm,
    ComplaintFilterForm,
    ComplaintRegisterForm,
    CustomerSearchForm,
    DecideForm,
    EscalateForm,
    ImplementForm,
    NoteForm,
    ReassignForm,
    RejectForm,
    ReplyForm,
)
from aftersales.complaints.models import Complaint
from aftersales.complaints.transitions import ACTION_TRANSITIONS
from aftersales.core.access import Actor
from aftersales.core.actions import actions_run
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.customers.selectors import customer_card, customer_for_intake, customer_lookup

PAGE_SIZE = 25
VIEW = "complaints.view_complaint"
HANDLE = "complaints.handle_complaint"
HEAD = "complaints.head_complaint"


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Log in first (anonymous → login page), then hold `perm` (else 403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _v(data: dict[str, Any]) -> int | None:
    return data.get("version")


# --- actions on one complaint ----------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintAction:
    """One form on the complaint page: who may use it, when it is shown, which service it calls.

    Shown when the actor holds `perm` and the move is allowed from the current state (`visible`
    narrows it further). The service checks everything again: a stale page gets its Conflict.
    """

    form: type[ActionForm]
    perm: str
    call: Callable[[Actor, str, dict[str, Any]], Any]
    done: Promise
    label: Promise
    move: str = ""
    visible_when: Callable[[Complaint], bool] | None = None

    def visible(self, actor: Actor, complaint: Complaint) -> bool:
        if not actor.has_perm(self.perm):
            return False
        if self.visible_when is not None and not self.visible_when(complaint):
            return False
        return not self.move or complaint.state in ACTION_TRANSITIONS[self.move]


def _reportable(complaint: Complaint) -> bool:
    return complaint.major and complaint.head_reported_at is None and complaint.state not in ENDED_STATES


def _implement(a: Actor, n: str, d: dict[str, Any]) -> Any:
    return services.complaint_implement(
        actor=a,
        number=n,
        note=d["note"],
        human_factor=d["human_factor"],
        responsible_department=d["responsible_department"],
        responsible_person=d["responsible_person"],
        loss_amount=d["loss_amount"],
        expected_version=_v(d),
    )


ACTIONS: dict[str, ComplaintAction] = {
    "report": ComplaintAction(
        NoteForm,
        HANDLE,
        lambda a, n, d: services.complaint_report(actor=a, number=n, note=d["note"], expected_version=_v(d)),
        gettext_lazy("Report recorded."),
        gettext_lazy("Record the report"),
        visible_when=_reportable,
    ),
    "contact": ComplaintAction(
        NoteForm,
        HANDLE,
        lambda a, n, d: services.complaint_contact(actor=a, number=n, note=d["note"], expected_version=_v(d)),
        gettext_lazy("Customer contacted."),
        gettext_lazy("Customer contacted"),
        move="contact",
    ),
    "decide": ComplaintAction(
        DecideForm,
        HANDLE,
        lambda a, n, d: services.complaint_decide(actor=a, number=n, expected_version=_v(d), **_decision(d)),
        gettext_lazy("Decision saved."),
        gettext_lazy("Decide"),
        move="decide",
    ),
    "escalate": ComplaintAction(
        EscalateForm,
        HANDLE,
        lambda a, n, d: services.complaint_escalate(actor=a, number=n, reason=d["reason"], expected_version=_v(d)),
        gettext_lazy("Escalated to the department head."),
        gettext_lazy("Escalate to the department head"),
        move="escalate",
    ),
    "approve": ComplaintAction(
        DecideForm,
        HEAD,
        lambda a, n, d: services.complaint_approve(actor=a, number=n, expected_version=_v(d), **_decision(d)),
        gettext_lazy("Decision saved."),
        gettext_lazy("Decide as department head"),
        move="approve",
    ),
    "reply": ComplaintAction(
        ReplyForm,
        HANDLE,
        lambda a, n, d: services.complaint_reply(
            actor=a, number=n, public_reply=d["public_reply"], expected_version=_v(d)
        ),
        gettext_lazy("Reply recorded."),
        gettext_lazy("Send the reply"),
        move="reply",
    ),
    "implement": ComplaintAction(
        ImplementForm,
        HANDLE,
        _implement,
        gettext_lazy("Recorded as carried out."),
        gettext_lazy("Carried out"),
        move="implement",
    ),
    "close": ComplaintAction(
        CloseForm,
        HANDLE,
        lambda a, n, d: services.complaint_close(actor=a, number=n, unfounded=d["unfounded"], expected_version=_v(d)),
        gettext_lazy("Complaint closed."),
        gettext_lazy("Close the complaint"),
        move="close",
    ),
    "reassign": ComplaintAction(
        ReassignForm,
        HANDLE,
        lambda a, n, d: services.complaint_reassign(
            actor=a, number=n, owner=d["owner"], reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("Complaint reassigned; the new owner has been told."),
        gettext_lazy("Reassign"),
        visible_when=lambda c: c.state not in ENDED_STATES,
    ),
    "reject": ComplaintAction(
        RejectForm,
        HANDLE,
        lambda a, n, d: services.complaint_reject_conclusion(
            actor=a, number=n, reason=d["reason"], expected_version=_v(d)
        ),
        gettext_lazy("A new complaint continues the case."),
        gettext_lazy("The customer rejects the conclusion"),
        move="reject_conclusion",
    ),
}


def _decision(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "disposition": d["disposition"],
        "decision": d["decision"],
        "amount": d["amount"] if d["amount"] is not None else Decimal(0),
        "internal_handling": d["internal_handling"],
    }


# --- K14 corrective and preventive action (CAPA) on the complaint page ---------------------------

CAPA_PLAN = "complaints.add_correctiveaction"
CAPA_DONE = "complaints.change_correctiveaction"
CAPA_VERIFY = "complaints.verify_correctiveaction"
CAPA_MOVES: dict[str, tuple[str, type[Any], Promise]] = {
    "capa_plan": (CAPA_PLAN, CapaPlanForm, gettext_lazy("Corrective action planned.")),
    "capa_done": (CAPA_DONE, CapaDoneForm, gettext_lazy("Corrective action carried out.")),
    "capa_verify": (CAPA_VERIFY, CapaVerifyForm, gettext_lazy("Verification recorded.")),
}


@dataclass
class CapaOutcome:
    plan_form: Any = None
    rows: list[dict[str, Any]] | None = None
    done: bool = False
    status: int = 200
    error: str = ""


def _capa_call(actor: Actor, number: str, move: str, data: dict[str, Any]) -> Any:
    if move == "capa_plan":
        return services.capa_plan(
            actor=actor,
            number=number,
            needed=data["needed"],
            measures=data["measures"],
            owner=data["owner"],
            due_date=data["due_date"],
        )
    if move == "capa_done":
        return services.capa_done(actor=actor, number=number, capa_id=data["capa"], note=data["note"])
    return services.capa_verify(
        actor=actor, number=number, capa_id=data["capa"], effective=data["effective"], note=data["note"]
    )


def _capa_panel(request: HttpRequest, actor: Actor, complaint: Complaint) -> CapaOutcome:
    """The K14 panel: the corrective actions with a form per possible step; on POST run the posted one."""
    posted = request.POST.get("action", "") if request.method == "POST" else ""
    bound: Any = None
    outcome = CapaOutcome()
    if posted in CAPA_MOVES:
        perm, form_class, done = CAPA_MOVES[posted]
        if not actor.has_perm(perm):
            raise DjangoPermissionDenied
        bound = form_class(request.POST, prefix=posted)
        if not bound.is_valid():
            outcome.status = 422
        else:
            try:
                _capa_call(actor, complaint.number, posted, bound.cleaned_data)
            except DomainError as exc:
                form_errors_from(bound, exc)
                outcome.status, outcome.error = exc.status, str(exc.message)
            else:
                messages.success(request, str(done))
                outcome.done = True
                return outcome
    bound_capa = bound.data.get(f"{posted}-capa", "") if bound is not None and posted != "capa_plan" else ""
    if actor.has_perm(CAPA_PLAN):
        outcome.plan_form = bound if posted == "capa_plan" else CapaPlanForm(prefix="capa_plan")
    rows = []
    for capa in selectors.capas_for(complaint):
        row: dict[str, Any] = {"capa": capa, "done_form": None, "verify_form": None}
        mine = str(capa.pk) == str(bound_capa)
        if capa.state == CapaState.PLANNED and actor.has_perm(CAPA_DONE):
            row["done_form"] = (
                bound if mine and posted == "capa_done" else CapaDoneForm(initial={"capa": capa.pk}, prefix="capa_done")
            )
        if capa.state == CapaState.DONE and actor.has_perm(CAPA_VERIFY):
            row["verify_form"] = (
                bound
                if mine and posted == "capa_verify"
                else CapaVerifyForm(initial={"capa": capa.pk}, prefix="capa_verify")
            )
        rows.append(row)
    outcome.rows = rows
    return outcome


# --- registration (K2, K4, K6) ---------------------------------------------------------------


def _customer(actor: Actor, raw: Any) -> Any:
    """The chosen file as the actor may see it (C3: a confidential one shows its number and name only)."""
    raw = str(raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    return customer_card(actor, customer_for_intake(actor, int(raw)))


@staff_page("complaints.add_complaint")
def complaint_create(request: HttpRequest) -> HttpResponse:
    """K2 first responder: find the customer, then register what they complain about."""
    actor = _actor(request)
    search = CustomerSearchForm(request.GET or None)
    q = request.GET.get("q", "").strip()[:100]
    results = customer_lookup(actor, q) if q and not request.GET.get("customer") else []
    customer = _customer(actor, request.POST.get("customer") if request.method == "POST" else None)
    if customer is None:
        customer = _customer(actor, request.GET.get("customer"))
    form, status = None, 200
    if customer is not None:
        # K2: "register a complaint" from a callback task passes its id along (?callback=…)
        callback = request.GET.get("callback", "")
        form = ComplaintRegisterForm(
            request.POST if request.method == "POST" else None,
            initial={"customer": customer.pk, "callback": int(callback) if callback.isdigit() else None},
        )
        if request.method == "POST":
            if form.is_valid():
                try:
                    created = services.complaint_register(actor=actor, **form.service_values())
                except DomainError as exc:
                    form_errors_from(form, exc, aliases={"customer_id": "customer"})
                    status = exc.status
                else:
                    messages.success(request, _("Complaint %(number)s registered.") % {"number": created.number})
                    if not actor.has_perm(VIEW):  # a first responder outside complaint handling
                        return redirect("complaints:complaint_create")
                    return redirect("complaints:complaint_detail", number=created.number)
            else:
                status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "complaints/complaint_create.html",
        {"search": search, "q": q, "results": results, "customer": customer, "form": form},
        status=status,
    )


@staff_page("complaints.add_complaint")
def service_request_options(request: HttpRequest) -> HttpResponse:
    """htmx: the chosen customer's service requests as the registration form's <option>s (K2)."""
    actor = _actor(request)
    raw = request.GET.get("customer", "")
    if not (raw.isascii() and raw.isdigit()):
        raise Http404
    customer = customer_for_intake(actor, int(raw))  # NotFound outside the actor's scope
    rows = [
        (sr.number, f"{sr.number} · {timezone.localtime(sr.received_at):%Y-%m-%d} · {sr.get_state_display()}")
        for sr in selectors.service_requests_of_customer(customer.pk)
    ]
    return render(
        request,
        "complaints/_service_request_options.html",
        {"rows": rows, "selected": request.GET.get("selected", "").strip().upper()},
    )


# --- list ------------------------------------------------------------------------------------


COMPLAINT_SORTS = {
    "number": "number",
    "state": "state",
    "received_at": "received_at",
    "customer": "customer__name",
    "class": "complaint_class",
    "channel": "channel",
    "owner": "owner__username",
}
COMPLAINT_COLUMNS = [
    Column(gettext_lazy("Complaint number"), lambda c: c.number),
    Column(gettext_lazy("State"), lambda c: c.get_state_display()),
    Column(gettext_lazy("Major"), lambda c: c.major),
    Column(gettext_lazy("Received at"), lambda c: c.received_at),
    Column(gettext_lazy("Customer"), lambda c: c.customer.name),
    Column(gettext_lazy("Customer code"), lambda c: c.customer.code),
    Column(gettext_lazy("Class"), lambda c: c.get_complaint_class_display()),
    Column(gettext_lazy("Channel"), lambda c: c.get_channel_display()),
    Column(gettext_lazy("Owner"), lambda c: str(c.owner) if c.owner else ""),
    Column(gettext_lazy("Description"), lambda c: c.description),
]


@staff_page(VIEW)
def complaint_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ComplaintFilterForm(request.GET or None)
    filters = form.selector_filters() if (not form.is_bound or form.is_valid()) else None
    queryset = selectors.complaint_list(actor, **filters) if filters is not None else Complaint.objects.none()
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), COMPLAINT_SORTS, default="-received_at")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="complaints",
            title=_("Complaints"),
            columns=COMPLAINT_COLUMNS,
            rows=queryset,
            filters=filters or {},
        )
    page = list_page(request, queryset, PAGE_SIZE)
    return render(
        request,
        "complaints/complaint_list.html",
        {"form": form, "page_obj": page, "can_add": actor.has_perm("complaints.add_complaint")},
    )


# --- the complaint page ----------------------------------------------------------------------


def _approval_rows(actor: Actor, complaint: Complaint) -> list[dict[str, Any]]:
    return [
        {
            "approval": a,
            # an approver beyond the amount's level sees the form too: the engine answers why not (K7)
            "can_decide": a.state == ApprovalState.PENDING and actor.has_perm("approvals.view_approval"),
        }
        for a in approvals_for(complaint)
    ]


def _tasks(complaint: Complaint) -> list[Any]:
    """K13–K15 follow-up tasks raised on the complaint (the callback after closing), if any."""
    related = getattr(complaint, "tasks", None)
    return list(related.select_related("assignee").order_by("id")) if related is not None else []


def _callbacks(complaint: Complaint) -> list[Any]:
    """K15: the callback after closing (callbacks queue) and any low-score follow-up on the complaint,
    with their outcome (reached or not, satisfaction, remarks)."""
    return list(complaint.callbacks.select_related("assignee").order_by("id"))


@staff_page(VIEW)
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    complaint = selectors.access_complaint(actor, number)
    capa = _capa_panel(request, actor, complaint)
    if capa.done:
        return redirect("complaints:complaint_detail", number=complaint.number)
    outcome = actions_run(request, actor, complaint, ACTIONS)
    if request.method == "POST" and request.POST.get("action", "") in CAPA_MOVES:
        outcome.status, outcome.error = capa.status, ""
    if outcome.done:
        target = outcome.result if isinstance(outcome.result, Complaint) else complaint
        return redirect("complaints:complaint_detail", number=target.number)
    claimed_role, claimed = approval_level(complaint.amount_claimed)
    granted = approval_level(complaint.decision_amount)[1] if complaint.decision_amount else None
    return render(
        request,
        "complaints/complaint_detail.html",
        {
            "c": complaint,
            "events": event_list_for(complaint),
            "claimed_explanation": claimed,
            "granted_explanation": granted,
            "approvals": _approval_rows(actor, complaint),
            "approval_form": ApprovalDecideForm(),
            "followers": list(complaint.followers.order_by("received_at", "id")),
            "tasks": _tasks(complaint),
            "callbacks": _callbacks(complaint),
            # K2: the callback this complaint was heard on (its outcome opened it), with the complaint it followed
            "raised_on": list(complaint.raised_on_callbacks.select_related("complaint")),
            "capa_plan_form": capa.plan_form,
            "capa_rows": capa.rows,
            "capa_error": capa.error,
            "action_forms": outcome.forms,
            "action_rows": [
                {
                    "name": name,
                    "form": form,
                    "label": ACTIONS[name].label,
                    "btn": "btn-outline-danger"
                    if name == "reject"
                    else ("btn-outline-secondary" if name == "reassign" else "btn-primary"),
                }
                for name, form in outcome.forms.items()
            ],
            "action_error": outcome.error,
            "report_to": _("department head") if complaint.desk_reported_at else _("complaint desk"),
        },
        status=outcome.status,
    )


# --- printable forms (PDF) -------------------------------------------------------------------


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@staff_page(VIEW)
def handling_form_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """客户投诉处理表: the internal handling form (staff only, K11)."""
    complaint = selectors.access_complaint(_actor(request), number)
    return pdf_response(documents.handling_form_pdf(complaint), f"complaint-{complaint.number}")


@staff_page(VIEW)
def reply_letter_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """客户答复函: the public reply only; none before the reply is written."""
    complaint = selectors.access_complaint(_actor(request), number)
    if not complaint.public_reply:
        raise Http404
    return pdf_response(documents.reply_letter_pdf(complaint), f"reply-{complaint.number}")
