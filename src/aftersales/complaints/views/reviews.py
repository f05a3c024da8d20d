"""K8 monthly responsibility review pages: the periods, one review with its lines and its
version-checked moves (prepare, submit: cs_manager; approve or refuse: VP for the sanction list,
GM for the reward/penalty notice), and the two printable forms (人事公布单, 奖罚通知单).

A move refused by the service re-renders the page with its message (in Chinese) and status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.complaints import documents, selectors, services
from aftersales.complaints.choices import ReviewState
from aftersales.complaints.forms import ReviewNoteForm, ReviewPeriodForm
from aftersales.complaints.models import ResponsibilityReview
from aftersales.complaints.services.reviews import NOTICE_APPROVER, SANCTION_APPROVER, previous_period
from aftersales.complaints.views.complaints import _actor, pdf_response, staff_page
from aftersales.core.access import Actor
from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.core.lists import Column, export_requested, xlsx_export

REVIEW_VIEW = "complaints.view_responsibilityreview"
SUBMIT = "complaints.submit_responsibilityreview"
APPROVE = "complaints.approve_responsibilityreview"
PAGE_SIZE = 24


REVIEW_COLUMNS = [
    Column(gettext_lazy("Month"), lambda r: r.period),
    Column(gettext_lazy("State"), lambda r: r.get_state_display()),
    Column(gettext_lazy("Due at"), lambda r: r.due_at),
    Column(gettext_lazy("Cases"), lambda r: len(r.lines)),
    Column(gettext_lazy("Total penalty points"), lambda r: r.total_points),
    Column(gettext_lazy("Total deductions (yuan)"), lambda r: float(r.total_deductions)),
    Column(gettext_lazy("Submitted at"), lambda r: r.submitted_at),
    Column(gettext_lazy("Sanctions approved at"), lambda r: r.sanctions_approved_at),
    Column(gettext_lazy("Notices approved at"), lambda r: r.notices_approved_at),
]


@staff_page(REVIEW_VIEW)
def review_list(request: HttpRequest) -> HttpResponse:
    """The reviews, newest month first; the department head prepares a month's review here."""
    actor = _actor(request)
    if request.method == "GET" and export_requested(request):
        return xlsx_export(
            actor=actor,
            list_name="responsibility-reviews",
            title=gettext_lazy("Responsibility review"),
            columns=REVIEW_COLUMNS,
            rows=selectors.review_scope(actor).order_by("-period"),
        )
    may_prepare = actor.has_perm(SUBMIT)
    form = ReviewPeriodForm(initial={"period": previous_period()}) if may_prepare else None
    status, error = 200, ""
    if request.method == "POST":
        if not may_prepare:
            raise DjangoPermissionDenied
        form = ReviewPeriodForm(request.POST)
        if form.is_valid():
            try:
                review = services.review_prepare(actor=actor, period=form.cleaned_data["period"])
            except DomainError as exc:
                form_errors_from(form, exc)
                status, error = exc.status, str(exc.message)
            else:
                messages.success(request, _("Review prepared."))
                return redirect("complaints:review_detail", period=review.period)
        else:
            status = 422
    page = Paginator(selectors.review_scope(actor).order_by("-period"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/review_list.html",
        {"page_obj": page, "form": form, "error": error},
        status=status,
    )


def _approval_parts(actor: Actor, review: ResponsibilityReview) -> list[str]:
    """The parts the actor approves: the VP the sanction list, the GM the notice (not yet approved)."""
    parts = []
    if actor.has_role(SANCTION_APPROVER) and review.sanctions_approved_by_id is None:
        parts.append("sanctions")
    if actor.has_role(NOTICE_APPROVER) and review.notices_approved_by_id is None:
        parts.append("notices")
    return parts


def _moves(actor: Actor, review: ResponsibilityReview) -> list[str]:
    moves = []
    if actor.has_perm(SUBMIT) and review.state == ReviewState.DRAFT:
        moves += ["prepare", "submit"]
    if actor.has_perm(APPROVE) and review.state == ReviewState.SUBMITTED and _approval_parts(actor, review):
        moves += ["approve"]
    return moves


def _run(actor: Actor, review: ResponsibilityReview, move: str, data: dict[str, Any], decision: str) -> Any:
    version = data.get("version")
    if move == "prepare":
        return services.review_prepare(actor=actor, period=review.period, expected_version=version)
    if move == "submit":
        return services.review_submit(actor=actor, period=review.period, note=data["note"], expected_version=version)
    return services.review_approve(
        actor=actor,
        period=review.period,
        approve=decision != "refuse",
        note=data["note"],
        expected_version=version,
    )


DONE = {
    "prepare": gettext_lazy("Review prepared again."),
    "submit": gettext_lazy("Review submitted."),
    "approve": gettext_lazy("Decision saved."),
}


@staff_page(REVIEW_VIEW)
def review_detail(request: HttpRequest, period: str) -> HttpResponse:
    actor = _actor(request)
    review = selectors.access_review(actor, period)
    moves = _moves(actor, review)
    forms = {m: ReviewNoteForm(initial={"version": review.version}, prefix=m) for m in moves}
    status, error = 200, ""
    if request.method == "POST":
        move = request.POST.get("action", "")
        if move not in ("prepare", "submit", "approve"):
            status, error = 400, _("Unknown action.")
        elif not actor.has_perm(APPROVE if move == "approve" else SUBMIT):
            raise DjangoPermissionDenied
        else:
            form = forms[move] = ReviewNoteForm(request.POST, prefix=move)
            if form.is_valid():
                try:
                    _run(actor, review, move, form.cleaned_data, request.POST.get("decision", ""))
                except DomainError as exc:
                    form_errors_from(form, exc)
                    status, error = exc.status, str(exc.message)
                else:
                    messages.success(request, str(DONE[move]))
                    return redirect("complaints:review_detail", period=review.period)
            else:
                status = 422
        review = selectors.access_review(actor, period)
    return render(
        request,
        "complaints/review_detail.html",
        {
            "review": review,
            "forms": forms,
            "parts": _approval_parts(actor, review),
            "error": error,
            "lines": documents.review_lines_display(review),
            "standard_text": documents.loss_standard_text(review),
        },
        status=status,
    )


@staff_page(REVIEW_VIEW)
def sanction_list_pdf(request: HttpRequest, period: str) -> HttpResponse:
    """人事公布单: penalty points per person, approved by the VP."""
    review = selectors.access_review(_actor(request), period)
    return pdf_response(documents.sanction_list_pdf(review), f"sanction-list-{review.period}")


@staff_page(REVIEW_VIEW)
def notice_pdf(request: HttpRequest, period: str) -> HttpResponse:
    """奖罚通知单: deductions per person, approved by the GM."""
    review = selectors.access_review(_actor(request), period)
    return pdf_response(documents.notice_pdf(review), f"notice-{review.period}")
