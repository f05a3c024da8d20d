"""Customer overview (C2) completed: units, open requests, complaints, last visit (C7), latest satisfaction
(V2/V4), filters, sorting, export — a fixed number of queries per page whatever the rows."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aftersales.accounts.selectors import actor_for
from aftersales.core.models import Event
from aftersales.customers import selectors
from aftersales.customers.services.visits import visit_report_file
from tests.customers.factories import CustomerFactory
from tests.service.conftest import city, customer, new_request, staff, unit  # noqa: F401

pytestmark = pytest.mark.django_db
ANSWERS = {str(n): "satisfied" for n in range(2, 9)}


def _figures(customer, staff, make_user, new_request):  # noqa: F811
    from aftersales.complaints.services import complaint_register
    from aftersales.surveys.services import campaign_create, response_record

    new_request()
    new_request(fault="漏油")
    complaint_register(
        actor=staff["agent"], customer_id=customer.pk, complaint_class="quality", channel="phone", description="开裂"
    )
    analyst = actor_for(make_user("analyst", username="survey_clerk"))
    campaign = campaign_create(actor=analyst, title="年度调查", period="2026", customers=[customer.pk])
    response_record(actor=analyst, campaign_id=campaign.pk, customer_id=customer.pk, products=[], answers=ANSWERS)
    rep = make_user("sales", username="rep_visit")
    visit_report_file(
        actor=actor_for(rep), customer_id=customer.pk, visited_on=timezone.localdate(), findings="设备正常"
    )


def test_overview_row_has_every_figure(customer, staff, make_user, new_request) -> None:  # noqa: F811
    _figures(customer, staff, make_user, new_request)
    agent = staff["agent"]
    row = selectors.customer_overview(
        agent, selectors.customer_cards(agent, [type(customer).objects.get(pk=customer.pk)])
    )[0]
    assert (row.units, row.open_requests, row.complaints, row.open_complaints) == (1, 2, 1, 1)
    assert row.last_visit == timezone.localdate()
    assert row.satisfaction is not None
    assert row.satisfaction.source == "survey"
    assert str(row.satisfaction.label) in {"Satisfied", "满意"}


def _page_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert (
            client.get(reverse("customers:list"), {"sort": "-last_visit"}).status_code == 200
        )  # the visited one first
    return [q["sql"][:90] for q in ctx.captured_queries]


def test_the_page_costs_the_same_queries_for_3_or_25_rows(customer, staff, make_user, new_request) -> None:  # noqa: F811
    _figures(customer, staff, make_user, new_request)
    client = Client()
    client.force_login(make_user("team_lead", username="lead_pages"))
    for _ in range(2):
        CustomerFactory()
    _page_queries(client)  # the first request of a session reads what later ones have cached
    few = _page_queries(client)
    for _ in range(30):
        CustomerFactory()
    many = _page_queries(client)
    assert len(few) == len(many), "\n".join(f"{a!r:100} | {b!r}" for a, b in zip(few, many + [""], strict=False))


def test_sort_by_last_visit_and_filter_not_visited_since(make_user) -> None:
    rep = make_user("sales", username="rep_sort")
    old, recent, never = CustomerFactory(name="甲"), CustomerFactory(name="乙"), CustomerFactory(name="丙")
    today = timezone.localdate()
    visit_report_file(actor=actor_for(rep), customer_id=old.pk, visited_on=today - dt.timedelta(days=200), findings="x")
    visit_report_file(actor=actor_for(rep), customer_id=recent.pk, visited_on=today, findings="x")
    agent = actor_for(make_user("agent", username="agent_sort"))
    latest_first = list(selectors.customer_list(agent, sort="-last_visit").values_list("pk", flat=True))
    assert latest_first == [recent.pk, old.pk, never.pk]
    oldest_first = list(selectors.customer_list(agent, sort="last_visit").values_list("pk", flat=True))
    assert oldest_first == [never.pk, old.pk, recent.pk]
    stale = selectors.customer_list(agent, not_visited_since=today - dt.timedelta(days=90))
    assert set(stale.values_list("pk", flat=True)) == {old.pk, never.pk}
    assert list(selectors.customer_list(agent, sort="bogus").values_list("pk", flat=True)) == sorted(
        [old.pk, recent.pk, never.pk], key=lambda pk: type(old).objects.get(pk=pk).code
    )
    client = Client()
    client.force_login(agent.user)
    html = client.get(reverse("customers:list"), {"sort": "-last_visit"}).content.decode()
    assert html.index("乙") < html.index("甲") < html.index("丙")


def test_export_has_the_figures_and_is_logged(customer, staff, make_user, new_request) -> None:  # noqa: F811
    _figures(customer, staff, make_user, new_request)
    manager = make_user("cs_manager", username="head_export")
    client = Client()
    client.force_login(manager)
    response = client.get(reverse("customers:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, row = rows[0], next(r for r in rows[1:] if r[0] == customer.code)
    figures = dict(zip(header, row, strict=True))
    assert len(header) == 19
    assert list(figures.values())[9:14] == [1, 0, 2, 1, 1]  # units, contracts, open requests, complaints, open
    assert Event.objects.filter(action="customer.exported", actor_id=manager.pk).exists()
