"""The approvals queue (审批) of every kind: what waits for the user's decision, deciding one approval.

The queue lists the pending approvals waiting for the user (within their authority, not their own)
and their own pending requests. A refusal by the engine (beyond authority, own request, already
decided) changes nothing and is shown with its explanation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.approvals import selectors, services
from aftersales.approvals.forms import ApprovalDecideForm
from aftersales.approvals.selectors import MINE_WAITING
from aftersales.approvals.services import actor_authority, approval_link, role_label
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.lists import Column, export_requested, xlsx_export

APPROVALS = "approvals.view_approval"
QUEUE_SIZE = 200
APPROVAL_COLUMNS = [
    Column(gettext_lazy("Record"), lambda a: a.subject_label),
    Column(gettext_lazy("Kind"), lambda a: a.get_kind_display()),
    Column(gettext_lazy("Amount (yuan)"), lambda a: a.amount),
    Column(gettext_lazy("Requested by"), lambda a: str(a.requested_by) if a.requested_by else ""),
    Column(gettext_lazy("Requested at"), lambda a: a.created_at),
    Column(gettext_lazy("Note"), lambda a: a.note),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _with_links(rows: list[Any]) -> list[Any]:
    for row in rows:  # each kind's app registered the page of its records
        row.link = approval_link(row)
    return rows


def _queue_page(request: HttpRequest, *, error: DomainError | None = None) -> HttpResponse:
    actor = _actor(request)
    waiting = selectors.approval_list(actor, mine=MINE_WAITING)
    if error is None and request.method == "GET" and export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="approvals",
            title=_("Approvals"),
            columns=APPROVAL_COLUMNS,
            rows=waiting,
        )
    rows = _with_links(list(waiting[:QUEUE_SIZE]))
    own = _with_links(
        [a for a in selectors.approval_list(actor, state="pending")[:QUEUE_SIZE] if a.requested_by_id == actor.pk]
    )
    authority = actor_authority(actor)
    return render(
        request,
        "approvals/approval_queue.html",
        {
            "rows": rows,
            "own": own,
            "authority": role_label(authority) if authority else "",
            "form": ApprovalDecideForm(),
            "error": str(error.message) if error else "",
        },
        status=error.status if error else 200,
    )


@login_required
@permission_required(APPROVALS, raise_exception=True)
def approval_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


@login_required
@permission_required(APPROVALS, raise_exception=True)
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or refuse; back to `next` (a page of this site) or the queue."""
    actor = _actor(request)
    form = ApprovalDecideForm(request.POST)
    action = request.POST.get("action", "")
    back = request.POST.get("next", "").strip()
    if back and not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    error: DomainError | None = None
    if form.is_valid() and action in ("approve", "refuse"):
        try:
            services.approval_decide(
                actor=actor, approval_id=approval_id, approve=action == "approve", note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("Approved.") if action == "approve" else _("Refused."))
    else:
        messages.error(request, _("Unknown action."))
    if error is not None:
        if not back:
            return _queue_page(request, error=error)
        messages.error(request, str(error.message))
    return redirect(back or "approvals:approval_queue")
