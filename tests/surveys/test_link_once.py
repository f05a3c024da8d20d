"""V4: the answer link works once, even after the answer itself was archived and removed (Q6):
the recipient keeps the mark that they answered, so the old link and the paper entry both refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from aftersales.core.errors import Conflict
from aftersales.reports import retention
from aftersales.surveys.models import Recipient, Response
from aftersales.surveys.selectors import recipient_token
from aftersales.surveys.services import campaign_create, response_by_link, response_record
from tests.installed_base.factories import CustomerFactory

pytestmark = pytest.mark.django_db
ANSWERS = {str(n): "satisfied" for n in range(2, 9)}


def test_an_archived_answer_does_not_reopen_the_link_or_the_paper_entry(make_user, actor_of) -> None:
    customer = CustomerFactory()
    analyst = actor_of(make_user("analyst"))
    campaign = campaign_create(actor=analyst, title="2024 年满意度调查", period="2024", customers=[customer.pk])
    recipient = Recipient.objects.get(campaign=campaign, customer=customer)
    token = recipient_token(recipient)
    response_by_link(token=token, products=[], answers=ANSWERS)
    Response.objects.update(created_at=timezone.now() - dt.timedelta(days=31 * 14))
    admin = actor_of(make_user("admin"))
    retention.retention_archive(actor=admin, code="survey_responses", expected=1, today=timezone.localdate())
    assert not Response.objects.exists()

    page = Client().get(f"/portal/survey/{token}/")
    assert page.status_code == 200
    assert 'name="q2"' not in page.content.decode()  # the "already answered" page, no form
    with pytest.raises(Conflict):
        response_by_link(token=token, products=[], answers=ANSWERS)
    with pytest.raises(Conflict):
        response_record(actor=analyst, campaign_id=campaign.pk, customer_id=customer.pk, products=[], answers=ANSWERS)
    assert not Response.objects.exists()


def test_the_migration_marks_recipients_who_answered_before_it(make_user, actor_of) -> None:
    import importlib

    from django.apps import apps

    backfill = importlib.import_module("aftersales.surveys.migrations.0002_recipient_answered_at").backfill
    answered, silent = CustomerFactory(), CustomerFactory()
    analyst = actor_of(make_user("analyst"))
    campaign = campaign_create(
        actor=analyst, title="2025 年满意度调查", period="2025", customers=[answered.pk, silent.pk]
    )
    response = response_record(
        actor=analyst, campaign_id=campaign.pk, customer_id=answered.pk, products=[], answers=ANSWERS
    )
    Recipient.objects.update(answered_at=None)  # as before the migration

    backfill(apps, None)

    marks = dict(Recipient.objects.values_list("customer_id", "answered_at"))
    assert marks == {answered.pk: response.created_at, silent.pk: None}
