"""Pages of the service case (S1–S16): parse → one selector or service → render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftersales.accounts.selectors import actor_for
from aftersales.core.selectors import event_list_for
from aftersales.service import selectors


@login_required
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    actor = actor_for(request.user)
    service_request = selectors.access_service_request(actor, number)
    return render(
        request,
        "service/request_detail.html",
        {"sr": service_request, "events": event_list_for(service_request)},
    )
