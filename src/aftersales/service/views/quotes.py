"""Pages of paid service (B1–B2): the quotation panel of a request, its forms, the fee standards page.

Parse → one service → redirect to the request page; a refused action shows the quotation page
again with the error at its field. (Forms live here while service/forms.py is edited by others.)
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, PermissionDenied
from aftersales.core.forms import StyledForm, form_errors_from
from aftersales.core.imports import xlsx_bytes
from aftersales.installed_base.choices import ChargingType
from aftersales.service import selectors
from aftersales.service.choices import PaymentState, QuoteState, RequestState
from aftersales.service.models import ServiceRequest
from aftersales.service.selectors import fee_standard_list, quote_list_for
from aftersales.service.services import quotes as quote_services
from aftersales.service.transitions import ACTION_TRANSITIONS

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}
VIA_LABELS = {
    "portal": gettext_lazy("on the portal"),
    "onsite": gettext_lazy("signed on site"),
    "phone": gettext_lazy("by phone"),
}


class QuoteOfferForm(StyledForm):
    labour_hours = forms.DecimalField(
        label=gettext_lazy("Labour (hours)"), max_digits=8, decimal_places=2, min_value=Decimal("0")
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class QuoteLineForm(StyledForm):
    part_code = forms.CharField(label=gettext_lazy("Part number"), required=False, max_length=32)
    description = forms.CharField(label=gettext_lazy("Part"), required=False, max_length=100)
    quantity = forms.IntegerField(label=gettext_lazy("Quantity"), required=False, min_value=1)
    unit_price = forms.DecimalField(label=gettext_lazy("Unit price (yuan)"), required=False, **MONEY)

    def line(self) -> dict[str, Any] | None:
        """The line for quote_offer, or None for an empty row."""
        data = self.cleaned_data
        if not data or not (data.get("description") or data.get("part_code")):
            return None
        return {
            "part_code": data.get("part_code") or "",
            "description": data.get("description") or "",
            "quantity": data.get("quantity") or 0,
            "unit_price": data.get("unit_price") if data.get("unit_price") is not None else Decimal("0"),
        }


QuoteLineFormSet = forms.formset_factory(QuoteLineForm, extra=3, max_num=30, validate_max=True)


class QuoteAcceptForm(StyledForm):
    decided_by_name = forms.CharField(label=gettext_lazy("Customer's name"), max_length=64)
    via = forms.ChoiceField(
        label=gettext_lazy("Decided how"),
        choices=[("onsite", gettext_lazy("Signed on site")), ("phone", gettext_lazy("By phone"))],
    )
    agreed_price = forms.DecimalField(
        label=gettext_lazy("Agreed price (yuan)"),
        required=False,
        help_text=gettext_lazy("Empty: the quoted total."),
        **MONEY,
    )
    payment_date = forms.DateField(label=gettext_lazy("Payment date"), required=False, widget=forms.DateInput)
    signature = forms.CharField(required=False, widget=forms.HiddenInput)


class QuoteDeclineForm(StyledForm):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    decided_by_name = forms.CharField(label=gettext_lazy("Customer's name"), max_length=64, required=False)
    via = forms.ChoiceField(
        label=gettext_lazy("Decided how"),
        choices=[("phone", gettext_lazy("By phone")), ("onsite", gettext_lazy("In person on site"))],
    )


class QuotePaymentForm(StyledForm):
    state = forms.ChoiceField(
        label=gettext_lazy("Fee"),
        choices=[
            (PaymentState.COLLECTED, PaymentState.COLLECTED.label),
            (PaymentState.INVOICED, PaymentState.INVOICED.label),
        ],
    )
    amount = forms.DecimalField(label=gettext_lazy("Amount (yuan)"), **MONEY)
    invoice_number = forms.CharField(label=gettext_lazy("Invoice number"), required=False, max_length=40)


class FeeStandardForm(StyledForm):
    labour_rate = forms.DecimalField(label=gettext_lazy("Labour rate (yuan per hour)"), **MONEY)
    callout_fee = forms.DecimalField(label=gettext_lazy("Call-out fee (yuan)"), **MONEY)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=200)


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _staff(actor: Actor) -> None:
    """Portal users have their own pages (aftersales.portal)."""
    if actor.has_role("customer"):
        raise PermissionDenied()


def quote_panel_context(actor: Actor, sr: ServiceRequest, **bound: Any) -> dict[str, Any]:
    """Everything the quotation panel shows: the quotations and the forms this actor may use now.

    The flags only choose which forms to show; the services decide (and refuse) the actions.
    """
    quotes = quote_list_for(sr)
    current = quotes[0] if quotes else None
    quoting = actor.has_perm("service.dispatch_servicerequest") or (
        actor.has_perm("service.work_servicerequest") and sr.engineer_id == actor.pk
    )
    offered = current is not None and current.can_decide()
    accepted = next((q for q in quotes if q.state == QuoteState.ACCEPTED), None)
    chargeable = sr.charging_type not in quote_services.FREE_CHARGING
    # Quoting is a move to "quoted" (or a new offer while quoted): show the form only where the table allows it.
    quotable = sr.state == RequestState.QUOTED or sr.state in ACTION_TRANSITIONS["quote"]
    context = {
        "sr": sr,
        "quotes": quotes,
        "current": current,
        "current_via": VIA_LABELS.get(current.decided_via, current.decided_via) if current else "",
        "accepted": accepted,
        "fee": selectors.fee_standard_current(),
        "chargeable": chargeable,
        "charging_label": ChargingType(sr.charging_type).label if sr.charging_type in ChargingType.values else "",
        "can_view_fees": actor.has_perm("service.view_feestandard"),
        "can_offer": quoting and sr.open and chargeable and quotable,
        "can_decide": quoting and offered,
        "can_charge": actor.has_perm("service.charge_servicerequest")
        and accepted is not None
        and accepted.payment_state != PaymentState.INVOICED,
        "offer_form": QuoteOfferForm(prefix="offer"),
        # the parts already recorded on the job are the first lines, ready to send (no typing them again)
        "line_formset": QuoteLineFormSet(prefix="lines", initial=quote_services.recorded_part_lines(sr)),
        "accept_form": QuoteAcceptForm(prefix="accept", initial={"via": "onsite"}),
        "decline_form": QuoteDeclineForm(prefix="decline"),
        "payment_form": QuotePaymentForm(
            prefix="payment",
            initial={"amount": accepted.agreed_price if accepted else None, "state": PaymentState.COLLECTED},
        ),
    }
    context.update(bound)
    # A refused action shows its form again with the reason, even where the flags would hide it.
    shown = {"offer": "can_offer", "accept": "can_decide", "decline": "can_decide", "payment": "can_charge"}
    if bound.get("show") in shown:
        context[shown[bound["show"]]] = True
    return context


def _page(request: HttpRequest, actor: Actor, sr: ServiceRequest, **bound: Any) -> HttpResponse:
    return render(request, "service/quote_page.html", quote_panel_context(actor, sr, **bound))


@login_required
def quote_page(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    _staff(actor)
    sr = selectors.access_service_request(actor, number)
    return _page(request, actor, sr)


def _done(request: HttpRequest, sr: ServiceRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(sr.get_absolute_url())


@login_required
@require_POST
def quote_offer(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    _staff(actor)
    sr = selectors.access_service_request(actor, number)
    form = QuoteOfferForm(request.POST, prefix="offer")
    formset = QuoteLineFormSet(request.POST, prefix="lines")
    if form.is_valid() and formset.is_valid():
        lines = [line for line in (f.line() for f in formset.forms) if line is not None]
        try:
            quote = quote_services.quote_offer(
                actor=actor,
                number=sr.number,
                labour_hours=form.cleaned_data["labour_hours"],
                lines=lines,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return _done(
                request,
                sr,
                _("Quotation %(number)s offered: %(total)s yuan.") % {"number": quote.number, "total": quote.total},
            )
    return _page(request, actor, sr, offer_form=form, line_formset=formset, show="offer")


def _quote_decision(
    request: HttpRequest,
    number: str,
    form_class: type[forms.Form],
    show: str,
    call: Callable[[Actor, str, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """Parse one of the quotation's forms, call its service, go back to the request or show the errors."""
    actor = _actor(request)
    _staff(actor)
    sr = selectors.access_service_request(actor, number)
    form = form_class(request.POST, prefix=show)
    if form.is_valid():
        try:
            quote = call(actor, sr.number, form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return _done(request, sr, done % {"number": quote.number})
    return _page(request, actor, sr, **{f"{show}_form": form}, show=show)


@login_required
@require_POST
def quote_accept(request: HttpRequest, number: str) -> HttpResponse:
    return _quote_decision(
        request,
        number,
        QuoteAcceptForm,
        "accept",
        lambda actor, n, d: quote_services.quote_accept(
            actor=actor,
            number=n,
            decided_by_name=d["decided_by_name"],
            via=d["via"],
            agreed_price=d["agreed_price"],
            payment_date=d["payment_date"],
            signature=d["signature"],
        ),
        _("Quotation %(number)s accepted."),
    )


@login_required
@require_POST
def quote_decline(request: HttpRequest, number: str) -> HttpResponse:
    return _quote_decision(
        request,
        number,
        QuoteDeclineForm,
        "decline",
        lambda actor, n, d: quote_services.quote_decline(
            actor=actor, number=n, reason=d["reason"], decided_by_name=d["decided_by_name"], via=d["via"]
        ),
        _("Quotation %(number)s declined; the request has ended."),
    )


@login_required
@require_POST
def quote_payment(request: HttpRequest, number: str) -> HttpResponse:
    return _quote_decision(
        request,
        number,
        QuotePaymentForm,
        "payment",
        lambda actor, n, d: quote_services.quote_payment_record(
            actor=actor, number=n, state=d["state"], amount=d["amount"], invoice_number=d["invoice_number"]
        ),
        _("Fee of %(number)s recorded."),
    )


@login_required
def fee_standards(request: HttpRequest) -> HttpResponse:
    """B2: the fee standard versions; the manager drafts and approves them here."""
    actor = _actor(request)
    actor.require_perm("service.view_feestandard")
    form = FeeStandardForm(request.POST or None)
    if request.method == "POST":
        actor.require_perm("service.add_feestandard")
        if form.is_valid():
            try:
                standard = quote_services.fee_standard_create(actor=actor, **form.cleaned_data)
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("Fee standard v%(version)s drafted.") % {"version": standard.version})
                return redirect("service:fee_standards")
    return render(
        request,
        "service/quote_fee_standards.html",
        {
            "standards": fee_standard_list(actor),
            "current": selectors.fee_standard_current(),
            "form": form,
            "can_add": actor.has_perm("service.add_feestandard"),
            "can_approve": actor.has_perm("service.approve_feestandard"),
        },
    )


