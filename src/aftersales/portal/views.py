"""Portal pages for a customer's users: their equipment, their service requests, quotations, ratings.

Parse → one selector or service → render. Every read is scoped to the user's own organisation by
the other apps' selectors (another customer's request number is a 404 like a missing one).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import form_errors_from
from aftersales.customers.selectors import access_customer
from aftersales.followup.selectors import rating_for_request, rating_pending
from aftersales.followup.services import rating_create
from aftersales.installed_base.selectors import unit_list_with_coverage
from aftersales.portal.forms import QuoteAcceptForm, QuoteDeclineForm, RatingForm, RequestCreateForm
from aftersales.service.choices import Channel
from aftersales.service.selectors import access_service_request, quote_current, service_request_list
from aftersales.service.services.intake import service_request_create
from aftersales.service.services.quotes import quote_accept as quote_accept_service
from aftersales.service.services.quotes import quote_decline as quote_decline_service

PAGE_SIZE = 50


def _customer_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    if not actor.has_role("customer"):
        raise PermissionDenied
    return actor


def _customer_id(request: HttpRequest) -> int:
    """The portal user's own customer file (accounts require one for the customer role)."""
    customer_id = getattr(request.user, "customer_id", None)
    if customer_id is None:
        raise NotFound()
    return int(customer_id)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = _customer_actor(request)
    customer = access_customer(actor, _customer_id(request))
    rows = unit_list_with_coverage(actor, customer.pk, timezone.localdate())
    return render(request, "portal/home.html", {"customer": customer, "rows": rows})


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """S1: my organisation's service requests, newest first."""
    actor = _customer_actor(request)
    rows = list(service_request_list(actor)[:PAGE_SIZE])
    return render(request, "portal/request_list.html", {"rows": rows})


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    """S1: report a fault for one of our units (channel: web portal)."""
    actor = _customer_actor(request)
    customer = access_customer(actor, _customer_id(request))
    units = [unit for unit, _coverage in unit_list_with_coverage(actor, customer.pk)]
    initial = {"serial": request.GET.get("serial", ""), "phone": customer.phone}
    form = RequestCreateForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = service_request_create(
                actor=actor,
                customer_id=customer.pk,
                channel=Channel.WEB,
                serial=data["serial"],
                kind=data["kind"],
                priority=data["priority"],
                fault=data["fault"],
                contact_name=data["contact_name"],
                phone=data["phone"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request,
                _("Your request %(number)s is registered. We will contact you soon.") % {"number": created.number},
            )
            return redirect("portal:request_detail", number=created.number)
    return render(request, "portal/request_create.html", {"form": form, "has_units": bool(units)})


def _detail(request: HttpRequest, actor: Actor, number: str, **forms_: Any) -> HttpResponse:
    sr = access_service_request(actor, number)
    quote = quote_current(sr)
    context = {
        "sr": sr,
        "steps": list(sr.steps.order_by("created_at", "id")),
        "quote": quote,
        "quote_lines": list(quote.lines.all()) if quote is not None else [],
        "can_decide": quote is not None and quote.can_decide(),
        "rating": rating_for_request(actor, sr),
        "can_rate": rating_pending(sr),
        "accept_form": QuoteAcceptForm(
            prefix="accept", initial={"decided_by_name": getattr(request.user, "display_name", "")}
        ),
        "decline_form": QuoteDeclineForm(prefix="decline"),
        "rating_form": RatingForm(prefix="rating"),
    }
    context.update(forms_)
    return render(request, "portal/request_detail.html", context)


@login_required
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    """S1, X2: where my request stands, its clocks and the work done; B1 quotation; V3 rating."""
    return _detail(request, _customer_actor(request), number)


@login_required
@require_POST
def quote_accept(request: HttpRequest, number: str) -> HttpResponse:
    """B1: I accept the quotation and confirm the price and payment date."""
    actor = _customer_actor(request)
    sr = access_service_request(actor, number)
    form = QuoteAcceptForm(request.POST, prefix="accept")
    if form.is_valid():
        try:
            quote = quote_accept_service(
                actor=actor,
                number=sr.number,
                decided_by_name=form.cleaned_data["decided_by_name"],
                via="portal",
                payment_date=form.cleaned_data["payment_date"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("You accepted quotation %(number)s. Work continues.") % {"number": quote.number}
            )
            return redirect("portal:request_detail", number=sr.number)
    return _detail(request, actor, number, accept_form=form)


@login_required
@require_POST
def quote_decline(request: HttpRequest, number: str) -> HttpResponse:
    """B1: I decline the quotation; the request ends and nothing is charged."""
    actor = _customer_actor(request)
    sr = access_service_request(actor, number)
    form = QuoteDeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        try:
            quote = quote_decline_service(
                actor=actor, number=sr.number, reason=form.cleaned_data["reason"], via="portal"
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(
                request, _("You declined quotation %(number)s. Nothing is charged.") % {"number": quote.number}
            )
            return redirect("portal:request_detail", number=sr.number)
    return _detail(request, actor, number, decline_form=form)


@login_required
@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """V3: rate the engineer after the service."""
    actor = _customer_actor(request)
    sr = access_service_request(actor, number)
    form = RatingForm(request.POST, prefix="rating")
    if form.is_valid():
        try:
            rating_create(actor=actor, number=sr.number, **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Thank you for rating our service."))
            return redirect("portal:request_detail", number=sr.number)
    return _detail(request, actor, number, rating_form=form)
