"""Fault symptom and cause codes: the managed list per product category (with synonyms), picked at
intake and at completion, S15 compared by code, map_symptoms, the API and the managers' page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from aftersales.core.errors import Conflict, PermissionDenied, ValidationFailed
from aftersales.core.models import Event
from aftersales.service import events, services
from aftersales.service.models import FaultCode, ServiceRequest
from aftersales.service.selectors import fault_codes_for
from aftersales.service.services.codes import (
    fault_code_create,
    fault_code_deactivate,
    fault_code_update,
    service_requests_map_symptoms,
)
from tests.service.test_rules import complete

pytestmark = pytest.mark.django_db
CNC = "数控机床"  # the factories' product category


@pytest.fixture
def codes(staff: dict[str, Any]) -> dict[str, FaultCode]:
    boss = staff["cs_manager"]
    return {
        "spindle": fault_code_create(
            actor=boss, kind="symptom", category=CNC, code="SPN", name="主轴异响", synonyms="主轴噪声\n主轴响，振纹"
        ),
        "alarm": fault_code_create(actor=boss, kind="symptom", code="ALM", name="系统报警", synonyms="数控报警"),
        "laser": fault_code_create(
            actor=boss, kind="symptom", category="激光设备", code="LPWR", name="功率下降", synonyms="切不透"
        ),
        "bearing": fault_code_create(actor=boss, kind="cause", code="BRG", name="轴承磨损", synonyms="轴承坏"),
        "lens": fault_code_create(actor=boss, kind="cause", category="激光设备", code="LENS", name="镜片污染"),
    }


def _client(actor: Any) -> Client:
    client = Client()
    client.force_login(actor.user)
    return client


def _names(rows: list[FaultCode]) -> list[str]:
    return [c.name for c in rows]


# --- the managed list ------------------------------------------------------------------------


def test_codes_per_category_include_the_general_ones_and_search_matches_synonyms(codes):
    assert _names(fault_codes_for(kind="symptom", category=CNC)) == ["系统报警", "主轴异响"]
    assert _names(fault_codes_for(kind="symptom", category="激光设备")) == ["系统报警", "功率下降"]
    assert _names(fault_codes_for(kind="symptom", category=CNC, query="噪声")) == ["主轴异响"]
    assert _names(fault_codes_for(kind="symptom", category=CNC, query="振纹")) == ["主轴异响"]
    assert _names(fault_codes_for(kind="symptom", category=CNC, query="切不透")) == []  # another category's
    assert _names(fault_codes_for(kind="cause", category=CNC)) == ["轴承磨损"]


def test_code_changes_are_audited_versioned_and_deactivated_codes_leave_the_pickers(staff, codes):
    boss = staff["cs_manager"]
    code = codes["spindle"]
    changed = fault_code_update(actor=boss, code_id=code.pk, expected_version=1, synonyms="主轴噪声\n主轴异音")
    assert changed.version == 2
    assert changed.synonym_list() == ["主轴噪声", "主轴异音"]
    with pytest.raises(Conflict):
        fault_code_update(actor=boss, code_id=code.pk, expected_version=1, name="别的")
    fault_code_deactivate(actor=boss, code_id=code.pk, expected_version=2)
    assert "主轴异响" not in _names(fault_codes_for(kind="symptom", category=CNC))
    mine = Event.objects.filter(subject_id=str(code.pk), action__startswith="faultcode.").order_by("id")
    actions = list(mine.values_list("action", flat=True))
    assert actions == [events.FAULT_CODE_CREATED, events.FAULT_CODE_CHANGED, events.FAULT_CODE_CHANGED]
    with pytest.raises(ValidationFailed):  # the same code twice in one category
        fault_code_create(actor=boss, kind="symptom", category=CNC, code="spn", name="重复")
    with pytest.raises(PermissionDenied):
        fault_code_create(actor=staff["agent"], kind="symptom", code="X", name="无权限")


# --- intake and completion record codes ------------------------------------------------------


def test_intake_records_the_symptom_code_and_refuses_another_categorys(new_request, codes):
    sr = new_request(symptom_code_id=codes["spindle"].pk)
    assert sr.symptom_code_id == codes["spindle"].pk
    assert sr.symptom == "主轴异响"  # the short text follows the code when none is typed
    with pytest.raises(ValidationFailed) as refused:
        new_request(symptom_code_id=codes["laser"].pk)
    assert "symptom_code_id" in refused.value.fields
    with pytest.raises(ValidationFailed):
        new_request(symptom_code_id=codes["bearing"].pk)  # a cause is not a symptom


def test_completion_records_the_cause_and_the_confirmed_symptom(staff, new_request, codes):
    sr = new_request(symptom_code_id=codes["alarm"].pk)
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    with pytest.raises(ValidationFailed):
        services.service_request_complete(
            actor=staff["engineer"],
            number=sr.number,
            resolution="on_site",
            work_summary="清洁镜片",
            self_check_passed=True,
            cause_code_id=codes["lens"].pk,  # a laser cause on a machine tool
        )
    done = services.service_request_complete(
        actor=staff["engineer"],
        number=sr.number,
        resolution="on_site",
        work_summary="更换轴承",
        self_check_passed=True,
        cause_code_id=codes["bearing"].pk,
        confirmed_symptom_code_id=codes["spindle"].pk,
    )
    assert (done.cause_code_id, done.confirmed_symptom_code_id) == (codes["bearing"].pk, codes["spindle"].pk)
    completed = Event.objects.get(
        subject_id=str(sr.pk), subject_type="service.servicerequest", action=events.REQUEST_COMPLETED
    )
    assert completed.data["cause_code"] == "BRG"


def test_intake_page_offers_the_units_category_and_saves_the_picked_code(staff, customer, unit, codes):
    from tests.service.test_views import INTAKE, _intake_data

    client = _client(staff["agent"])
    page = client.get(f"{INTAKE}?customer={customer.pk}").content.decode()
    assert "主轴异响 · 主轴噪声、主轴响、振纹" in page
    assert "功率下降" not in page
    options = client.get(
        reverse("service:fault_code_options"), {"kind": "symptom", "unit": unit.serial, "code_q": "噪声"}
    ).content.decode()
    assert f'value="{codes["spindle"].pk}"' in options
    assert f'value="{codes["alarm"].pk}"' not in options
    response = client.post(
        f"{INTAKE}?customer={customer.pk}",
        _intake_data(customer, unit, symptom="", symptom_code=str(codes["spindle"].pk)),
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get().symptom_code_id == codes["spindle"].pk
    refused = client.post(
        f"{INTAKE}?customer={customer.pk}", _intake_data(customer, unit, symptom_code=str(codes["laser"].pk))
    )
    assert refused.status_code == 422


def test_completion_form_offers_the_cause_codes_and_saves_them(staff, new_request, codes):
    sr = new_request()
    services.service_request_dispatch(actor=staff["team_lead"], number=sr.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=sr.number)
    client = _client(staff["engineer"])
    url = reverse("service:engineer_job", args=[sr.number])
    page = client.get(url).content.decode()
    assert "轴承磨损 · 轴承坏" in page
    assert "镜片污染" not in page
    response = client.post(
        url,
        {
            "action": "complete",
            "complete-version": ServiceRequest.objects.get(pk=sr.pk).version,
            "complete-resolution": "on_site",
            "complete-work_summary": "更换轴承",
            "complete-self_check_passed": "on",
            "complete-cause_code": str(codes["bearing"].pk),
        },
    )
    assert response.status_code == 302
    assert ServiceRequest.objects.get(pk=sr.pk).cause_code_id == codes["bearing"].pk


# --- S15 by code -----------------------------------------------------------------------------


def test_s15_same_code_with_different_text_is_a_repeat(staff, new_request, codes):
    first = complete(staff, new_request(symptom="主轴响", symptom_code_id=codes["spindle"].pk))
    again = new_request(symptom="加工有振纹", symptom_code_id=codes["spindle"].pk)
    assert again.repeat_of_id == first.pk
    flagged = Event.objects.get(subject_id=str(again.pk), action=events.REQUEST_REPEAT)
    assert flagged.data["symptom_code"] == "SPN"


def test_s15_same_text_with_different_codes_is_not_a_repeat(staff, new_request, codes):
    complete(staff, new_request(symptom="机床故障", symptom_code_id=codes["spindle"].pk))
    assert new_request(symptom="机床故障", symptom_code_id=codes["alarm"].pk).repeat_of_id is None


def test_s15_falls_back_to_the_text_when_one_has_no_code(staff, new_request, codes):
    first = complete(staff, new_request(symptom="主轴异响"))
    assert new_request(symptom="主轴异响", symptom_code_id=codes["spindle"].pk).repeat_of_id == first.pk


def test_s15_compares_the_symptom_confirmed_at_completion(staff, new_request, codes):
    first = new_request(symptom_code_id=codes["alarm"].pk)
    services.service_request_dispatch(actor=staff["team_lead"], number=first.number, engineer="eng1")
    services.service_request_arrive(actor=staff["engineer"], number=first.number)
    services.service_request_complete(
        actor=staff["engineer"],
        number=first.number,
        resolution="on_site",
        work_summary="更换轴承",
        self_check_passed=True,
        confirmed_symptom_code_id=codes["spindle"].pk,
    )
    assert new_request(symptom_code_id=codes["spindle"].pk).repeat_of_id == first.pk
    assert new_request(symptom_code_id=codes["alarm"].pk).repeat_of_id is None


# --- map_symptoms ----------------------------------------------------------------------------


def test_map_symptoms_maps_by_name_or_synonym_and_is_idempotent(new_request, codes):
    by_synonym = new_request(symptom="主轴 噪声")
    by_name = new_request(symptom="系统报警")
    other_category = new_request(symptom="切不透")  # a laser symptom on a machine tool: left alone
    unknown = new_request(symptom="漏油")
    out = io.StringIO()
    call_command("map_symptoms", stdout=out)
    assert "mapped 2, left unmapped 2" in out.getvalue()
    rows = {r.pk: r.symptom_code_id for r in ServiceRequest.objects.all()}
    assert rows[by_synonym.pk] == codes["spindle"].pk
    assert rows[by_name.pk] == codes["alarm"].pk
    assert rows[other_category.pk] is None
    assert rows[unknown.pk] is None
    assert Event.objects.filter(action=events.REQUEST_SYMPTOM_MAPPED).count() == 2
    assert service_requests_map_symptoms() == (0, 2)  # again: nothing more
    assert Event.objects.filter(action=events.REQUEST_SYMPTOM_MAPPED).count() == 2


# --- API -------------------------------------------------------------------------------------


def test_api_lists_codes_by_category_and_the_request_carries_its_codes(staff, customer, unit, codes, api_as):
    client = api_as(staff["agent"].user)
    listed = client.get("fault-codes", kind="symptom", category=CNC, q="噪声").json()
    assert [(c["code"], c["name"], c["synonyms"]) for c in listed] == [
        ("SPN", "主轴异响", ["主轴噪声", "主轴响", "振纹"])
    ]
    body = {"customer": customer.pk, "serial": unit.serial, "channel": "phone", "fault": "主轴响"}
    created = client.post("service-requests", {**body, "symptom_code_id": codes["spindle"].pk})
    assert created.status_code == 201
    answer = created.json()
    assert answer["symptom_code"] == {"id": codes["spindle"].pk, "code": "SPN", "name": "主轴异响"}
    assert answer["cause_code"] is None
    assert answer["confirmed_symptom_code"] is None
    refused = client.post("service-requests", {**body, "symptom_code_id": codes["laser"].pk})
    assert refused.status_code == 422
    assert "symptom_code_id" in refused.json()["fields"]


# --- the managers' page ----------------------------------------------------------------------


def test_managers_add_edit_and_deactivate_codes_on_the_page(staff, codes):
    client = _client(staff["team_lead"])
    page = reverse("service:fault_codes")
    added = client.post(
        page, {"kind": "cause", "category": "", "code": "seal", "name": "密封件老化", "synonyms": "漏油\n密封圈坏"}
    )
    assert added.status_code == 302
    seal = FaultCode.objects.get(code="SEAL")
    assert seal.synonym_list() == ["漏油", "密封圈坏"]
    listed = client.get(page, {"q": "密封圈"}).content.decode()
    assert "密封件老化" in listed
    assert "主轴异响" not in listed
    edit = reverse("service:fault_code_edit", args=[seal.pk])
    saved = client.post(
        edit, {"category": CNC, "code": "SEAL", "name": "密封件老化", "synonyms": "漏油", "active": "on", "version": 1}
    )
    assert saved.status_code == 302
    assert FaultCode.objects.get(pk=seal.pk).category == CNC
    stale = client.post(
        edit, {"category": "", "code": "SEAL", "name": "旧页", "synonyms": "", "active": "on", "version": 1}
    )
    assert stale.status_code == 409
    assert FaultCode.objects.get(pk=seal.pk).name == "密封件老化"
    client.post(reverse("service:fault_code_deactivate", args=[seal.pk]), {"version": 2})
    assert FaultCode.objects.get(pk=seal.pk).active is False


@pytest.mark.parametrize("role", ["agent", "engineer"])
def test_only_managers_change_codes(staff, codes, role):
    client = _client(staff[role])
    code = codes["spindle"]
    assert client.get(reverse("service:fault_codes")).status_code == 403
    assert client.get(reverse("service:fault_code_edit", args=[code.pk])).status_code == 403
    assert client.post(reverse("service:fault_code_deactivate", args=[code.pk]), {"version": 1}).status_code == 403
    assert FaultCode.objects.get(pk=code.pk).active


def test_code_options_need_the_service_register(make_user, codes):
    client = Client()
    client.force_login(make_user("sales"))
    assert client.get(reverse("service:fault_code_options"), {"kind": "symptom"}).status_code == 403
