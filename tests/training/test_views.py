"""T2 pages: the training centre plans and records a customer training, records an assessment; lists export
to Excel; home queues; the dispatch board says why a certified engineer is preselected."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.training.models import Assessment, CustomerTraining
from aftersales.training.services import assessment_record

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(response: Any) -> list[tuple[Any, ...]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_trainer_plans_records_and_exports_a_customer_training(make_user, customer) -> None:
    client = _client(make_user("trainer"))

    created = client.post(
        reverse("training:customer_create"),
        {"course": "数控系统操作", "planned_on": "2000-01-10", "trainer": "张工", "customers": [customer.pk]},
    )
    training = CustomerTraining.objects.get()
    home = client.get(reverse("web:home")).content.decode()
    recorded = client.post(
        training.get_absolute_url(),
        {"action": "record", "held_on": "2000-01-11", "feedback": "满意", "version": 1},
    )
    rows = _rows(client.get(reverse("training:customer_list"), {"state": "held", "export": "xlsx"}))

    assert created.status_code == 302
    assert reverse("training:customer_list") in home  # the trainings to record
    assert recorded.status_code == 302
    training.refresh_from_db()
    assert (training.state, training.held_on) == ("held", dt.date(2000, 1, 11))
    assert [row[0] for row in rows[1:]] == ["数控系统操作"]
    assert customer.name in rows[1][7]


def test_trainer_records_an_assessment_and_certificates_export(make_user) -> None:
    engineer = make_user("engineer", username="eng_he")
    client = _client(make_user("trainer"))

    saved = client.post(
        reverse("training:assessments"),
        {
            "user": engineer.pk,
            "product_line": "数控机床",
            "taken_on": "2026-03-10",
            "theory": "80",
            "practice": "80",
            "simulated": "80",
        },
    )
    certificates = _rows(client.get(reverse("training:certificates"), {"export": "xlsx"}))
    assessments = _rows(client.get(reverse("training:assessments"), {"export": "xlsx"}))
    own = _client(engineer).get(reverse("training:certificates")).content.decode()

    assert saved.status_code == 302
    assert Assessment.objects.get().passed is True
    assert certificates[1][1:] == ("数控机床", dt.datetime(2026, 3, 10), dt.datetime(2028, 3, 9))
    assert len(assessments) == 2
    assert "数控机床" in own
    assert _client(engineer).get(reverse("training:assessments")).status_code == 403


def test_the_board_says_the_preselected_engineer_is_certified(staff, new_request, unit, make_user, actor_of) -> None:
    unit.product.category = "数控机床"
    unit.product.save()
    new_request()
    point = staff["engineer"].user.service_point_id
    make_user("engineer", username="aaa_rival", service_point_id=point)
    assessment_record(
        actor=actor_of(make_user("trainer")),
        user_id=staff["engineer"].user.pk,
        product_line="数控机床",
        taken_on=dt.date.today(),
        theory=90,
        practice=90,
        simulated=90,
    )

    board = _client(staff["team_lead"].user).get(reverse("service:board")).content.decode()

    assert "持有有效的 数控机床 资格证书" in board  # the reason the board preselects eng1 (S7, T2)


def test_the_plan_form_finds_customers_by_search_and_never_lists_them_all(make_user, customer) -> None:
    from aftersales.customers.models import Customer

    other = Customer.objects.create(name="远山机械有限公司", code="C-OTHER-1")
    client = _client(make_user("trainer"))

    form = client.get(reverse("training:customer_create")).content.decode()
    found = client.get(reverse("training:customer_options"), {"customer_search": customer.code}).content.decode()
    kept = client.get(
        reverse("training:customer_options"), {"customer_search": "c-other-1", "customers": [customer.pk]}
    ).content.decode()
    refused = _client(make_user("agent")).get(reverse("training:customer_options"), {"customer_search": "远山"})

    assert customer.name not in form
    assert other.name not in form
    assert 'hx-get="/training/customers/options/"' in form
    assert f'value="{customer.pk}"' in found
    assert other.name not in found
    assert f'<option value="{customer.pk}" selected>' in kept  # the chosen one stays chosen
    assert f'value="{other.pk}"' in kept
    assert refused.status_code == 403


def test_training_export_queries_do_not_grow_with_the_rows(make_user, actor_of) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aftersales.training.services import training_plan
    from tests.installed_base.factories import CustomerFactory

    user = make_user("trainer")
    trainer, client = actor_of(user), _client(user)

    def plan(n: int) -> None:
        for _i in range(n):
            customers = [{"customer": CustomerFactory().pk}, {"customer": CustomerFactory().pk}]
            training_plan(
                actor=trainer, course="操作培训", planned_on=dt.date(2026, 1, 5), trainer="张工", customers=customers
            )

    url = reverse("training:customer_list")
    plan(2)
    client.get(url, {"export": "xlsx"})  # warm caches (session, permissions)
    with CaptureQueriesContext(connection) as few:
        rows = _rows(client.get(url, {"export": "xlsx"}))
    assert len(rows) == 3
    plan(8)
    with CaptureQueriesContext(connection) as many:
        rows = _rows(client.get(url, {"export": "xlsx"}))
    assert len(rows) == 11
    assert all("；" in row[7] for row in rows[1:])  # both invited customers listed
    assert len(many) == len(few)
