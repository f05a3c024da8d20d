"""Page forms cannot be submitted twice: a one-time token in every form, checked in one place.

`FormTokenMiddleware` adds a hidden `form_token` (a fresh random value) next to the CSRF field of
every form a page renders, so no template has to. A POST that carries a token spends it:

- the first submission runs; when it ends in a redirect (the form was accepted), the token is kept
  with that address; otherwise (the form came back with errors) the token is released;
- a second submission of the same token changes nothing: it is sent to the first result with a
  message, or, while the first is still running, gets a page saying so (409).

The submit buttons are also disabled once pressed (web/static/web/forms.js). A POST without a
token (htmx buttons, API clients, tests) is not checked.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict
from aftersales.core.idempotency import window
from aftersales.core.models import FormSubmission

FIELD = "form_token"
_CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")


def _with_token(match: re.Match[bytes]) -> bytes:
    return match.group(0) + b'<input type="hidden" name="' + FIELD.encode() + b'" value="' + _new_token() + b'">'


def _new_token() -> bytes:
    return secrets.token_urlsafe(24).encode()


class FormTokenMiddleware:
    """See the module docstring. After the session, auth and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return self.get_response(request)
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.fullmatch(token):
            return self._add_tokens(self.get_response(request))
        submission = _spend(token, request.path)
        if submission is not None:
            return self._add_tokens(_already_submitted(request, submission))
        try:
            response = self.get_response(request)
        except BaseException:
            FormSubmission.objects.filter(token=token).delete()
            raise
        if isinstance(response, HttpResponseRedirect) or response.status_code in (302, 303):
            FormSubmission.objects.filter(token=token).update(
                completed=True, redirect_to=response.get("Location", "")[:1000]
            )
        else:
            FormSubmission.objects.filter(token=token).delete()
        return self._add_tokens(response)

    def _add_tokens(self, response: HttpResponse) -> HttpResponse:
        if getattr(response, "streaming", False) or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        if b"csrfmiddlewaretoken" not in content:
            return response
        response.content = _CSRF_INPUT.sub(_with_token, content)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


def _spend(token: str, path: str) -> FormSubmission | None:
    """None when this submission now holds the token; else the earlier submission that did."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                FormSubmission.objects.create(token=token, path=path[:500])
            return None
        except IntegrityError:
            found = FormSubmission.objects.filter(token=token).first()
            if found is not None:
                return found
    return FormSubmission(token=token, path=path[:500])


def _already_submitted(request: HttpRequest, submission: FormSubmission) -> HttpResponse:
    if submission.completed and submission.redirect_to:
        messages.info(request, _("This form had already been submitted; nothing was changed. Here is its result."))
        return HttpResponseRedirect(submission.redirect_to)
    if submission.completed:
        error = Conflict(_("This form had already been submitted; nothing was changed."), code="form_resubmitted")
    else:
        error = Conflict(
            _("This form is already being submitted; nothing was changed. Wait a moment and reload the page."),
            code="form_in_progress",
        )
    return render(request, "web/error.html", {"error": error}, status=error.status)


def form_token_purge() -> int:
    """Forget spent form tokens older than the window (the periodic job of core.tasks)."""
    deleted, _detail = FormSubmission.objects.filter(created_at__lt=timezone.now() - window()).delete()
    return deleted
