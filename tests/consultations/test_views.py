"""C8 pages: an agent registers an enquiry from the register's form (with the administrator's fields),
moves it on and plans a follow-up; the administrator manages the fields; list, conversion and
follow-ups export to Excel; the follow-up shows on the assignee's home."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from aftersales.accounts.selectors import actor_for
from aftersales.consultations import services
from aftersales.consultations.models import Consultation, ConsultationField

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _rows(response: Any) -> list[tuple[Any, ...]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_administrator_adds_and_edits_a_field(make_user) -> None:
    admin = _client(make_user("admin"))

    created = admin.post(
        reverse("consultations:fields"),
        {"key": "intent", "label": "意向", "field_type": "choice", "choices": "购买\n了解", "order": 1},
    )
    field = ConsultationField.objects.get(key="intent")
    edited = admin.post(
        reverse("consultations:field_edit", args=[field.pk]),
        {"label": "购买意向", "field_type": "choice", "choices": "购买\n了解\n比价", "order": 1, "version": 1},
    )
    refused = admin.post(
        reverse("consultations:fields"), {"key": "kind", "label": "类型", "field_type": "choice", "order": 2}
    )

    assert created.status_code == 302
    assert edited.status_code == 302
    field.refresh_from_db()
    assert (field.label, field.choices, field.active, field.version) == ("购买意向", ["购买", "了解", "比价"], False, 2)
    assert refused.status_code == 200
    assert "is-invalid" in refused.content.decode()
    assert _client(make_user("agent")).get(reverse("consultations:fields")).status_code == 403


def test_agent_registers_moves_on_and_plans_a_follow_up(make_user) -> None:
    admin = actor_for(make_user("admin"))
    services.field_create(actor=admin, key="budget", label="预算", field_type="number", required=True)
    agent = make_user("agent", username="desk_zhao")
    client = _client(agent)
    form = client.get(reverse("consultations:create")).content.decode()
    assert 'name="extra_budget"' in form

    missing = client.post(
        reverse("consultations:create"),
        {"channel": "phone", "name": "王经理", "contact": "138", "question": "交货期"},
    )
    saved = client.post(
        reverse("consultations:create"),
        {"channel": "phone", "name": "王经理", "contact": "138", "question": "交货期", "extra_budget": "50000"},
    )

    assert missing.status_code == 200
    assert "is-invalid" in missing.content.decode()
    consultation = Consultation.objects.get()
    assert saved.url == consultation.get_absolute_url()
    assert consultation.extra == {"budget": "50000"}
    url = consultation.get_absolute_url()
    client.post(url, {"action": "stage", "stage": "visited", "on": "2026-03-02", "version": 1})
    client.post(url, {"action": "follow_up", "due_on": "2000-01-03", "note": "问预算"})
    consultation.refresh_from_db()
    assert (consultation.stage, str(consultation.visited_on)) == ("visited", "2026-03-02")
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("consultations:followups") in home
    queue = client.get(reverse("consultations:followups")).content.decode()
    assert "问预算" in queue
    follow_up = consultation.follow_ups.get()
    client.post(url, {"action": "outcome", "follow_up": follow_up.pk, "result": "reached", "outcome": "下周来"})
    follow_up.refresh_from_db()
    assert follow_up.state == "done"
    detail = client.get(url).content.decode()
    assert "预算" in detail
    assert "50000" in detail
    assert "联系方式" in detail  # the enquirer's phone or e-mail, not the customers' 联系人 (contact person)


def test_list_conversion_and_fields_export_with_their_filters(make_user) -> None:
    agent = make_user("agent")
    actor = actor_for(agent)
    services.consultation_register(actor=actor, channel="phone", name="王经理", contact="138", question="价格")
    web = services.consultation_register(actor=actor, channel="web", name="李工", contact="139", question="交货期")
    services.consultation_stage(actor=actor, consultation_id=web.pk, stage="purchased")
    client = _client(agent)

    listed = _rows(client.get(reverse("consultations:list"), {"channel": "web", "export": "xlsx"}))
    conversion = _rows(client.get(reverse("consultations:conversion"), {"by": "quarter", "export": "xlsx"}))
    page = client.get(reverse("consultations:conversion")).content.decode()

    assert [row[2] for row in listed[1:]] == ["李工"]
    assert conversion[1][1:4] == (2, 1, 1)
    assert "50 %" in page
    assert _client(make_user("admin")).get(reverse("consultations:fields"), {"export": "xlsx"}).status_code == 200
    assert client.get(reverse("consultations:followups"), {"export": "xlsx"}).status_code == 200
