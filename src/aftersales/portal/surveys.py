"""The pages reached by a one-time link, without logging in: the survey answer page (V4) and the
engineer rating page of the invitation e-mail (V3)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aftersales.core.errors import DomainError
from aftersales.core.forms import form_errors_from
from aftersales.followup.selectors import rating_pending, request_for_rating_token
from aftersales.followup.services import rating_by_link
from aftersales.portal.forms import RatingLinkForm
from aftersales.surveys.forms import AnswerForm
from aftersales.surveys.selectors import (
    attended_training,
    campaign_rules,
    customer_product_models,
    recipient_answered,
    recipient_for_token,
)
from aftersales.surveys.services import response_by_link


def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    recipient = recipient_for_token(token)  # NotFound → the 404 page
    campaign = recipient.campaign
    rules = campaign_rules(campaign)
    context = {"campaign": campaign, "customer": recipient.customer}
    if recipient_answered(recipient):
        return render(request, "portal/survey_done.html", {**context, "already": True})
    products = customer_product_models(recipient.customer_id)
    form = AnswerForm(
        request.POST or None,
        rules=rules,
        products=products,
        attended_training=attended_training(campaign, recipient.customer_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            response_by_link(
                token=token,
                products=form.products(),
                answers=form.answers(),
                respondent_name=form.cleaned_data["respondent_name"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            form_errors_from(form, exc, aliases={f"answers.{i['number']}": f"q{i['number']}" for i in rules.items})
        else:
            return render(request, "portal/survey_done.html", {**context, "already": False})
    return render(request, "portal/survey_answer.html", {**context, "form": form})


def rate_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """V3: rate the engineer from the invitation e-mailed to a contact with no portal account."""
    sr = request_for_rating_token(token)  # NotFound → the 404 page
    context = {"sr": sr}
    if not rating_pending(sr):
        return render(request, "portal/rate_done.html", {**context, "already": True})
    form = RatingLinkForm(request.POST or None, prefix="rating")
    if request.method == "POST" and form.is_valid():
        try:
            rating_by_link(token=token, **form.cleaned_data)
        except DomainError as exc:
            form_errors_from(form, exc)
        else:
            return render(request, "portal/rate_done.html", {**context, "already": False})
    return render(request, "portal/rate_link.html", {**context, "rating_form": form})
