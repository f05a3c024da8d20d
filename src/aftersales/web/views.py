"""Home page (per role), the audit log and the global search of the top bar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from aftersales.accounts.selectors import actor_for
from aftersales.complaints.selectors import complaint_list
from aftersales.core.events import chain_verify, events_pending_count
from aftersales.core.lists import Column, export_requested, xlsx_export
from aftersales.core.selectors import event_list, events_present
from aftersales.customers.selectors import customer_lookup
from aftersales.installed_base.selectors import unit_list
from aftersales.service.selectors import service_request_list
from aftersales.web.queues import home_queues

SEARCH_LIMIT = 10  # rows per kind; each section links to its full list


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


def _audit_rows(events: list[Any]) -> list[dict[str, Any]]:
    """A chunk of events as the audit page shows them (names resolved for the chunk at once)."""
    return events_present(events)


def _changes_text(row: dict[str, Any]) -> str:
    return "\n".join(f"{c['field']}: {c['old'] or '—'} → {c['new'] or '—'}" for c in row["changes"])


AUDIT_COLUMNS = [
    Column(gettext_lazy("Time"), lambda e: e["occurred_at"]),
    Column(gettext_lazy("Actor"), lambda e: e["actor_label"]),
    Column(gettext_lazy("Action"), lambda e: e["label"]),
    Column(gettext_lazy("Rule"), lambda e: e["rule"]),
    Column(gettext_lazy("Record"), lambda e: e["subject_label"]),
    Column(gettext_lazy("Changes"), _changes_text),
]


@login_required
@permission_required("core.view_event", raise_exception=True)
def audit(request: HttpRequest) -> HttpResponse:
    if export_requested(request):
        return xlsx_export(
            actor=actor_for(request.user),
            list_name="audit-log",
            title=gettext_lazy("Audit log"),
            columns=AUDIT_COLUMNS,
            rows=event_list(),
            prepare=_audit_rows,
        )
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


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The top bar's search: request or complaint number, unit serial, customer name or number,
    phone (or its last digits). Each kind is searched by its own app's selector, in the actor's
    scope; customer files come from the hotline lookup, masked as it masks them (C3)."""
    actor = actor_for(request.user)
    if actor.has_role("customer"):
        raise PermissionDenied  # portal users have their own pages
    q = request.GET.get("q", "").strip()[:100]
    sections: dict[str, list[Any]] = {"requests": [], "complaints": [], "units": [], "customers": []}
    if q:
        if actor.has_perm("service.view_servicerequest"):
            sections["requests"] = list(service_request_list(actor, q=q)[:SEARCH_LIMIT])
        if actor.has_perm("complaints.view_complaint"):
            sections["complaints"] = list(complaint_list(actor, q=q)[:SEARCH_LIMIT])
        if actor.has_perm("installed_base.view_unit"):
            sections["units"] = list(unit_list(actor, q=q)[:SEARCH_LIMIT])
        if actor.has_perm("customers.view_customer"):
            sections["customers"] = customer_lookup(actor, q, limit=SEARCH_LIMIT)
    return render(
        request,
        "web/search.html",
        {"q": q, "limit": SEARCH_LIMIT, "found": any(sections.values()), **sections},
    )
