"""V4 campaign page (filters, preview count, send), V3 ratings per engineer (counts and shares, export)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from aftersales.surveys.models import Campaign, Recipient
from tests.installed_base.factories import CustomerFactory, ProductFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_new_survey_by_filters_previews_the_count_then_sends(make_user, city):
    from aftersales.accounts.models import Region

    other = Region.objects.create(code="SZ", name="苏州")
    product = ProductFactory(model="HCC-T9")
    key_here = CustomerFactory(key_account=True, region=city)
    key_here_without_product = CustomerFactory(key_account=True, region=city)
    plain_here = CustomerFactory(key_account=False, region=city)
    key_elsewhere = CustomerFactory(key_account=True, region=other)
    for customer in (key_here, plain_here, key_elsewhere):
        UnitFactory(customer=customer, product=product)
    UnitFactory(customer=key_here_without_product)
    client = _client(make_user("analyst"))
    assert 'id="campaign-new"' in client.get("/surveys/").content.decode()
    filters = {
        "title": "重点客户调查",
        "period": "2026-H2",
        "key_accounts": "on",
        "product": "HCC-T9",
        "region": city.pk,
    }
    preview = client.post("/surveys/new/", {**filters, "preview": "1"})
    assert preview.status_code == 200
    assert "1" in preview.content.decode().split('id="campaign-preview"')[1][:200]
    assert not Campaign.objects.exists()  # a preview sends nothing
    sent = client.post("/surveys/new/", {**filters, "send": "1"})
    campaign = Campaign.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/surveys/{campaign.pk}/"
    assert (campaign.title, campaign.period, campaign.sent) == ("重点客户调查", "2026-H2", 1)
    assert list(Recipient.objects.values_list("customer_id", flat=True)) == [key_here.pk]
    every_key_account = client.post(
        "/surveys/new/", {"title": "全部", "period": "2026", "key_accounts": "on", "send": "1"}
    )
    assert every_key_account.status_code == 302
    assert Campaign.objects.get(title="全部").sent == 3


def test_new_survey_needs_the_right_and_customers(make_user):
    assert _client(make_user("engineer")).get("/surveys/new/").status_code == 403
    client = _client(make_user("analyst"))
    page = client.post("/surveys/new/", {"title": "空", "period": "2026", "product": "NO-SUCH", "send": "1"})
    assert page.status_code == 200  # no customer chosen: the form says so, nothing is sent
    assert not Campaign.objects.exists()


def _rate(new_request, engineer, customer, answers: list[tuple[str, str, str, str]]):
    from aftersales.followup.models import ServiceRating

    for attitude, skill, arrival, promises in answers:
        request = new_request()
        ServiceRating.objects.create(
            request=request,
            customer=customer,
            engineer=engineer,
            recorded_by=engineer,
            attitude=attitude,
            skill=skill,
            arrival_time=arrival,
            promises_kept=promises,
        )


def test_engineer_page_and_monthly_summary_with_shares(make_user, customer, new_request):
    from django.utils import timezone

    engineer = make_user("engineer", username="eng7", display_name="李工")
    _rate(
        new_request,
        engineer,
        customer,
        [
            ("very_satisfied", "satisfied", "average", "poor"),
            ("very_satisfied", "satisfied", "satisfied", "satisfied"),
            ("satisfied", "satisfied", "satisfied", "satisfied"),
            ("very_satisfied", "satisfied", "satisfied", "satisfied"),
        ],
    )
    month = timezone.localdate().strftime("%Y-%m")
    analyst = _client(make_user("analyst"))
    summary = analyst.get("/surveys/ratings/", {"month": month}).content.decode()
    assert f"/surveys/ratings/engineer/{engineer.pk}/" in summary
    assert "3 <span" in summary
    assert "(75.0 %)" in summary
    page = analyst.get(f"/surveys/ratings/engineer/{engineer.pk}/", {"month": month}).content.decode()
    assert 'id="engineer-summary"' in page
    assert "(100.0 %)" in page
    assert page.count('<tr><td><a href="/service/requests/') == 4
    own = _client(engineer).get(f"/surveys/ratings/engineer/{engineer.pk}/", {"month": month})
    assert own.status_code == 200  # the engineer sees their own page
    other = make_user("engineer", username="eng8")
    assert _client(other).get(f"/surveys/ratings/engineer/{engineer.pk}/").status_code == 404
    export = analyst.get("/surveys/ratings/", {"month": month, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    attitude = next(row for row in values if row and row[0] == "李工")
    assert 3 in attitude
    assert 75.0 in attitude
