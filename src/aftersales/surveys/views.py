"""Survey pages (V4, V5): campaigns with their result, paper entry, the printable form, the reports.

Parse → one selector or service → render.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST

from aftersales.accounts.selectors import actor_for
from aftersales.core.access import Actor
from aftersales.core.documents import render_pdf
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, list_page, xlsx_export
from aftersales.surveys import selectors, services
from aftersales.surveys.documents import report_pdf as report_pdf_bytes
from aftersales.surveys.documents import report_xlsx as report_xlsx_bytes
from aftersales.surveys.forms import CampaignForm, PaperForm
from aftersales.surveys.reports import report_send as report_send_service
from aftersales.surveys.reports import score_change

PAGE_SIZE = 25
CAMPAIGN_COLUMNS = [
    Column(gettext_lazy("Title"), lambda c: c.title),
    Column(pgettext_lazy("reporting period", "Period"), lambda c: c.period),
    Column(gettext_lazy("Sent"), lambda c: c.sent),
    Column(gettext_lazy("Created"), lambda c: c.created_at),
]


def _actor(request: HttpRequest) -> Actor:
    return actor_for(request.user)


@login_required
@permission_required("surveys.view_campaign", raise_exception=True)
def campaign_list_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    queryset = selectors.campaign_list(actor)
    if export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="surveys",
            title=_("Satisfaction surveys"),
            columns=CAMPAIGN_COLUMNS,
            rows=queryset,
            filters={},
        )
    return render(
        request,
        "surveys/campaign_list.html",
        {"page_obj": list_page(request, queryset, PAGE_SIZE), "can_send": actor.has_perm("surveys.add_campaign")},
    )


@login_required
@permission_required("surveys.add_campaign", raise_exception=True)
def campaign_new(request: HttpRequest) -> HttpResponse:
    """V4: send a new survey — title, period, customers chosen by filters (key accounts, product, region).
    "Preview" (or any GET) counts the customers the filters choose; "Send" creates the campaign."""
    from aftersales.accounts.models import Region

    actor = _actor(request)
    regions = [(r.pk, r.name) for r in Region.objects.order_by("code")]
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = CampaignForm(data, regions=regions)
    count = None
    if data is not None and form.is_valid():
        audience = selectors.campaign_audience(
            key_accounts=form.cleaned_data["key_accounts"],
            product=form.cleaned_data["product"].strip(),
            region_id=form.cleaned_data["region"],
        )
        count = audience.count()
        if request.method == "POST" and "send" in request.POST:
            try:
                campaign = services.campaign_create(
                    actor=actor,
                    title=form.cleaned_data["title"],
                    period=form.cleaned_data["period"],
                    customers=list(audience),
                )
            except DomainError as exc:
                form_errors_from(form, exc)
            else:
                messages.success(request, _("The survey is sent to %(n)s customers.") % {"n": campaign.sent})
                return redirect("surveys:detail", campaign_id=campaign.pk)
    return render(request, "surveys/campaign_new.html", {"form": form, "count": count})


@login_required
@permission_required("surveys.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = _actor(request)
    campaign = selectors.access_campaign(actor, campaign_id)
    result = selectors.result_for(campaign)
    answered = set(selectors.response_list(campaign).values_list("customer_id", flat=True))
    recipients = [
        {
            "recipient": r,
            "answered": r.customer_id in answered,
            "link": request.build_absolute_uri(reverse("portal:survey_answer", args=[selectors.recipient_token(r)])),
        }
        for r in selectors.recipient_list(campaign)[:500]
    ]
    return render(
        request,
        "surveys/campaign_detail.html",
        {
            "campaign": campaign,
            "result": selectors.result_as_dict(result),
            "explanation": selectors.result_explanation(campaign, result),
            "responses": selectors.response_list(campaign)[:500],
            "recipients": recipients,
            "can_answer": actor.has_perm("surveys.answer_campaign"),
        },
    )


@login_required
@permission_required("surveys.answer_campaign", raise_exception=True)
def response_entry(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """V4: type in a paper form."""
    actor = _actor(request)
    campaign = selectors.access_campaign(actor, campaign_id)
    rules = selectors.campaign_rules(campaign)
    recipients = selectors.recipient_list(campaign)
    customer_id = request.POST.get("customer") or request.GET.get("customer") or ""
    if not (customer_id.isascii() and customer_id.isdigit()):
        customer_id = ""  # "²".isdigit() is True, yet int("²") raises
    products = selectors.customer_product_models(int(customer_id)) if customer_id.isdigit() else []
    form = PaperForm(
        request.POST or None,
        rules=rules,
        products=products or _all_products(),
        attended_training=selectors.attended_training(campaign, int(customer_id)) if customer_id.isdigit() else None,
    )
    form.fields["customer"].choices = [  # type: ignore[attr-defined]  # a TypedChoiceField
        (r.customer_id, f"{r.customer.code} {r.customer.name}") for r in recipients[:2000]
    ]
    if request.method == "POST" and form.is_valid():
        try:
            services.response_record(
                actor=actor,
                campaign_id=campaign.pk,
                customer_id=form.cleaned_data["customer"],
                products=form.products(),
                answers=form.answers(),
                respondent_name=form.cleaned_data["respondent_name"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form_errors_from(form, exc, aliases={f"answers.{i['number']}": f"q{i['number']}" for i in rules.items})
        else:
            messages.success(request, _("The answers are recorded."))
            return redirect("surveys:detail", campaign_id=campaign.pk)
    return render(request, "surveys/response_entry.html", {"campaign": campaign, "form": form})


def _all_products() -> list[str]:
    from aftersales.installed_base.models import Product

    return list(Product.objects.order_by("model").values_list("model", flat=True)[:50])


@login_required
@permission_required("surveys.view_campaign", raise_exception=True)
def form_pdf(request: HttpRequest) -> HttpResponse:
    """V4: the printable 用户满意度调查表 with the questions in force."""
    rules = services.rules_in_force()
    pdf = render_pdf(
        "surveys/pdf/form.html", {"items": rules.items, "products": _all_products(), "answers": _answer_labels()}
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="survey-form.pdf"'
    return response


def _answer_labels() -> list[str]:
    from aftersales.surveys.choices import Answer

    return [str(label) for _value, label in Answer.choices]


@login_required
@permission_required("surveys.view_analysisreport", raise_exception=True)
def report_list_page(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return render(
        request,
        "surveys/report_list.html",
        {
            "page_obj": list_page(request, selectors.report_list(actor), PAGE_SIZE),
            "can_generate": actor.has_perm("surveys.add_campaign"),
            "last_month": last_month.strftime("%Y-%m"),
        },
    )


@login_required
@require_POST
@permission_required("surveys.add_campaign", raise_exception=True)
def report_generate(request: HttpRequest) -> HttpResponse:
    """V5: build the month's reports now, as a background job whose page shows the progress (0025)."""
    from aftersales.core.jobs import job_enqueue
    from aftersales.surveys.jobs import REPORTS_JOB

    try:
        month = dt.date.fromisoformat((request.POST.get("month") or "")[:7] + "-01")
    except ValueError:
        messages.error(request, _("Choose the month the reports are for."))
        return redirect("surveys:reports")
    job = job_enqueue(
        actor=_actor(request),
        kind=REPORTS_JOB,
        label=_("Satisfaction analysis reports %(month)s") % {"month": month.strftime("%Y-%m")},
        params={"month": month.isoformat()},
    )
    return redirect("web:job_detail", job_id=job.pk)


