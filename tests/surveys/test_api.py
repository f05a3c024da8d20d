"""V4 over the API: send a campaign, record answers (422 / 409), the result overall and per product."""

from __future__ import annotations

import pytest

from aftersales.surveys.models import Response
from tests.installed_base.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db
S, F, A, D, N = "satisfied", "fairly_satisfied", "average", "dissatisfied", "not_attended"


def _answers(*values: str) -> dict[str, str]:
    return {str(n): v for n, v in zip(range(2, 9), values, strict=True)}


@pytest.fixture
def analyst(api_as):
    return api_as("analyst")


def _campaign(client, customers):
    r = client.post(
        "surveys", {"title": "2026 年下半年用户满意度调查", "period": "2026-H2", "customers": [c.pk for c in customers]}
    )
    assert r.status_code == 201, r.content
    return r.json()


def test_campaign_result_overall_and_per_product(analyst):
    ProductFactory(model="HCC-T1")
    ProductFactory(model="HCC-P2")
    customers = [CustomerFactory() for _ in range(4)]
    campaign = _campaign(analyst, customers)
    assert campaign["sent"] == 4
    url = f"surveys/{campaign['id']}/responses"
    assert (
        analyst.post(
            url, {"customer": customers[0].pk, "products": ["HCC-T1"], "answers": _answers(S, S, S, S, S, S, S)}
        ).status_code
        == 201
    )
    assert (
        analyst.post(
            url,
            {"customer": customers[1].pk, "products": ["HCC-T1", "HCC-P2"], "answers": _answers(F, F, F, F, N, F, F)},
        ).status_code
        == 201
    )
    r = analyst.post(
        url, {"customer": customers[2].pk, "products": ["HCC-P2"], "answers": _answers(S, F, A, D, S, F, A)}
    )
    assert r.status_code == 201
    assert r.json()["score"] == 63.0
    assert r.json()["grade"] == "somewhat_satisfied"
    result = analyst.get(f"surveys/{campaign['id']}/result").json()
    assert (result["sent"], result["returned"], result["return_rate"], result["valid"]) == (4, 3, 0.75, False)
    assert result["score"] == 81.0
    assert result["grade"] == "fairly_satisfied"
    assert result["by_product"] == [
        {"product": "HCC-P2", "score": 71.5, "grade": "fairly_satisfied", "responses": 2},
        {"product": "HCC-T1", "score": 90.0, "grade": "satisfied", "responses": 2},
    ]
    assert any("0.15" in line for line in result["explanation"])


def test_missing_item_is_422_and_changes_nothing(analyst):
    customer = CustomerFactory()
    campaign = _campaign(analyst, [customer])
    answers = _answers(S, S, S, S, S, S, S)
    del answers["5"]
    r = analyst.post(f"surveys/{campaign['id']}/responses", {"customer": customer.pk, "answers": answers})
    assert r.status_code == 422
    assert "answers.5" in r.json()["fields"]
    assert not Response.objects.exists()


def test_second_response_is_409(analyst):
    customer = CustomerFactory()
    campaign = _campaign(analyst, [customer])
    body = {"customer": customer.pk, "answers": _answers(S, S, S, S, S, S, S)}
    assert analyst.post(f"surveys/{campaign['id']}/responses", body).status_code == 201
    r = analyst.post(f"surveys/{campaign['id']}/responses", body)
    assert r.status_code == 409
    assert r.json()["code"] == "already_answered"


def test_valid_at_exactly_85_percent(analyst):
    customers = [CustomerFactory() for _ in range(20)]
    campaign = _campaign(analyst, customers)
    for c in customers[:17]:
        analyst.post(
            f"surveys/{campaign['id']}/responses", {"customer": c.pk, "answers": _answers(S, S, S, S, S, S, S)}
        )
    result = analyst.get(f"surveys/{campaign['id']}/result").json()
    assert result["return_rate"] == 0.85
    assert result["valid"] is True


def test_a_customer_not_sent_the_survey_cannot_answer(analyst):
    campaign = _campaign(analyst, [CustomerFactory()])
    other = CustomerFactory()
    r = analyst.post(
        f"surveys/{campaign['id']}/responses", {"customer": other.pk, "answers": _answers(S, S, S, S, S, S, S)}
    )
    assert r.status_code == 422


def test_engineer_may_not_send_surveys(api_as):
    r = api_as("engineer").post("surveys", {"title": "t", "period": "p", "customers": [CustomerFactory().pk]})
    assert r.status_code == 403


def test_dissatisfied_response_opens_a_follow_up_for_the_head(analyst, make_user):
    from aftersales.callbacks.models import Callback

    head = make_user("cs_manager")
    customer = CustomerFactory()
    campaign = _campaign(analyst, [customer])
    analyst.post(
        f"surveys/{campaign['id']}/responses", {"customer": customer.pk, "answers": _answers(D, D, D, D, D, D, D)}
    )
    follow_up = Callback.objects.get(kind="low_score")
    assert follow_up.customer_id == customer.pk
    assert follow_up.assignee_id == head.pk
    assert follow_up.due_at is not None
