"""Pages of the depot (S13) and the printable forms (S11, S13, B1): parse → one service or reader → render.

The depot page is the product in/out register (用户产品进出登记本): every job with the unit's
location, the receive form for units sent to the depot, the next allowed move, the repair report
form, and links to the pickup receipt and repair tag PDFs. A refused action re-renders the page
with the message and the error's status (409 for a move out of order), nothing changed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, PermissionDenied
from aftersales.core.lists import Column, export_requested, xlsx_export
from aftersales.core.selectors import display_name
from aftersales.service import documents, selectors
from aftersales.service.choices import DepotMove
from aftersales.service.services import depot, rules


def _register_page(request: HttpRequest, actor: Actor, *, error: DomainError | None = None) -> HttpResponse:
    return render(
        request,
        "service/depot_register.html",
        {
            "rows": selectors.depot_register(actor),
            "waiting": selectors.depot_waiting_requests(actor)[:100],
            "move_labels": dict(DepotMove.choices),
            "error": error,
        },
        status=error.status if error else 200,
    )


def _depot_actor(request: HttpRequest) -> Actor:
    actor = actor_for(request.user)
    actor.require_perm(depot.DEPOT_PERM)
    return actor


@login_required
@require_GET
def depot_register(request: HttpRequest) -> HttpResponse:
    return _register_page(request, _depot_actor(request))


@login_required
@require_POST
def depot_receive(request: HttpRequest) -> HttpResponse:
    actor = _depot_actor(request)
    try:
        job = depot.depot_receive(
            actor=actor,
            number=request.POST.get("number", ""),
            accessories=request.POST.get("accessories", ""),
            condition=request.POST.get("condition", ""),
        )
    except DomainError as exc:
        return _register_page(request, actor, error=exc)
    messages.success(
        request,
        _("Received: pickup receipt %(receipt)s, repair tag %(tag)s.")
        % {"receipt": job.receipt_number, "tag": job.tag_number},
    )
    return redirect("service:depot_register")


@login_required
@require_POST
def depot_move(request: HttpRequest, tag: str) -> HttpResponse:
    actor = _depot_actor(request)
    try:
        line = depot.depot_move(
            actor=actor, tag_number=tag, move=request.POST.get("move", ""), note=request.POST.get("note", "")
        )
    except DomainError as exc:
        return _register_page(request, actor, error=exc)
    messages.success(
        request, _("%(tag)s: %(move)s recorded.") % {"tag": line.job.tag_number, "move": line.get_move_display()}
    )
    return redirect("service:depot_register")


def _parts(post: Any) -> list[dict[str, Any]]:
    """Material rows of the report form (part_code[], part_name[], quantity[], unit_price[]); blank rows skipped."""
    rows = zip(
        post.getlist("part_code"),
        post.getlist("part_name"),
        post.getlist("quantity"),
        post.getlist("unit_price"),
        strict=False,
    )
    return [
        {"part_code": code, "part_name": name, "quantity": quantity or 0, "unit_price": price or Decimal("0")}
        for code, name, quantity, price in rows
        if (code or "").strip() or (name or "").strip()
    ]


@login_required
@require_POST
def depot_report(request: HttpRequest, tag: str) -> HttpResponse:
    actor = _depot_actor(request)
    try:
        minutes = int(request.POST.get("labour_minutes") or -1)
    except ValueError:
        minutes = -1
    try:
        job = depot.depot_report(
            actor=actor,
            tag_number=tag,
            report=request.POST.get("report", ""),
            labour_minutes=minutes,
            parts=_parts(request.POST),
        )
    except DomainError as exc:
        return _register_page(request, actor, error=exc)
    messages.success(request, _("%(tag)s: repair report saved.") % {"tag": job.tag_number})
    return redirect("service:depot_register")


# --- printable forms -------------------------------------------------------------------------


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def request_voucher_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """服务凭证 (S11); a portal user gets those of their own organisation's requests."""
    sr = selectors.access_service_request(actor_for(request.user), number)
    return _pdf(documents.voucher_pdf(sr), f"voucher-{sr.number}")


@login_required
@require_GET
def request_repair_order_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """产品维修单 (S11)."""
    sr = selectors.access_service_request(actor_for(request.user), number)
    return _pdf(documents.repair_order_pdf(sr), f"repair-order-{sr.number}")


@login_required
@require_GET
def depot_receipt_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """用户产品领取收据 (S13), by receipt or tag number."""
    job = selectors.access_depot_job(actor_for(request.user), number)
    return _pdf(documents.pickup_receipt_pdf(job), f"receipt-{job.receipt_number}")


@login_required
@require_GET
def depot_tag_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """维修卡 (S13), by tag or receipt number."""
    job = selectors.access_depot_job(actor_for(request.user), number)
    return _pdf(documents.repair_tag_pdf(job), f"tag-{job.tag_number}")


@login_required
@require_GET
def quote_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """报价单 (B1); a portal user gets those of their own organisation's requests."""
    quote = selectors.access_quote(actor_for(request.user), number)
    return _pdf(documents.quotation_pdf(quote), f"quote-{quote.number}")


HANDIN_COLUMNS = [
    Column(gettext_lazy("Month"), lambda h: h.period),
    Column(gettext_lazy("Service point"), lambda h: h.service_point.name),
    Column(gettext_lazy("Due on"), lambda h: h.due_on),
    Column(gettext_lazy("Handed in"), lambda h: h.handed_in_at),
    Column(gettext_lazy("Handed in by"), lambda h: display_name(h.handed_in_by) if h.handed_in_by else ""),
    Column(gettext_lazy("Repair orders"), lambda h: h.order_count if h.handed_in_at else None),
]


@login_required
def handins(request: HttpRequest) -> HttpResponse:
    """S14: the repair points' monthly hand-ins of repair orders, due by the policy day; submit one."""
    actor = actor_for(request.user)
    if not (actor.has_perm("service.dispatch_servicerequest") or actor.has_perm("service.work_servicerequest")):
        raise PermissionDenied()
    if request.method == "GET" and export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="repair-order-hand-ins",
            title=gettext_lazy("Repair order hand-ins"),
            columns=HANDIN_COLUMNS,
            rows=selectors.handin_list(actor),
        )
    error: DomainError | None = None
    if request.method == "POST":
        try:
            handin = rules.handin_submit(
                actor=actor,
                service_point_code=request.POST.get("service_point", ""),
                period=request.POST.get("period", ""),
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("Repair orders of %(period)s handed in: %(count)s.")
                % {"period": handin.period, "count": handin.order_count},
            )
            return redirect("service:handins")
    return render(
        request,
        "service/handins.html",
        {"handins": selectors.handin_list(actor), "error": error, "today": timezone.localdate()},
        status=error.status if error else 200,
    )
