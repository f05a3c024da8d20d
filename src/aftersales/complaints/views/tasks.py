"""K13–K15 "My follow-up tasks": the open tasks of the user (assigned to them, or unassigned for one
of their roles) with their due date, and a form to mark one done with a note.

A refusal by the service (someone else's task, already done) re-renders the list with its message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.complaints import selectors, services
from aftersales.complaints.forms import TaskDoneForm
from aftersales.complaints.views.complaints import _actor, staff_page
from aftersales.core.errors import DomainError
from aftersales.core.lists import Column, export_requested, xlsx_export

TASKS = "complaints.view_followuptask"
LIST_SIZE = 200
TASK_COLUMNS = [
    Column(gettext_lazy("Task"), lambda t: t.get_kind_display()),
    Column(gettext_lazy("Complaint number"), lambda t: t.complaint.number if t.complaint else ""),
    Column(gettext_lazy("Amount (yuan)"), lambda t: t.amount),
    Column(gettext_lazy("Due at"), lambda t: t.due_at),
    Column(gettext_lazy("Assignee"), lambda t: str(t.assignee) if t.assignee else ""),
    Column(gettext_lazy("Note"), lambda t: t.note),
]


def _task_page(request: HttpRequest, *, error: DomainError | None = None) -> HttpResponse:
    actor = _actor(request)
    tasks = selectors.task_list(actor, mine=True, open_only=True)
    if error is None and request.method == "GET" and export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="follow-up-tasks",
            title=_("Follow-up tasks"),
            columns=TASK_COLUMNS,
            rows=tasks,
        )
    rows = list(tasks[:LIST_SIZE])
    return render(
        request,
        "complaints/task_list.html",
        {
            "rows": rows,
            "form": TaskDoneForm(),
            "can_do": actor.has_perm("complaints.change_followuptask"),
            "error": str(error.message) if error else "",
        },
        status=error.status if error else 200,
    )


@staff_page(TASKS)
def task_list(request: HttpRequest) -> HttpResponse:
    return _task_page(request)


@staff_page(TASKS)
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    form = TaskDoneForm(request.POST)
    if not form.is_valid():
        return _task_page(request)
    try:
        services.task_done(actor=_actor(request), task_id=task_id, note=form.cleaned_data["note"])
    except DomainError as exc:
        return _task_page(request, error=exc)
    messages.success(request, _("Task done."))
    return redirect("complaints:task_list")
