"""Portal pages of complaints (K2, K4, K11): a customer's user files a complaint for their own
organisation, follows its public state and reads the reply, and downloads the reply letter.

Never shown here (K11): the internal state, the clocks, the major flag, the internal handling, the
decision and its amount, approvals, responsibility; the public state is choices.public_state.
Another organisation's complaint number is a 404 like a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.complaints.choices import public_state
from aftersales.complaints.documents import reply_letter_pdf
from aftersales.complaints.forms import PortalComplaintForm
from aftersales.complaints.selectors import access_complaint, complaint_list, complaint_reopened_as
from aftersales.complaints.services import complaint_register
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.portal.views import _customer_actor, _customer_id

PAGE_SIZE = 50


@login_required
def complaint_list_page(request: HttpRequest) -> HttpResponse:
    """My organisation's complaints, newest first, with their public state."""
    actor = _customer_actor(request)
    rows = [(c, public_state(c.state)) for c in complaint_list(actor)[:PAGE_SIZE]]
    return render(request, "portal/complaint_list.html", {"rows": rows})


@login_required
def complaint_create(request: HttpRequest) -> HttpResponse:
    """K2, K4: file a complaint (channel: web portal)."""
    actor = _customer_actor(request)
    form = PortalComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = complaint_register(
                    actor=actor,
                    customer_id=_customer_id(request),
                    channel="web",
                    **form.service_values(),
                )
            except DomainError as exc:
                form_errors_from(form, exc)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your complaint %(number)s is registered. We will contact you soon.")
                    % {"number": created.number},
                )
                return redirect("portal:complaint_detail", number=created.number)
        else:
            status = 422
    return render(request, "portal/complaint_create.html", {"form": form}, status=status)


@login_required
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The public state, what we registered and the reply (K11); K10: the complaint it continues in."""
    actor = _customer_actor(request)
    complaint = access_complaint(actor, number)
    context = {
        "c": complaint,
        "public_state": public_state(complaint.state),
        "reopened_as": complaint_reopened_as(complaint),
    }
    return render(request, "portal/complaint_detail.html", context)


@login_required
def complaint_reply_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """客户答复函: the reply letter, once the reply is written."""
    actor = _customer_actor(request)
    complaint = access_complaint(actor, number)
    if not complaint.public_reply:
        raise Http404
    response = HttpResponse(reply_letter_pdf(complaint), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reply-{complaint.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
