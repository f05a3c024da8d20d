"""The notification list and mark-as-read (the bell links here)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.notifications.selectors import notification_list
from aftersales.notifications.services import notification_mark_read


@require_GET
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    rows = list(notification_list(actor_for(request.user))[:200])
    return render(request, "notifications/list.html", {"notifications": rows})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.get("id", "")
    notification_mark_read(actor=actor_for(request.user), notification_id=int(raw) if raw.isdigit() else None)
    return redirect("notifications:list")
