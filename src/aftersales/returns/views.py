"""Pages of returns and exchanges (R1–R4): parse → one selector or service → render.

The list (filters: state, text), the request form (退库产品申请单), the return page with its
approval level (K7, from its Approval in the approvals engine), the three copies of the return note
and the action forms each holder may use (approve/refuse, receive, book, reissue), the discount
certificate form for the VP and its page (approve/refuse when it waits for its K7 approval), and the
printable forms (产品退货单, 销货折扣证明单) as PDFs. Every action form carries the return's version,
passed to the service as expected_version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.services import Approval, ApprovalState, actor_may_decide, role_label
from aftersales.core.access import Actor
from aftersales.core.actions import actions_run
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.customers.selectors import customer_lookup
from aftersales.returns import documents, selectors, services
from aftersales.returns.choices import CertificateState, ReturnKind, ReturnState
from aftersales.returns.forms import (
    ActionForm,
    ApproveForm,
    BookForm,
    CertificateDecideForm,
    CertificateForm,
    ReceiveForm,
    RefuseForm,
    ReissueForm,
    ReturnCreateForm,
    ReturnFilterForm,
)
from aftersales.returns.models import DiscountCertificate, ReturnRequest
from aftersales.returns.services.common import return_approval_level
from aftersales.returns.transitions import ACTION_TRANSITIONS

PAGE_SIZE = 25
VIEW_PERM = "returns.view_returnrequest"
CERTIFICATE_VIEW_PERM = "returns.view_discountcertificate"


def staff_page(perm: str) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Log in first (anonymous → login page), then hold `perm` (else 403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Any:
        return login_required(permission_required(perm, raise_exception=True)(view))

    return decorate


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _customer_id(actor: Actor, text: str) -> int | None:
    """The customer named by number (exact) or by a name that matches exactly one file; None otherwise."""
    text = (text or "").strip()
    found = customer_lookup(actor, text, limit=2) if text else []
    exact = [c for c in found if c.code == text.upper()]
    if exact:
        return int(exact[0].pk)
    return int(found[0].pk) if len(found) == 1 else None


def _no_customer(form: Any, actor: Actor) -> None:
    text = form.cleaned_data.get("customer", "")
    many = len(customer_lookup(actor, text, limit=2)) > 1
    form.add_error(
        "customer",
        _("Several customers match: give the customer number.") if many else _("No customer matches."),
    )


# --- list and request form (R1, R2) ----------------------------------------------------------


RETURN_SORTS = {
    "number": "number",
    "state": "state",
    "kind": "kind",
    "customer": "customer__name",
    "quantity": "quantity_requested",
    "value": "value",
    "created_at": "created_at",
}
RETURN_COLUMNS = [
    Column(gettext_lazy("Return number"), lambda r: r.number),
    Column(gettext_lazy("State"), lambda r: r.get_state_display()),
    Column(gettext_lazy("Kind"), lambda r: r.get_kind_display()),
    Column(gettext_lazy("Customer"), lambda r: r.customer.name),
    Column(gettext_lazy("Customer code"), lambda r: r.customer.code),
    Column(gettext_lazy("Product model"), lambda r: r.model_text),
    Column(gettext_lazy("Order number"), lambda r: r.order_number),
    Column(gettext_lazy("Quantity"), lambda r: r.quantity_requested),
    Column(gettext_lazy("Value (yuan)"), lambda r: r.value),
    Column(gettext_lazy("Created at"), lambda r: r.created_at),
]


@staff_page(VIEW_PERM)
def return_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ReturnFilterForm(request.GET or None)
    data = form.cleaned_data if (form.is_bound and form.is_valid()) else {}
    if form.is_bound and not form.is_valid():
        queryset = ReturnRequest.objects.none()
    else:
        queryset = selectors.return_request_list(actor, state=data.get("state", ""), q=data.get("q", ""))
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), RETURN_SORTS, default="-created_at")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="returns",
            title=_("Returns and exchanges"),
            columns=RETURN_COLUMNS,
            rows=queryset,
            filters=data,
        )
    page = list_page(request, queryset, PAGE_SIZE)
    return render(
        request,
        "returns/return_list.html",
        {
            "form": form,
            "page_obj": page,
            "can_add": actor.has_perm("returns.add_returnrequest"),
            "can_issue": actor.has_perm("returns.add_discountcertificate") and actor.has_role("vp"),
            "certificates": list(selectors.discount_certificate_scope(actor).select_related("customer")[:20]),
        },
    )


@staff_page("returns.add_returnrequest")
def return_create(request: HttpRequest) -> HttpResponse:
    """退库产品申请单: R1's refusal is shown on the fields of the conditions that failed."""
    actor = _actor(request)
    status = 200
    if request.method == "POST":
        form = ReturnCreateForm(request.POST)
        if form.is_valid():
            customer_id = _customer_id(actor, form.cleaned_data["customer"])
            if customer_id is None:
                _no_customer(form, actor)
                status = 422
            else:
                try:
                    found = services.return_request_create(actor=actor, **form.service_values(customer_id))
                except DomainError as exc:
                    form_errors_from(form, exc, aliases={"customer_id": "customer"})
                    status = exc.status
                else:
                    messages.success(request, _("Return request %(number)s registered.") % {"number": found.number})
                    return redirect("returns:return_detail", number=found.number)
        else:
            status = 422
    else:
        form = ReturnCreateForm(initial={"customer": request.GET.get("customer", "")[:100]})
    return render(request, "returns/return_create.html", {"form": form}, status=status)