@login_required
@require_POST
def fee_standard_approve(request: HttpRequest, version: int) -> HttpResponse:
    actor = _actor(request)
    actor.require_perm("service.approve_feestandard")
    try:
        quote_services.fee_standard_approve(actor=actor, version=version)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Fee standard v%(version)s approved.") % {"version": version})
    return redirect("service:fee_standards")


# --- B1: finance's outstanding fees ------------------------------------------------------------


FEES_PAGE_SIZE = 50


class FeeFilterForm(StyledForm):
    payment_state = forms.ChoiceField(
        label=gettext_lazy("Fee"),
        required=False,
        choices=[("", gettext_lazy("All outstanding"))]
        + [(s, PaymentState(s).label) for s in selectors.FEE_OUTSTANDING_STATES],
    )


class CashConfirmForm(StyledForm):
    number = forms.CharField(widget=forms.HiddenInput, max_length=20)


def _fee_filter(request: HttpRequest) -> tuple[FeeFilterForm, str]:
    form = FeeFilterForm(request.GET or None)
    state = form.cleaned_data["payment_state"] if form.is_valid() else ""
    return form, state


@login_required
def fees_outstanding(request: HttpRequest) -> HttpResponse:
    """B1: fees to invoice and cash collected on site to confirm; each row links to its request."""
    actor = _actor(request)
    actor.require_perm("service.charge_servicerequest")
    if request.method == "POST":
        confirm = CashConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                quote = quote_services.quote_cash_confirm(actor=actor, number=confirm.cleaned_data["number"])
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(
                    request,
                    _("Cash of %(number)s received: %(amount)s yuan.")
                    % {"number": quote.request.number, "amount": quote.collected_amount},
                )
        return redirect("service:fees_outstanding")
    form, state = _fee_filter(request)
    page = Paginator(selectors.fees_outstanding(actor, payment_state=state), FEES_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "service/fees_outstanding.html",
        {"form": form, "page_obj": page, "rows": [(q, quote_services.quote_agreed(q)) for q in page.object_list]},
    )


@login_required
def fees_outstanding_export(request: HttpRequest) -> HttpResponse:
    """B1: the outstanding fees as an Excel sheet (the filters of the page)."""
    actor = _actor(request)
    actor.require_perm("service.charge_servicerequest")
    _form, state = _fee_filter(request)
    headers = [
        _("Request number"),
        _("Customer"),
        _("Engineer"),
        _("Quotation"),
        _("Accepted at"),
        _("Agreed price (yuan)"),
        _("Fee"),
        _("Collected (yuan)"),
        _("Payment date"),
    ]
    rows = [
        [
            q.request.number,
            q.request.customer.name,
            str(q.request.engineer) if q.request.engineer_id else "",
            q.number,
            timezone.localtime(q.decided_at).strftime("%Y-%m-%d %H:%M") if q.decided_at else "",
            quote_services.quote_agreed(q),
            q.get_payment_state_display(),
            q.collected_amount,
            q.payment_date,
        ]
        for q in selectors.fees_outstanding(actor, payment_state=state).iterator(chunk_size=500)
    ]
    day = timezone.localdate()
    response = HttpResponse(
        xlsx_bytes(_("Outstanding fees"), headers, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="fees-outstanding-{day:%Y%m%d}.xlsx"'
    return response
