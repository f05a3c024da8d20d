"""Versions over HTTP (issue 12, point 10; core/versions.py) through the service-request API:
`ETag` on answers, `If-Match` on writes, and what happens when a client sends neither."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import translation

from aftersales.api import api
from aftersales.core.models import Event
from aftersales.service.models import ServiceRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(staff: dict[str, Any], api_as: Any) -> dict[str, Any]:
    return {role: api_as(actor.user) for role, actor in staff.items()}


def post(client: Any, path: str, body: dict[str, Any], if_match: str | None = None) -> Any:
    headers = {**client.headers, **({"HTTP_IF_MATCH": if_match} if if_match is not None else {})}
    return client.client.post(f"/api/v1/{path}", data=json.dumps(body), content_type="application/json", **headers)


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_get_of_a_request_sends_its_version_as_a_strong_etag(clients: dict[str, Any], new_request: Any) -> None:
    sr = new_request()

    response = clients["team_lead"].get(f"service-requests/{sr.number}")

    assert response.status_code == 200
    assert (response.json()["version"], response["ETag"]) == (1, '"1"')


def test_a_list_has_no_etag(clients: dict[str, Any], new_request: Any) -> None:
    new_request()

    response = clients["team_lead"].get("service-requests")

    assert response.status_code == 200
    assert response.has_header("ETag") is False


def test_if_match_with_the_current_version_acts_and_answers_the_new_etag(
    clients: dict[str, Any], new_request: Any
) -> None:
    sr = new_request()

    response = post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"}, '"1"')

    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["version"], response["ETag"]) == ("dispatched", 2, '"2"')


def test_stale_if_match_is_412_with_the_version_conflict_body_and_changes_nothing(
    clients: dict[str, Any], new_request: Any
) -> None:
    sr = new_request()
    assert post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"}).status_code == 200
    events = Event.objects.count()

    response = post(clients["cs_manager"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng2"}, '"1"')

    assert response.status_code == 412
    body = response.json()
    assert (body["code"], body["fields"]) == ("version_conflict", {"version": ["2"]})
    sr.refresh_from_db()
    assert (sr.state, sr.version, sr.engineer.username, Event.objects.count()) == ("dispatched", 2, "eng1", events)


def test_stale_version_in_the_body_stays_409(clients: dict[str, Any], new_request: Any) -> None:
    sr = new_request()
    post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"})

    response = post(clients["cs_manager"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng2", "version": 1})

    assert (response.status_code, response.json()["code"]) == (409, "version_conflict")


def test_if_match_star_acts_on_any_version(clients: dict[str, Any], new_request: Any) -> None:
    sr = new_request()
    post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"})

    response = post(clients["cs_manager"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng2"}, "*")

    assert response.status_code == 200, response.content
    assert (response.json()["engineer"]["username"], response.json()["version"]) == ("eng2", 3)


def test_without_version_and_if_match_the_last_writer_wins(clients: dict[str, Any], new_request: Any) -> None:
    sr = new_request()
    post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"})

    response = post(clients["cs_manager"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng2"})

    assert response.status_code == 200
    sr.refresh_from_db()
    assert (sr.engineer.username, sr.version) == ("eng2", 3)


@pytest.mark.parametrize("header", ["1", 'W/"1"', '"1", "2"', '"abc"', '"0"', ""])
def test_malformed_if_match_is_422_and_changes_nothing(clients: dict[str, Any], new_request: Any, header: str) -> None:
    sr = new_request()
    events = Event.objects.count()

    response = post(clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1"}, header)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["message"] == zh('If-Match takes one version as the ETag gave it, e.g. "3" (with the quotes), or *.')
    assert list(body["fields"]) == ["If-Match"]
    sr.refresh_from_db()
    assert (sr.state, sr.version, Event.objects.count()) == ("registered", 1, events)


def test_body_version_and_if_match_that_differ_are_422(clients: dict[str, Any], new_request: Any) -> None:
    sr = new_request()

    response = post(
        clients["team_lead"], f"service-requests/{sr.number}/dispatch", {"engineer": "eng1", "version": 1}, '"2"'
    )

    assert response.status_code == 422
    assert sorted(response.json()["fields"]) == ["If-Match", "version"]
    assert ServiceRequest.objects.get(pk=sr.pk).version == 1


def test_if_match_on_an_operation_without_versions_is_422(clients: dict[str, Any], customer: Any, unit: Any) -> None:
    body = {"customer": customer.pk, "serial": unit.serial, "channel": "phone", "fault": "主轴异响"}

    response = post(clients["agent"], "service-requests", body, '"1"')

    assert response.status_code == 422
    assert response.json()["message"] == zh("This operation does not check versions; send it without If-Match.")
    assert ServiceRequest.objects.count() == 0


def test_openapi_declares_if_match_412_and_etag() -> None:
    document = api.get_openapi_schema()
    paths = document["paths"]

    dispatch = paths["/api/v1/service-requests/{number}/dispatch"]["post"]
    detail = paths["/api/v1/service-requests/{number}"]["get"]
    create = paths["/api/v1/service-requests"]["post"]

    assert [p["name"] for p in dispatch["parameters"] if p["in"] == "header"] == ["If-Match"]
    assert dispatch["responses"][412]["content"] == dispatch["responses"][409]["content"]
    assert list(detail["responses"][200]["headers"]) == ["ETag"]
    # A creating POST takes no version: Idempotency-Key is its only header (core.idempotency), no If-Match.
    assert [p["name"] for p in create.get("parameters", []) if p["in"] == "header"] == ["Idempotency-Key"]
    assert 412 not in create["responses"]


# --- pages: every action form carries the version it showed (core.forms.ActionForm) ------------

NO_VERSION = "这张表单没有注明它显示的是记录的哪个版本，请刷新页面。"


def _page_client(actor: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(actor.user)
    return client


def test_page_form_shows_the_version_it_was_rendered_with(staff: dict[str, Any], new_request: Any) -> None:
    sr = new_request()

    html = _page_client(staff["team_lead"]).get(f"/service/requests/{sr.number}/").content.decode()

    assert '<input type="hidden" name="cancel-version" value="1"' in html


@pytest.mark.parametrize("version", [None, "", "abc"])
def test_page_form_without_a_version_is_refused_in_chinese_and_changes_nothing(
    staff: dict[str, Any], new_request: Any, version: str | None
) -> None:
    sr = new_request()
    events = Event.objects.count()
    data = {"action": "cancel", "cancel-reason": "客户撤回"}
    if version is not None:
        data["cancel-version"] = version

    response = _page_client(staff["team_lead"]).post(f"/service/requests/{sr.number}/", data)

    assert response.status_code == 422
    assert NO_VERSION in response.content.decode()
    assert zh("This form does not say which version of the record it was shown; reload the page.") == NO_VERSION
    sr.refresh_from_db()
    assert (sr.state, sr.version, Event.objects.count()) == ("registered", 1, events)


def test_board_dispatch_without_a_version_is_refused(staff: dict[str, Any], new_request: Any) -> None:
    sr = new_request()

    response = _page_client(staff["team_lead"]).post(
        "/service/board/", {"action": "dispatch", "number": sr.number, "engineer": "eng1"}
    )

    assert response.status_code == 422
    assert NO_VERSION in response.content.decode()
    sr.refresh_from_db()
    assert (sr.state, sr.engineer_id) == ("registered", None)