# --- actions on one return (K7, R2, R3) ------------------------------------------------------


@dataclass(frozen=True)
class ReturnAction:
    """One form on the return page: who may use it, when it is shown, which service it calls.

    Shown when the actor holds `perm`, the move is allowed from the current state and `allowed`
    (if given) agrees. The service checks everything again: a stale page gets its message.
    """

    form: type[ActionForm]
    perm: str
    move: str
    call: Callable[[Actor, str, dict[str, Any]], Any]
    done: Promise
    allowed: Callable[[Actor, ReturnRequest], bool] | None = None

    def visible(self, actor: Actor, found: ReturnRequest) -> bool:
        if not actor.has_perm(self.perm) or found.state not in ACTION_TRANSITIONS[self.move]:
            return False
        return self.allowed is None or self.allowed(actor, found)


def _approval(record: ReturnRequest | DiscountCertificate) -> Approval | None:
    """The record's latest K7 approval, read once per request."""
    if not hasattr(record, "_k7_approval"):
        record._k7_approval = selectors.approval_of(record)  # type: ignore[union-attr]  # a memo on the instance, not a field
    return record._k7_approval  # type: ignore[union-attr]  # the memo set above


def _may_decide(actor: Actor, found: ReturnRequest | DiscountCertificate) -> bool:
    """The approve/refuse forms are shown to whom the approvals engine would let decide: authority
    reaching the level (K7), not the one who asked. The service checks again."""
    approval = _approval(found)
    if approval is not None and approval.state != ApprovalState.PENDING:
        return False
    if approval is None:  # a return registered before returns asked the engine (a certificate always asks)
        if not isinstance(found, ReturnRequest):
            return False
        role, requester = return_approval_level(found.value).role, found.requested_by_id
    else:
        role, requester = approval.required_role, approval.requested_by_id
    return actor_may_decide(actor, role) and requester != actor.pk


def _v(data: dict[str, Any]) -> int | None:
    return data.get("version")


ACTIONS: dict[str, ReturnAction] = {
    "approve": ReturnAction(
        ApproveForm,
        "returns.approve_returnrequest",
        "approve",
        lambda a, n, d: services.return_request_approve(
            actor=a,
            number=n,
            approved_quantity=d["approved_quantity"],
            disposition=d["disposition"],
            basis=d["basis"],
            note=d["note"],
            expected_version=_v(d),
        ),
        gettext_lazy("Return approved: the return note goes to the warehouse, finance and sales."),
        _may_decide,
    ),
    "refuse": ReturnAction(
        RefuseForm,
        "returns.approve_returnrequest",
        "refuse",
        lambda a, n, d: services.return_request_refuse(actor=a, number=n, note=d["note"], expected_version=_v(d)),
        gettext_lazy("Return refused."),
        _may_decide,
    ),
    "receive": ReturnAction(
        ReceiveForm,
        "returns.receive_returnrequest",
        "receive",
        lambda a, n, d: services.return_receive(
            actor=a, number=n, quantity=d["quantity"], note=d["note"], expected_version=_v(d)
        ),
        gettext_lazy("Received quantity recorded."),
    ),
    "book": ReturnAction(
        BookForm,
        "returns.book_returnrequest",
        "book",
        lambda a, n, d: services.return_book(actor=a, number=n, expected_version=_v(d)),
        gettext_lazy("Return booked."),
    ),
    "reissue": ReturnAction(
        ReissueForm,
        "returns.receive_returnrequest",
        "reissue",
        lambda a, n, d: services.return_reissue(actor=a, number=n, note=d["note"], expected_version=_v(d)),
        gettext_lazy("Replacement shipped."),
        lambda a, f: f.kind == ReturnKind.EXCHANGE,
    ),
}


@staff_page(VIEW_PERM)
def return_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    found = selectors.access_return_request(actor, number)
    outcome = actions_run(request, actor, found, ACTIONS)
    if outcome.done:
        return redirect("returns:return_detail", number=found.number)
    approval = _approval(found)
    if approval is not None:
        level_role, explanation = approval.required_role, approval.explanation.get("text", "")
        explanation_version = approval.explanation.get("policy_version")
    else:
        level = return_approval_level(found.value)
        level_role, explanation, explanation_version = level.role, level.explanation, level.policy_version
    approved = found.state not in (ReturnState.REQUESTED, ReturnState.REFUSED)
    return render(
        request,
        "returns/return_detail.html",
        {
            "r": found,
            "approval": approval,
            "explanation": explanation,
            "explanation_version": explanation_version,
            "level_label": role_label(level_role),
            "own_request": found.state == ReturnState.REQUESTED
            and actor.pk == (approval.requested_by_id if approval else found.requested_by_id),
            "decided_role_label": role_label(found.approval_role) if found.approval_role else "",
            "approved": approved,
            "copies": documents.note_copies(found),
            "quantities_match": found.received_quantity == found.approved_quantity,
            "action_forms": outcome.forms,
            "action_error": outcome.error,
            "events": event_list_for(found),
            "certificates": list(found.discount_certificates.all()),
        },
        status=outcome.status,
    )


