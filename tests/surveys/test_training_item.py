"""T2 → V4 item 6: the training question starts at 未参加 for a customer who attended no customer
training in the year up to the survey, and open for one who did (the customer may still change it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from aftersales.policies.defaults import POLICIES
from aftersales.policies.selectors import policy_get
from aftersales.policies.services import policy_set
from aftersales.surveys.models import Recipient
from aftersales.surveys.selectors import attended_training, recipient_token
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


def _trained(trainer, customer, held_on) -> None:
    training = training_plan(
        actor=trainer, course="维护培训", planned_on=held_on, trainer="李工", customers=[{"customer": customer.pk}]
    )
    training_record(
        actor=trainer,
        training_id=training.pk,
        held_on=held_on,
        attendance=[{"customer": customer.pk, "attendees": "赵工"}],
    )


def test_the_training_window_is_policy_data(make_user, actor_of) -> None:
    """T2.training_lookback_days (default 365): a training 200 days before the survey counts by default
    and no longer once the window is 90 days; one 400 days before counts only with a longer window."""
    trainer, analyst = actor_of(make_user("trainer")), actor_of(make_user("analyst"))
    admin = actor_of(make_user("admin"))
    recent, old = CustomerFactory(), CustomerFactory()
    today = timezone.localdate()
    _trained(trainer, recent, today - dt.timedelta(days=200))
    _trained(trainer, old, today - dt.timedelta(days=400))
    assert policy_get("T2.training_lookback_days").value == 365
    with translation.override("en"):
        assert "not from a regulation" in str(POLICIES["T2.training_lookback_days"].help).lower()
    assert "并非法规规定" in str(POLICIES["T2.training_lookback_days"].help)

    default = campaign_create(actor=analyst, title="调查一", period="2026-1", customers=[recent.pk, old.pk])
    assert attended_training(default, recent.pk) is True
    assert attended_training(default, old.pk) is False
    assert _item6_checked(old.pk, default.pk) == "not_attended"

    policy_set(actor=admin, key="T2.training_lookback_days", value=90)
    short = campaign_create(actor=analyst, title="调查二", period="2026-2", customers=[recent.pk, old.pk])
    assert attended_training(short, recent.pk) is False
    assert _item6_checked(recent.pk, short.pk) == "not_attended"
    # a campaign keeps the window in force when it was sent
    assert attended_training(default, recent.pk) is True

    policy_set(actor=admin, key="T2.training_lookback_days", value=500)
    long = campaign_create(actor=analyst, title="调查三", period="2026-3", customers=[recent.pk, old.pk])
    assert attended_training(long, old.pk) is True
    assert _item6_checked(old.pk, long.pk) == ""
