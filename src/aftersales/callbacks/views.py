"""Callback pages (V2): the agent's queue, one callback with its script and timer, every callback, site checks.

Parse → one selector or service → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.callbacks import selectors, services
from aftersales.callbacks.forms import OutcomeForm
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, xlsx_export

PAGE_SIZE = 50
COLUMNS = [
    Column(gettext_lazy("Due"), lambda c: c.due_at),
    Column(gettext_lazy("Kind"), lambda c: c.get_kind_display()),
    Column(gettext_lazy("Customer"), lambda c: c.customer.name),
    Column(gettext_lazy("Unit"), lambda c: c.unit.serial if c.unit else ""),
    Column(gettext_lazy("Reason"), lambda c: c.reason),
    Column(gettext_lazy("State"), lambda c: c.get_state_display()),
    Column(gettext_lazy("Outcome"), lambda c: c.get_result_display()),
    Column(gettext_lazy("Satisfaction"), lambda c: c.get_satisfaction_display()),
    Column(gettext_lazy("Remarks"), lambda c: c.note),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _listing(request: HttpRequest, queryset: Any, template: str, title: str, list_name: str) -> HttpResponse:
    actor = _actor(request)
    if export_requested(request):
        return xlsx_export(actor=actor, list_name=list_name, title=title, columns=COLUMNS, rows=queryset, filters={})
    return render(request, template, {"page_obj": list_page(request, queryset, PAGE_SIZE), "title": title})


@login_required
@permission_required("callbacks.view_callback", raise_exception=True)
def callback_queue_page(request: HttpRequest) -> HttpResponse:
    """V2: what may be called today, most urgent first."""
    queryset = selectors.callback_queue(_actor(request), today=timezone.localdate())
    return _listing(request, queryset, "callbacks/queue.html", _("Callbacks to make"), "callback_queue")


@login_required
@permission_required("callbacks.view_callback", raise_exception=True)
def callback_list_page(request: HttpRequest) -> HttpResponse:
    queryset = selectors.callback_list(_actor(request)).order_by("-due_at", "-id")
    return _listing(request, queryset, "callbacks/queue.html", _("All callbacks"), "callbacks")


@login_required
@permission_required("callbacks.view_sitecheck", raise_exception=True)
def site_check_list_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    queryset = selectors.site_check_list(actor)
    columns = [
        Column(gettext_lazy("Month"), lambda s: s.month),
        Column(gettext_lazy("Customer"), lambda s: s.customer.name),
        Column(gettext_lazy("Service point"), lambda s: s.service_point.name if s.service_point else ""),
        Column(gettext_lazy("Due"), lambda s: s.due_on),
        Column(gettext_lazy("State"), lambda s: s.get_state_display()),
    ]
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="site_checks",
            title=_("Monthly site checks"),
            columns=columns,
            rows=queryset,
            filters={},
        )
    return render(request, "callbacks/site_checks.html", {"page_obj": list_page(request, queryset, PAGE_SIZE)})


@login_required
@permission_required("callbacks.view_callback", raise_exception=True)
def callback_detail(request: HttpRequest, callback_id: int) -> HttpResponse:
    """V2: the script (opening and closing phrases), the timer against the target, the outcome."""
    actor = _actor(request)
    callback = selectors.access_callback(actor, callback_id)
    form = OutcomeForm(request.POST or None, initial={"version": callback.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = services.callback_outcome(
                actor=actor,
                callback_id=callback.pk,
                result=data["result"],
                satisfaction=data["satisfaction"],
                note=data["note"],
                opens=data["opens"],
                talk_seconds=data["talk_seconds"],
                version=data["version"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            if done.opened_request is not None:
                number = done.opened_request.number
                messages.success(request, _("Service request %(number)s opened.") % {"number": number})
                return redirect("service:request_detail", number=number)
            if done.opened_complaint is not None:
                number = done.opened_complaint.number
                messages.success(request, _("Complaint %(number)s opened.") % {"number": number})
                return redirect("complaints:complaint_detail", number=number)
            messages.success(request, _("The callback is recorded."))
            return redirect("callbacks:queue")
    return render(
        request,
        "callbacks/detail.html",
        {
            "callback": callback,
            "form": form,
            "script": selectors.callback_script(callback.kind),
            "can_change": actor.has_perm("callbacks.change_callback") and callback.state == "open",
        },
    )
