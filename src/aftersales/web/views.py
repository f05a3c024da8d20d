"""Home page (per role) and the audit log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from aftersales.accounts.selectors import actor_for
from aftersales.core.events import chain_verify, events_pending_count
from aftersales.core.selectors import event_list, events_present


@login_required
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request.user)
    if actor.has_role("customer"):
        return redirect("portal:home")
    return render(request, "web/home.html", {})


@login_required
@permission_required("core.view_event", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    page = Paginator(event_list(), 50).get_page(request.GET.get("page"))
    verified = None
    if request.GET.get("verify"):
        verified = chain_verify()
    return render(
        request,
        "web/audit.html",
        {
            "page_obj": page,
            "events": events_present(list(page.object_list)),
            "verified": verified,
            "pending": events_pending_count(),  # the chaining lag (docs/decisions/0009)
        },
    )
