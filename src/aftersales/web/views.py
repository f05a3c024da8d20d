"""Home page (per role) and the audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from aftersales.accounts.selectors import actor_for
from aftersales.core.events import chain_verify, events_pending_count
from aftersales.core.selectors import event_list, events_present
from aftersales.web.queues import home_queues


def _queues_context(request: HttpRequest) -> dict[str, Any]:
    return {
        "queues": home_queues(actor_for(request.user)),
        "refresh_seconds": settings.AFTERSALES_LIVE_REFRESH_SECONDS,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The work queues of the user's roles first (issue 13), then every page of their menu."""
    actor = actor_for(request.user)
    if actor.has_role("customer"):
        return redirect("portal:home")
    return render(request, "web/home.html", _queues_context(request))


@require_GET
@login_required
def home_queues_panel(request: HttpRequest) -> HttpResponse:
    """The queue panel alone: htmx asks for it every AFTERSALES_LIVE_REFRESH_SECONDS."""
    return render(request, "web/_queues.html", _queues_context(request))


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
