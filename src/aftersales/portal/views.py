"""Portal pages for a customer's users: their own equipment and its coverage today."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from aftersales.accounts.selectors import actor_for
from aftersales.customers.selectors import access_customer
from aftersales.installed_base.selectors import unit_list_with_coverage


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if not actor.has_role("customer"):
        raise PermissionDenied
    customer = access_customer(actor, request.user.customer_id)
    rows = unit_list_with_coverage(actor, customer.pk, timezone.localdate())
    return render(request, "portal/home.html", {"customer": customer, "rows": rows})
