"""T2 → V4 item 6: the training question starts at 未参加 for a customer who attended no customer
training in the year up to the survey, and open for one who did (the customer may still change it)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.surveys.models import Recipient
from aftersales.surveys.selectors import recipient_token
from aftersales.surveys.services import campaign_create
from aftersales.training.services import training_plan, training_record
from tests.installed_base.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _item6_checked(customer_pk: int, campaign_pk: int) -> str:
    recipient = Recipient.objects.get(campaign_id=campaign_pk, customer_id=customer_pk)
    page = Client().get(f"/portal/survey/{recipient_token(recipient)}/")
    assert page.status_code == 200
    html = page.content.decode()
    checked = [chunk for chunk in html.split("<input") if 'name="q6"' in chunk and "checked" in chunk]
    return checked[0].split('value="')[1].split('"')[0] if checked else ""


def test_item_6_starts_at_not_attended_only_without_a_training(make_user, actor_of) -> None:
    trainer = actor_of(make_user("trainer"))
    attended, absent = CustomerFactory(), CustomerFactory()
    today = timezone.localdate()
    training = training_plan(
        actor=trainer, course="操作培训", planned_on=today, trainer="张工", customers=[{"customer": attended.pk}]
    )
    training_record(
        actor=trainer,
        training_id=training.pk,
        held_on=today,
        attendance=[{"customer": attended.pk, "attendees": "王工"}],
    )
    campaign = campaign_create(
        actor=actor_of(make_user("analyst")), title="年度满意度调查", period="2026", customers=[attended.pk, absent.pk]
    )

    assert _item6_checked(absent.pk, campaign.pk) == "not_attended"
    assert _item6_checked(attended.pk, campaign.pk) == ""
