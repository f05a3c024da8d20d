"""Consultation register pages (C8): the register with filters and export, registering an enquiry,
one enquiry with its stages and follow-ups, my follow-ups, the conversion per period, and the
administrator's fields. Parse → one selector or service → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from aftersales.accounts.selectors import actor_for
from aftersales.consultations import selectors, services
from aftersales.consultations.forms import (
    EXTRA_PREFIX,
    ConsultationFilterForm,
    ConsultationForm,
    ConversionForm,
    FieldForm,
    FollowUpForm,
    FollowUpOutcomeForm,
    StageForm,
)
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, sort_apply, xlsx_export
from aftersales.core.selectors import event_list_for

PAGE_SIZE = 50
SORTS = {"received": "received_at", "name": "name", "stage": "stage", "channel": "channel"}
COLUMNS = [
    Column(gettext_lazy("Received at"), lambda c: c.received_at),
    Column(gettext_lazy("Channel"), lambda c: c.get_channel_display()),
    Column(gettext_lazy("Enquirer"), lambda c: c.name),
    Column(gettext_lazy("Organisation"), lambda c: c.organisation),
    Column(pgettext_lazy("contact details", "Contact"), lambda c: c.contact),
    Column(gettext_lazy("Product of interest"), lambda c: c.product.model if c.product else ""),
    Column(gettext_lazy("Question"), lambda c: c.question),
    Column(gettext_lazy("Answer"), lambda c: c.answer),
    Column(gettext_lazy("Handled by"), lambda c: str(c.handler)),
    Column(gettext_lazy("Stage"), lambda c: c.get_stage_display()),
    Column(gettext_lazy("Visited on"), lambda c: c.visited_on),
    Column(gettext_lazy("Purchased on"), lambda c: c.purchased_on),
    Column(gettext_lazy("Further details"), lambda c: "；".join(f"{k}: {v}" for k, v in (c.extra or {}).items())),
]
CONVERSION_COLUMNS = [
    Column(pgettext_lazy("reporting period", "Period"), lambda r: r.period),
    Column(gettext_lazy("Enquiries"), lambda r: r.enquiries),
    Column(gettext_lazy("Visited"), lambda r: r.visited),
    Column(gettext_lazy("Purchased"), lambda r: r.purchased),
    Column(gettext_lazy("Visit rate"), lambda r: r.visit_rate),
    Column(gettext_lazy("Purchase rate"), lambda r: r.purchase_rate),
    Column(gettext_lazy("Visit to purchase"), lambda r: r.visit_to_purchase_rate),
]
FOLLOWUP_COLUMNS = [
    Column(gettext_lazy("Due on"), lambda f: f.due_on),
    Column(gettext_lazy("Enquirer"), lambda f: f.consultation.name),
    Column(pgettext_lazy("contact details", "Contact"), lambda f: f.consultation.contact),
    Column(gettext_lazy("What to ask"), lambda f: f.note),
]
FIELD_COLUMNS = [
    Column(gettext_lazy("Order"), lambda d: d.order),
    Column(gettext_lazy("Key"), lambda d: d.key),
    Column(gettext_lazy("Label"), lambda d: d.label),
    Column(gettext_lazy("Type"), lambda d: d.get_field_type_display()),
    Column(gettext_lazy("Choices"), lambda d: "、".join(d.choices)),
    Column(gettext_lazy("Required"), lambda d: d.required),
    Column(gettext_lazy("Active"), lambda d: d.active),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


def _id(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


@login_required
@permission_required("consultations.view_consultation", raise_exception=True)
def consultation_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form = ConsultationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.consultation_list(actor, **filters)
    queryset, _sort = sort_apply(queryset, request.GET.get("sort"), SORTS, default="-received")
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="consultations",
            title=_("Consultation register"),
            columns=COLUMNS,
            rows=queryset,
            filters=filters,
        )
    return render(
        request,
        "consultations/list.html",
        {
            "form": form,
            "page_obj": list_page(request, queryset, PAGE_SIZE),
            "can_add": actor.has_perm("consultations.add_consultation"),
        },
    )


@login_required
@permission_required("consultations.add_consultation", raise_exception=True)
def consultation_create(request: HttpRequest) -> HttpResponse:
    """C8: the hotline registers an enquiry (intake area)."""
    actor = _actor(request)
    definitions = list(selectors.field_list())
    form = ConsultationForm(request.POST or None, definitions=definitions)
    if request.method == "POST" and form.is_valid():
        try:
            found = services.consultation_register(actor=actor, **form.service_values())
        except DomainError as exc:
            aliases = {f"extra.{d.key}": EXTRA_PREFIX + d.key for d in definitions}
            form_errors_from(form, exc, aliases=aliases)
        else:
            messages.success(request, _("Consultation registered."))
            return redirect(found.get_absolute_url())
    return render(request, "consultations/form.html", {"form": form})


@login_required
@permission_required("consultations.view_consultation", raise_exception=True)
def consultation_detail(request: HttpRequest, consultation_id: str) -> HttpResponse:
    actor = _actor(request)
    consultation = selectors.access_consultation(actor, _id(consultation_id))
    can_change = actor.has_perm("consultations.change_consultation")
    action = request.POST.get("action", "") if request.method == "POST" else ""
    stage_form = StageForm(request.POST if action == "stage" else None, initial={"version": consultation.version})
    follow_form = FollowUpForm(request.POST if action == "follow_up" else None)
    outcome_form = FollowUpOutcomeForm(request.POST if action == "outcome" else None)
    if can_change and action:
        try:
            if action == "stage" and stage_form.is_valid():
                data = stage_form.cleaned_data
                services.consultation_stage(
                    actor=actor,
                    consultation_id=consultation.pk,
                    stage=data["stage"],
                    on=data["on"],
                    version=data["version"],
                )
                messages.success(request, _("Stage changed."))
                return redirect(consultation.get_absolute_url())
            if action == "follow_up" and follow_form.is_valid():
                services.followup_plan(actor=actor, consultation_id=consultation.pk, **follow_form.cleaned_data)
                messages.success(request, _("Follow-up callback planned."))
                return redirect(consultation.get_absolute_url())
            if action == "outcome" and outcome_form.is_valid():
                data = outcome_form.cleaned_data
                follow_up = selectors.access_followup(actor, data["follow_up"])
                if follow_up.consultation_id != consultation.pk:
                    raise NotFound()
                services.followup_record(
                    actor=actor, followup_id=follow_up.pk, result=data["result"], outcome=data["outcome"]
                )
                messages.success(request, _("Follow-up recorded."))
                return redirect(consultation.get_absolute_url())
        except DomainError as exc:
            form_errors_from({"stage": stage_form, "follow_up": follow_form}.get(action, outcome_form), exc)
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "extra": _extra_rows(consultation),
            "follow_ups": consultation.follow_ups.select_related("assignee", "done_by").order_by("due_on", "id"),
            "can_change": can_change,
            "stage_form": stage_form,
            "follow_form": follow_form,
            "outcome_form": outcome_form,
            "events": event_list_for(consultation),
        },
    )


def _extra_rows(consultation: Any) -> list[tuple[str, Any]]:
    labels = {d.key: d.label for d in selectors.field_list(active_only=False)}
    return [(labels.get(key, key), value) for key, value in (consultation.extra or {}).items()]


@login_required
@permission_required("consultations.change_consultation", raise_exception=True)
def my_followups(request: HttpRequest) -> HttpResponse:
    """C8: my follow-up callbacks due today or earlier (home queue)."""
    actor = _actor(request)
    queryset = selectors.my_followups_due(actor, today=timezone.localdate())
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="consultation_followups",
            title=_("Enquiries to call back"),
            columns=FOLLOWUP_COLUMNS,
            rows=queryset,
            filters={},
        )
    return render(request, "consultations/followups.html", {"page_obj": list_page(request, queryset, PAGE_SIZE)})


@login_required
@permission_required("consultations.view_consultation", raise_exception=True)
def conversion(request: HttpRequest) -> HttpResponse:
    """C8: enquiries → visits → purchases per month or quarter."""
    actor = _actor(request)
    form = ConversionForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    by = filters.get("by") or "month"
    rows = selectors.consultation_conversion(
        actor, by=by, date_from=filters.get("date_from"), date_to=filters.get("date_to")
    )
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="consultation_conversion",
            title=_("Conversion of enquiries"),
            columns=CONVERSION_COLUMNS,
            rows=rows,
            filters=filters,
        )
    return render(request, "consultations/conversion.html", {"form": form, "rows": rows})


@login_required
@permission_required("consultations.view_consultationfield", raise_exception=True)
def field_list(request: HttpRequest) -> HttpResponse:
    """C8: the administrator manages the register's extra fields."""
    actor = _actor(request)
    queryset = selectors.field_list(active_only=False)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="consultation_fields",
            title=_("Consultation fields"),
            columns=FIELD_COLUMNS,
            rows=queryset,
            filters={},
        )
    form = FieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.service_values()
        data.pop("active", None)
        try:
            services.field_create(actor=actor, **data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Field added."))
            return redirect("consultations:fields")
    return render(
        request,
        "consultations/fields.html",
        {"fields": queryset, "form": form, "can_add": actor.has_perm("consultations.add_consultationfield")},
    )


@login_required
@permission_required("consultations.change_consultationfield", raise_exception=True)
def field_edit(request: HttpRequest, field_id: str) -> HttpResponse:
    actor = _actor(request)
    definition = selectors.access_field(actor, _id(field_id))
    initial = {
        "key": definition.key,
        "label": definition.label,
        "field_type": definition.field_type,
        "choices": "\n".join(definition.choices),
        "required": definition.required,
        "order": definition.order,
        "active": definition.active,
        "version": definition.version,
    }
    form = FieldForm(request.POST or None, initial=initial)
    form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.service_values()
        data.pop("key", None)
        try:
            services.field_update(
                actor=actor, field_id=definition.pk, data=data, expected_version=form.cleaned_data["version"]
            )
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            messages.success(request, _("Field saved."))
            return redirect("consultations:fields")
    return render(request, "consultations/field_form.html", {"form": form, "definition": definition})