# --- R4: the sales discount certificate ------------------------------------------------------


@staff_page("returns.add_discountcertificate")
def certificate_create(request: HttpRequest) -> HttpResponse:
    """销货折扣证明单: the VP signs it by issuing it (the service refuses anyone else)."""
    actor = _actor(request)
    status = 200
    if request.method == "POST":
        form = CertificateForm(request.POST)
        if form.is_valid():
            customer_id = _customer_id(actor, form.cleaned_data["customer"])
            if customer_id is None:
                _no_customer(form, actor)
                status = 422
            else:
                try:
                    certificate = services.discount_certificate_issue(actor=actor, **form.service_values(customer_id))
                except DomainError as exc:
                    form_errors_from(form, exc, aliases={"customer_id": "customer"})
                    status = exc.status
                else:
                    if certificate.state == CertificateState.ISSUED:
                        text = _("Sales discount certificate %(number)s issued.")
                    else:
                        text = _(
                            "Sales discount certificate %(number)s is above your authority (K7): it waits for "
                            "the approval of the level its amount needs."
                        )
                    messages.success(request, text % {"number": certificate.number})
                    return redirect("returns:certificate_detail", number=certificate.number)
        else:
            status = 422
    else:
        related = request.GET.get("return", "")[:20]
        initial: dict[str, Any] = {"return_number": related}
        if related:
            try:
                initial["customer"] = selectors.access_return_request(actor, related).customer.code
            except NotFound:
                initial["return_number"] = ""
        form = CertificateForm(initial=initial)
    return render(request, "returns/certificate_create.html", {"form": form}, status=status)


@staff_page(CERTIFICATE_VIEW_PERM)
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The certificate; one waiting for its K7 approval offers approve/refuse to whom may decide it
    (the service, through the approvals engine, checks again: beyond_authority, own request)."""
    actor = _actor(request)
    certificate = selectors.access_discount_certificate(actor, number)
    may_decide = (
        certificate.state == CertificateState.AWAITING_APPROVAL
        and actor.has_perm("returns.add_discountcertificate")
        and _may_decide(actor, certificate)
    )
    form = CertificateDecideForm()
    status, error = 200, ""
    if request.method == "POST":
        if not actor.has_perm("returns.add_discountcertificate"):
            raise DjangoPermissionDenied
        form = CertificateDecideForm(request.POST)
        action = request.POST.get("action", "")
        if action not in ("approve", "refuse"):
            status, error = 400, _("Unknown action.")
        elif not form.is_valid():
            status = 422
        else:
            decide = (
                services.discount_certificate_approve if action == "approve" else services.discount_certificate_refuse
            )
            try:
                decide(actor=actor, number=certificate.number, note=form.cleaned_data["note"])
            except DomainError as exc:
                form_errors_from(form, exc)
                status, error = exc.status, str(exc.message)
            else:
                messages.success(request, _("Approved.") if action == "approve" else _("Refused."))
                return redirect("returns:certificate_detail", number=certificate.number)
    approval = _approval(certificate)
    return render(
        request,
        "returns/certificate_detail.html",
        {
            "c": certificate,
            "approval": approval,
            "approval_role_label": role_label(approval.required_role) if approval else "",
            "may_decide": may_decide,
            "own_request": approval is not None
            and approval.state == ApprovalState.PENDING
            and approval.requested_by_id == actor.pk,
            "form": form,
            "action_error": error,
            "events": event_list_for(certificate),
        },
        status=status,
    )


# --- printable forms -------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _staff_actor(request: HttpRequest, perm: str) -> Actor:
    """Staff holding `perm`; anyone else (a portal user included) meets the 404 of a missing form."""
    actor = _actor(request)
    if actor.has_role("customer") or not actor.has_perm(perm):
        raise NotFound()
    return actor


@login_required
@require_GET
def return_note_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """产品退货单 (R2): printed once the return is approved; before that there is no note (404)."""
    found = selectors.access_return_request(_staff_actor(request, VIEW_PERM), number)
    if found.state in (ReturnState.REQUESTED, ReturnState.REFUSED):
        raise NotFound()
    return _pdf(documents.return_note_pdf(found), f"return-note-{found.number}")


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """销货折扣证明单 (R4)."""
    certificate = selectors.access_discount_certificate(_staff_actor(request, CERTIFICATE_VIEW_PERM), number)
    if certificate.state != CertificateState.ISSUED:  # not signed: there is no certificate to print
        raise NotFound()
    return _pdf(documents.discount_certificate_pdf(certificate), f"discount-certificate-{certificate.number}")
