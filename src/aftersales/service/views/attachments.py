"""Pages of the photos and videos on a request (issue 13, point 3; S9): parse → one service → render.

The upload form on the engineer's phone screen posts with htmx and gets the gallery back (errors
in it, answered 200 so htmx shows them); without htmx it is sent back to the page it came from. The
files are read only through attachment_content, which checks the reader may see the request.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.service import selectors, services
from aftersales.service.choices import AttachmentKind
from aftersales.service.downloads import attachment_response
from aftersales.service.models import ServiceRequest
from aftersales.service.services.attachments import CLOSED_TO_ATTACHMENTS

WORK_PERM = "service.work_servicerequest"


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def attachments_context(actor: Actor, sr: ServiceRequest, *, error: str = "", panel: str = "job") -> dict[str, Any]:
    """What the gallery needs: the photos and videos, whether the actor may add and delete them."""
    may_work = actor.has_perm("service.work_servicerequest") and (
        sr.engineer_id == actor.pk or actor.has_perm("service.dispatch_servicerequest")
    )
    editable = sr.state not in CLOSED_TO_ATTACHMENTS
    attachments = selectors.attachment_list(sr)
    shown_fault = any(a.kind == AttachmentKind.FAULT for a in attachments)
    page = "service:request_detail" if panel == "detail" else "service:engineer_job"
    return {
        "sr": sr,
        "attachments": attachments,
        # the fault is photographed first, then the repair: one tap fewer for the commonest order
        "default_kind": AttachmentKind.REPAIR if shown_fault else AttachmentKind.FAULT,
        "attachment_return": reverse(page, args=[sr.number]),
        "can_attach": may_work and editable,
        "can_delete_own": editable,
        "attachment_error": error,
        "attachment_kinds": AttachmentKind.choices,
        "attachment_panel": panel,
        "me": actor.pk,
    }


def _back(request: HttpRequest, sr: ServiceRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("service:engineer_job", number=sr.number)


def _answer(request: HttpRequest, actor: Actor, sr: ServiceRequest, error: str, done: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx's middleware sets request.htmx
        panel = "detail" if request.POST.get("panel") == "detail" else "job"
        context = attachments_context(actor, sr, error=error, panel=panel)
        return render(request, "service/_attachments.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done)
    return _back(request, sr)


@require_POST
@login_required
@permission_required(WORK_PERM, raise_exception=True)
def attachment_add(request: HttpRequest, number: str) -> HttpResponse:
    actor = _actor(request)
    sr = selectors.access_service_request(actor, number)
    error = ""
    try:
        services.attachment_add(
            actor=actor,
            number=sr.number,
            upload=request.FILES.get("file"),
            kind=request.POST.get("kind") or AttachmentKind.FAULT,
        )
    except DomainError as exc:
        error = str(exc.message)
    return _answer(request, actor, sr, error, _("Photo or video attached."))


@require_POST
@login_required
@permission_required(WORK_PERM, raise_exception=True)
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    attachment = selectors.access_attachment(actor, pk)
    sr = attachment.request
    error = ""
    try:
        services.attachment_delete(actor=actor, attachment_id=attachment.pk)
    except DomainError as exc:
        error = str(exc.message)
    return _answer(request, actor, sr, error, _("Photo or video deleted."))


@require_GET
@login_required
def attachment_content(request: HttpRequest, pk: int) -> FileResponse:
    """The photo or video itself, for whoever may read its request (404 for everyone else)."""
    return attachment_response(selectors.attachment_content(_actor(request), pk))


@require_GET
@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> FileResponse:
    return attachment_response(selectors.attachment_content(_actor(request), pk, thumbnail=True))
