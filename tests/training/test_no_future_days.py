"""T2: a training is recorded as held, and an assessment as taken, only on a day that has come. A future
day (a typo: 2062 for 2026) would count the customers as trained for survey item 6 and issue a
certificate valid from that day; it is refused with a field error and changes nothing (review20)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from aftersales.core.errors import ValidationFailed
from aftersales.training.models import Assessment, Certificate, CustomerTraining
from aftersales.training.services import assessment_record, training_plan, training_record
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_a_training_is_not_held_in_the_future(make_user, actor_of) -> None:
    trainer = actor_of(make_user("trainer"))
    today = timezone.localdate()
    customer = CustomerFactory()
    training = training_plan(
        actor=trainer, course="操作培训", planned_on=today, trainer="张工", customers=[{"customer": customer.pk}]
    )
    with pytest.raises(ValidationFailed) as refused:
        training_record(actor=trainer, training_id=training.pk, held_on=today + dt.timedelta(days=1))
    assert "held_on" in refused.value.fields
    training.refresh_from_db()
    assert (training.state, training.held_on, training.version) == ("planned", None, 1)
    training_record(actor=trainer, training_id=training.pk, held_on=today)
    assert CustomerTraining.objects.get(pk=training.pk).state == "held"


def test_an_assessment_is_not_taken_in_the_future(make_user, actor_of) -> None:
    trainer = actor_of(make_user("trainer"))
    engineer = make_user("engineer", username="eng_future")
    with pytest.raises(ValidationFailed) as refused:
        assessment_record(
            actor=trainer,
            user_id=engineer.pk,
            product_line="数控机床",
            taken_on=timezone.localdate() + dt.timedelta(days=1),
            theory=90,
            practice=90,
            simulated=90,
        )
    assert "taken_on" in refused.value.fields
    assert not Assessment.objects.exists()
    assert not Certificate.objects.exists()
