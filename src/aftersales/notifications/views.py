"""The notification list, mark-as-read, the bell (polled by htmx) and the e-mail preference."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.notifications.selectors import bell_context, notification_email_wanted, notification_list
from aftersales.notifications.services import notification_mark_read, notification_preference_set


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = list(notification_list(actor_for(request.user))[:200])
    return render(
        request,
        "notifications/list.html",
        {"notifications": rows, "email_wanted": notification_email_wanted(request.user)},
    )


@require_GET
@login_required
def bell(request: HttpRequest) -> HttpResponse:
    """The navbar bell alone: htmx asks for it every AFTERSALES_LIVE_REFRESH_SECONDS."""
    return render(request, "notifications/_bell.html", bell_context(request.user))


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("id", "")
    notification_mark_read(actor=actor_for(request.user), notification_id=int(raw) if raw.isdigit() else None)
    return redirect("notifications:list")


@require_POST
@login_required
def preference(request: HttpRequest) -> HttpResponse:
    """Bell only, or bell and e-mail (the user's own choice)."""
    email = request.POST.get("email") == "on"
    notification_preference_set(actor=actor_for(request.user), email=email)
    messages.success(
        request, _("You will be told in the bell and by e-mail.") if email else _("You will be told in the bell only.")
    )
    return redirect("notifications:list")
