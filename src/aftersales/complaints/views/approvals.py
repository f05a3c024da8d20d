"""The old addresses of the approvals queue: the queue moved to the approvals app (one queue for every
kind); deciding from the complaint page goes back to the complaint."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.approvals.services import approval_decide as approval_decide_service
from aftersales.complaints import selectors
from aftersales.complaints.forms import ApprovalDecideForm
from aftersales.complaints.views.complaints import _actor, staff_page
from aftersales.core.errors import DomainError

APPROVALS = "approvals.view_approval"


def approval_queue(request: HttpRequest) -> HttpResponse:
    """The queue's old address (/complaints/approvals/) keeps working: it leads to /approvals/."""
    return redirect("approvals:approval_queue", permanent=True)


@staff_page(APPROVALS)
@require_POST
def approval_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    """Approve or refuse from the complaint page (`back`: its number) through the approvals engine;
    a refusal by the engine changes nothing and is shown on the complaint page."""
    actor = _actor(request)
    number = selectors.access_complaint(actor, request.POST.get("back", "").strip()).number
    form = ApprovalDecideForm(request.POST)
    action = request.POST.get("action", "")
    if form.is_valid() and action in ("approve", "refuse"):
        try:
            approval_decide_service(
                actor=actor, approval_id=approval_id, approve=action == "approve", note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Approved.") if action == "approve" else _("Refused."))
    else:
        messages.error(request, _("Unknown action."))
    return redirect("complaints:complaint_detail", number=number)