@login_required
@permission_required("surveys.view_analysisreport", raise_exception=True)
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    actor = _actor(request)
    report = selectors.access_report(actor, report_id)
    snap: dict[str, Any] = report.snapshot
    previous = (snap.get("previous") or {}).get("result") or {}
    return render(
        request,
        "surveys/report_detail.html",
        {
            "report": report,
            "snap": snap,
            "change": score_change(snap["result"].get("score"), previous.get("score")),
            "can_send": actor.has_perm("surveys.add_campaign") and report.state == "draft",
        },
    )


@login_required
@permission_required("surveys.view_analysisreport", raise_exception=True)
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report(_actor(request), report_id)
    response = HttpResponse(report_pdf_bytes(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="satisfaction-{report.month:%Y-%m}-{report.campaign_id}.pdf"'
    return response


@login_required
@permission_required("surveys.view_analysisreport", raise_exception=True)
def report_xlsx(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.access_report(_actor(request), report_id)
    response = HttpResponse(
        report_xlsx_bytes(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="satisfaction-{report.month:%Y-%m}-{report.campaign_id}.xlsx"'
    )
    return response


@login_required
@require_POST
@permission_required("surveys.view_analysisreport", raise_exception=True)
def report_send(request: HttpRequest, report_id: int) -> HttpResponse:
    """V5: send the report to the management representative and quality."""
    try:
        report_send_service(actor=_actor(request), report_id=report_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The report is sent to the management representative and quality."))
    return redirect("surveys:report_detail", report_id=report_id)


def _month_asked(request: HttpRequest) -> dt.date:
    try:
        return dt.date.fromisoformat((request.GET.get("month") or "")[:7] + "-01")
    except ValueError:
        return timezone.localdate().replace(day=1)


def _rating_rows(actor: Actor, month: dt.date, engineer_id: int | None = None) -> list[dict[str, Any]]:
    """V3: per engineer, the four items × four answers of the month: counts and shares of the ratings."""
    from aftersales.followup.choices import RatingLevel
    from aftersales.followup.models import RATING_ITEMS, ServiceRating
    from aftersales.followup.selectors import rating_scope, rating_summary
    from aftersales.surveys.reports import month_bounds

    since, until = month_bounds(month)
    scoped = rating_scope(actor).filter(created_at__gte=since, created_at__lt=until)
    if engineer_id is not None:
        scoped = scoped.filter(engineer_id=engineer_id)
    engineers = scoped.values_list("engineer_id", "engineer__display_name", "engineer__username").distinct()
    labels = {item: ServiceRating._meta.get_field(item).verbose_name for item in RATING_ITEMS}  # type: ignore[union-attr]  # concrete fields
    rows = []
    for pk, display, username in engineers.order_by("engineer__username"):
        summary = rating_summary(actor, engineer_id=pk, since=since, until=until)
        items = []
        for item in RATING_ITEMS:
            counts = [summary[item][level] for level in RatingLevel.values]
            total = sum(counts)
            shares = [round(100 * n / total, 1) if total else 0.0 for n in counts]
            items.append(
                {
                    "label": labels[item],
                    "counts": counts,
                    "shares": shares,
                    "cells": list(zip(counts, shares, strict=True)),
                }
            )
        rows.append({"engineer_id": pk, "engineer": display or username or "—", "items": items})
    return rows


@login_required
@permission_required("followup.view_servicerating", raise_exception=True)
def ratings_page(request: HttpRequest) -> HttpResponse:
    """V3: the monthly summary of the engineers' ratings (four items × four answers: counts and shares),
    for the appraisal; exported to Excel with the month."""
    from aftersales.followup.choices import RatingLevel

    actor = _actor(request)
    month = _month_asked(request)
    rows = _rating_rows(actor, month)
    if export_requested(request):
        flat = [{"engineer": row["engineer"], **item} for row in rows for item in row["items"]]
        columns = [
            Column(gettext_lazy("Engineer"), lambda r: r["engineer"]),
            Column(gettext_lazy("Item"), lambda r: r["label"]),
            *[
                Column(label, lambda r, i=i: r["counts"][i])  # type: ignore[misc]  # bound per column
                for i, label in enumerate(RatingLevel.labels)
            ],
            *[
                Column(
                    _("%(answer)s (share %%)") % {"answer": label},
                    lambda r, i=i: r["shares"][i],  # type: ignore[misc]  # bound per column
                )
                for i, label in enumerate(RatingLevel.labels)
            ],
        ]
        return xlsx_export(
            actor=actor,
            list_name="engineer_ratings",
            title=_("Engineer ratings"),
            columns=columns,
            rows=flat,
            filters={"month": month.isoformat()},
        )
    return render(request, "surveys/ratings.html", {"rows": rows, "month": month, "levels": RatingLevel.labels})


@login_required
def engineer_ratings_page(request: HttpRequest, engineer_id: int) -> HttpResponse:
    """V3: one engineer's page of ratings — the month's summary (counts and shares) and each rating with
    its request. Staff who see ratings, and the engineer themself; anyone else gets 404."""
    from django.http import Http404

    from aftersales.accounts.models import User
    from aftersales.followup.choices import RatingLevel
    from aftersales.followup.selectors import rating_scope
    from aftersales.surveys.reports import month_bounds

    actor = _actor(request)
    if not (actor.has_perm("followup.view_servicerating") or actor.pk == engineer_id):
        raise Http404
    engineer = User.objects.filter(pk=engineer_id).first()
    if engineer is None:
        raise Http404
    month = _month_asked(request)
    since, until = month_bounds(month)
    ratings = (
        rating_scope(actor)
        .filter(engineer_id=engineer_id, created_at__gte=since, created_at__lt=until)
        .select_related("request")
        .order_by("-created_at")[:500]
    )
    rows = _rating_rows(actor, month, engineer_id=engineer_id)
    return render(
        request,
        "surveys/engineer_ratings.html",
        {
            "engineer": engineer,
            "month": month,
            "levels": RatingLevel.labels,
            "summary": rows[0]["items"] if rows else [],
            "ratings": ratings,
        },
    )
