"""Satisfaction survey API (V4): send a campaign, record a response, read the result.

No `from __future__ import annotations`: Ninja reads the parameter annotations at import.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path, Router, Status

from aftersales.accounts.schemas import ErrorOut
from aftersales.accounts.selectors import api_actor
from aftersales.surveys import selectors, services
from aftersales.surveys.schemas import CampaignIn, CampaignOut, ResponseIn, ResponseOut, ResultOut
from aftersales.surveys.selectors import MAX_ID

router = Router(tags=["surveys"])
ERRORS: dict[Any, Any] = {frozenset({400, 401, 403, 404, 409, 422}): ErrorOut}
CampaignId = Annotated[int, Path(ge=1, le=MAX_ID)]


_actor = api_actor  # the one helper (accounts.selectors)


@router.post("/surveys", response={201: CampaignOut, **ERRORS}, url_name="survey_create")
def survey_create(request: HttpRequest, payload: CampaignIn) -> Status[Any]:
    """V4: send the survey to these customers (`sent` = how many)."""
    campaign = services.campaign_create(
        actor=_actor(request), title=payload.title, period=payload.period, customers=payload.customers
    )
    return Status(201, campaign)


@router.get("/surveys/{campaign_id}", response={200: CampaignOut, **ERRORS}, url_name="survey_detail")
def survey_detail(request: HttpRequest, campaign_id: CampaignId) -> Any:
    return selectors.access_campaign(_actor(request), campaign_id)


@router.post(
    "/surveys/{campaign_id}/responses", response={201: ResponseOut, **ERRORS}, url_name="survey_response_create"
)
def survey_response_create(request: HttpRequest, campaign_id: CampaignId, payload: ResponseIn) -> Status[Any]:
    """V4: one customer's answers (items 2–8 required: 422; a second response: 409)."""
    response = services.response_record(
        actor=_actor(request),
        campaign_id=campaign_id,
        customer_id=payload.customer,
        products=payload.products,
        answers=payload.answers,
        respondent_name=payload.respondent_name,
        comment=payload.comment,
    )
    return Status(201, response)


@router.get("/surveys/{campaign_id}/result", response={200: ResultOut, **ERRORS}, url_name="survey_result")
def survey_result(request: HttpRequest, campaign_id: CampaignId) -> Any:
    """V4: returned ÷ sent, validity, S overall and per product (rounded to 2 places), with the explanation."""
    campaign = selectors.access_campaign(_actor(request), campaign_id)
    result = selectors.result_for(campaign)
    return {**selectors.result_as_dict(result), "explanation": selectors.result_explanation(campaign, result)}
