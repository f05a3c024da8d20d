"""Sign-in lockout (django-axes): the 429 answer and the reset after a successful token sign-in.

django-axes counts wrong passwords per username (settings AXES_*, fed by AFTERSALES_SIGNIN_*);
once a username reaches the limit, AxesMiddleware hands the request to `lockout_response`, which
answers 429 with the time left in the user's language: the login page again with a message, or
the API's error shape `{"code": "too_many_attempts", "message", "fields"}` with `Retry-After`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

API_PREFIX = "/api/"


def lockout_remaining(username: str | None) -> dt.timedelta:
    """How long `username` stays locked: the cool-off counts from the failure that locked it
    (failures during the lockout are not recorded, AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT)."""
    cool_off = get_cool_off() or dt.timedelta(0)
    last = AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return cool_off
    return max(last + cool_off - timezone.now(), dt.timedelta(seconds=1))


def lockout_message(remaining: dt.timedelta) -> str:
    minutes = max(1, math.ceil(remaining.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-in attempts: this account is locked for now. Try again in %(minutes)s minute.",
        "Too many failed sign-in attempts: this account is locked for now. Try again in %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with the retry time, as JSON under /api/ and as the login page elsewhere."""
    username = get_client_username(request, credentials)
    remaining = lockout_remaining(username)
    message = lockout_message(remaining)
    seconds = max(1, math.ceil(remaining.total_seconds()))
    if request.path.startswith(API_PREFIX):
        body = {"code": "too_many_attempts", "message": message, "fields": {}}
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8", status=429
        )
    else:
        form = AuthenticationForm(request, initial={"username": username or ""})
        context = {
            "form": form,
            "lockout_message": message,
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
        }
        response = render(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def signin_succeeded(username: str) -> None:
    """After a successful token sign-in: forget that username's earlier failures (the login page
    does this through Django's user_logged_in signal, which the API does not send)."""
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        reset(username=username)
