"""Training pages (T2): customer trainings (plan, record, cancel), staff assessments, certificates.
Parse → one selector or service → render.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, xlsx_export
from aftersales.core.selectors import event_list_for
from aftersales.policies.selectors import policy_get
from aftersales.training import selectors, services
from aftersales.training.forms import (
    AssessmentForm,
    CertificateFilterForm,
    TrainingFilterForm,
    TrainingForm,
    TrainingRecordForm,
)

PAGE_SIZE = 50
TRAINING_COLUMNS = [
    Column(gettext_lazy("Course"), lambda t: t.course),
    Column(gettext_lazy("Product"), lambda t: t.product.model if t.product else ""),
    Column(gettext_lazy("Planned on"), lambda t: t.planned_on),
    Column(gettext_lazy("Held on"), lambda t: t.held_on),
    Column(gettext_lazy("Place"), lambda t: t.place),
    Column(gettext_lazy("Trainer"), lambda t: t.trainer),
    Column(gettext_lazy("State"), lambda t: t.get_state_display()),
    Column(
        gettext_lazy("Attendees"),
        lambda t: "；".join(
            f"{a.customer.name} {a.attendees}".strip()
            for a in t.attendance.all()  # prefetched (customer_list)
        ),
    ),
    Column(gettext_lazy("Feedback"), lambda t: t.feedback),
]
ASSESSMENT_COLUMNS = [
    Column(gettext_lazy("Staff member"), lambda a: str(a.user)),
    Column(gettext_lazy("Product line"), lambda a: a.product_line),
    Column(gettext_lazy("Taken on"), lambda a: a.taken_on),
    Column(gettext_lazy("Theory"), lambda a: a.theory),
    Column(gettext_lazy("Practice"), lambda a: a.practice),
    Column(gettext_lazy("Simulated customer"), lambda a: a.simulated),
    Column(gettext_lazy("Passed"), lambda a: a.passed),
    Column(gettext_lazy("Assessor"), lambda a: str(a.assessor)),
]
CERTIFICATE_COLUMNS = [
    Column(gettext_lazy("Staff member"), lambda c: str(c.user)),
    Column(gettext_lazy("Product line"), lambda c: c.product_line),
    Column(gettext_lazy("Issued on"), lambda c: c.issued_on),
    Column(gettext_lazy("Expires on"), lambda c: c.expires_on),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _id(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


@login_required
@permission_required("training.view_customertraining", raise_exception=True)
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = TrainingFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.training_list(actor, **filters)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="customer_trainings",
            title=_("Customer training"),
            columns=TRAINING_COLUMNS,
            rows=selectors.with_attendees(queryset),
            filters=filters,
        )
    return render(
        request,
        "training/customer_list.html",
        {
            "form": form,
            "page_obj": list_page(request, queryset, PAGE_SIZE),
            "can_add": actor.has_perm("training.add_customertraining"),
        },
    )


@login_required
@permission_required("training.add_customertraining", raise_exception=True)
def customer_create(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = TrainingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training = services.training_plan(actor=actor, **form.service_values())
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Training planned."))
            return redirect(training.get_absolute_url())
    return render(request, "training/customer_form.html", {"form": form})


@login_required
@permission_required("training.add_customertraining", raise_exception=True)
def customer_options(request: HttpRequest) -> HttpResponse:
    """The invited-customers list's <option>s (htmx): those already chosen, then up to 30 matches of the search."""
    actor = _actor(request)
    chosen = [int(v) for v in request.GET.getlist("customers") if v.isascii() and v.isdigit()]
    q = request.GET.get("customer_search", "")[:100]
    options = selectors.customer_options(actor, q=q, chosen=chosen)
    return render(request, "training/_customer_options.html", {"options": options, "chosen": set(chosen)})


@login_required
@permission_required("training.view_customertraining", raise_exception=True)
def customer_detail(request: HttpRequest, training_id: str) -> HttpResponse:
    actor = _actor(request)
    training = selectors.access_training(actor, _id(training_id))
    can_change = actor.has_perm("training.change_customertraining") and training.state == "planned"
    action = request.POST.get("action", "") if request.method == "POST" else ""
    form = TrainingRecordForm(
        request.POST if action == "record" else None,
        initial={"version": training.version, "held_on": training.planned_on},
    )
    if can_change and action:
        try:
            if action == "record" and form.is_valid():
                services.training_record(actor=actor, training_id=training.pk, **form.cleaned_data)
                messages.success(request, _("Training recorded."))
                return redirect(training.get_absolute_url())
            if action == "cancel":
                services.training_cancel(
                    actor=actor,
                    training_id=training.pk,
                    reason=request.POST.get("reason", "")[:300],
                    version=_id(request.POST.get("version", "")) or None,
                )
                messages.success(request, _("Training cancelled."))
                return redirect(training.get_absolute_url())
        except DomainError as exc:
            form_errors_from(form, exc)
    return render(
        request,
        "training/customer_detail.html",
        {
            "training": training,
            "attendance": training.attendance.select_related("customer").order_by("id"),
            "form": form,
            "can_change": can_change,
            "events": event_list_for(training),
        },
    )


@login_required
@permission_required("training.view_assessment", raise_exception=True)
def assessment_list(request: HttpRequest) -> HttpResponse:
    """T2: staff assessments (theory, practice, simulated customer); the training centre records them."""
    actor = _actor(request)
    queryset = selectors.assessment_list(actor)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="assessments",
            title=_("Staff assessments"),
            columns=ASSESSMENT_COLUMNS,
            rows=queryset,
            filters={},
        )
    can_add = actor.has_perm("training.add_assessment")
    form = AssessmentForm(request.POST or None, initial={"taken_on": timezone.localdate()})
    if can_add and request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_record(actor=actor, **form.service_values())
        except DomainError as exc:
            form_errors_from(form, exc, aliases={"user_id": "user"})
        else:
            messages.success(request, _("Passed: certificate issued.") if assessment.passed else _("Not passed."))
            return redirect("training:assessments")
    return render(
        request,
        "training/assessments.html",
        {
            "page_obj": list_page(request, queryset, PAGE_SIZE),
            "form": form,
            "can_add": can_add,
            "pass_marks": policy_get("T2.pass_marks").value,
        },
    )


@login_required
def certificate_list(request: HttpRequest) -> HttpResponse:
    """T2: certificates, soonest expiry first; staff see their own, trainers and managers all."""
    actor = _actor(request)
    if actor.has_role("customer"):
        raise PermissionDenied
    form = CertificateFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    notice = int(policy_get("T2.expiry_notice_days").value)
    expiring_by = timezone.localdate() + dt.timedelta(days=notice) if filters.get("expiring") else None
    queryset = selectors.certificate_list(actor, product_line=filters.get("product_line", ""), expiring_by=expiring_by)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="certificates",
            title=_("Certificates"),
            columns=CERTIFICATE_COLUMNS,
            rows=queryset,
            filters=filters,
        )
    return render(
        request,
        "training/certificates.html",
        {"form": form, "page_obj": list_page(request, queryset, PAGE_SIZE), "today": timezone.localdate()},
    )
