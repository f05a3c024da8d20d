"""The K7 approval queue (核决权限) of the sales manager, VP and GM, and deciding one approval.

The queue lists the pending approvals within the user's authority (theirs and below). Approving
or refusing is also offered on the complaint page; an amount above the user's authority is
refused by the service (403 beyond_authority) and the message is shown in Chinese.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.complaints import selectors, services
from aftersales.complaints.forms import ApprovalDecideForm
from aftersales.complaints.services.approvals import (
    actor_authority,
    approval_link,
    approval_roles_within,
    role_label,
)
from aftersales.complaints.views.complaints import _actor, staff_page
from aftersales.core.errors import DomainError

APPROVALS = "complaints.view_approval"
QUEUE_SIZE = 200


def _queue_page(request: HttpRequest, *, error: DomainError | None = None) -> HttpResponse:
    actor = _actor(request)
    rows = list(selectors.approval_queue(actor, roles=approval_roles_within(actor))[:QUEUE_SIZE])
    numbers = {a.subject_label for a in rows if a.subject_type == "complaints.complaint"}
    for row in rows:  # other apps' records (returns, certificates) link to the page their app registered
        row.link = approval_link(row)  # type: ignore[attr-defined]  # for the template, not a field
    return render(
        request,
        "complaints/approval_queue.html",
        {
            "rows": rows,
            "complaint_numbers": numbers,
            "authority": role_label(actor_authority(actor)) if actor_authority(actor) else "",
            "form": ApprovalDecideForm(),
            "error": str(error.message) if error else "",
        },
        status=error.status if error else 200,
    )


@staff_page(APPROVALS)
def approval_queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


@staff_page(APPROVALS)
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or refuse; back to the complaint page (`back`) or the queue. A refusal by the
    service (beyond_authority, own request, already decided) changes nothing and is shown."""
    actor = _actor(request)
    form = ApprovalDecideForm(request.POST)
    action = request.POST.get("action", "")
    back = request.POST.get("back", "").strip()
    back_number = ""
    if back:
        back_number = selectors.access_complaint(actor, back).number
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
        if not back_number:
            return _queue_page(request, error=error)
        messages.error(request, str(error.message))
    if back_number:
        return redirect("complaints:complaint_detail", number=back_number)
    return redirect("complaints:approval_queue")
