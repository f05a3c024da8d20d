"""Input refused in one place (core.inputs), Idempotency-Key (core.idempotency) and one-time page
form tokens (core.formtokens): exact answers, and nothing changed when refused."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from aftersales.core import idempotency
from aftersales.core.models import Event, FormSubmission, IdempotencyKey
from aftersales.customers.models import Customer

pytestmark = pytest.mark.django_db

BODY = {"name": "杭州新星机电有限公司", "kind": "retailer", "phone": "0571-8888 6666", "address": "杭州市滨江区"}


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


@pytest.fixture
def login(make_user: Any) -> Any:
    def _login(role: str) -> Client:
        client = Client()
        client.force_login(make_user(role))
        return client

    return _login


def _post(client: Any, path: str, body: Any, key: str | None = None, **headers: Any) -> Any:
    extra = {**client.headers, **headers}
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.client.post(f"/api/v1/{path}", data=data, content_type="application/json", **extra)


# --- NUL characters and offsets -------------------------------------------------------------------


def test_a_nul_in_a_nested_body_field_is_named_and_nothing_is_created(api_as: Any) -> None:
    body = {**BODY, "contacts": [{"name": "陈\x00工", "phone": "139 0000 1111"}]}

    response = _post(api_as("agent"), "customers", body)

    message = zh("The text contains a NUL character (\\0), which cannot be stored.")
    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_failed",
            "message": zh("The request data is invalid."),
            "fields": {"contacts.0.name": [message]},
        },
    )
    assert Customer.objects.count() == 0


def test_a_nul_in_a_path_parameter_is_refused_before_access_is_checked(api_as: Any) -> None:
    response = api_as(None).get("/api/v1/service-requests/SR%00X")

    message = zh("The text contains a NUL character (\\0), which cannot be stored.")
    assert (response.status_code, response.json()["fields"]) == (422, {"number": [message]})


OFFSET = "The UTC offset must lie between -12:00 and +14:00."


@pytest.mark.parametrize(
    ("value", "refused"),
    [
        ("2026-12-07T10:00:00+22:55", OFFSET),
        ("2026-12-07T10:00:00-12:01", OFFSET),
        ("2026-12-07T10:00:00+14:01", OFFSET),
        ("2026-12-07T10:00:00 22:55", OFFSET),  # "+" unencoded in a query string
        ("0001-01-01T00:00:00+14:00", "The date and time lie outside the years 1 to 9999 in UTC."),
        ("2026-12-07T10:00:00+14:00", None),
        ("2026-12-07T10:00:00-12:00", None),
        ("2026-12-07T10:00:00+08:00", None),
    ],
)
def test_offsets_beyond_the_real_ones_are_refused_in_a_query(api_as: Any, value: str, refused: str | None) -> None:
    response = api_as("agent").get("calendars/CN/add", start=value, amount=1, unit="working_hours")

    if refused:
        message = zh(refused)
        assert (response.status_code, response.json()["fields"]) == (422, {"start": [message]})
    else:
        assert response.status_code != 422 or "start" not in response.json()["fields"]


def test_a_nul_in_a_page_query_gives_the_error_page_in_chinese(login: Any) -> None:
    response = login("agent").get(reverse("customers:list"), {"q": "新星\x00"})

    assert response.status_code == 422
    assert zh("The text contains a NUL character (\\0), which cannot be stored.") in response.content.decode()


def test_a_nul_in_a_page_form_field_is_a_form_error_in_chinese(login: Any) -> None:
    response = login("agent").post(
        reverse("customers:create"),
        {"name": "杭州\x00新星", "kind": "dealer", "phone": "0571", "credit_rating": "A", "contact_phone": "1\x00"},
    )

    html = response.content.decode()
    message = zh("The text contains a NUL character (\\0), which cannot be stored.")
    assert response.status_code == 200
    assert f'data-field-error="name">{message}</div>' in html
    assert f'data-field-error="contact_phone">{message}</div>' in html
    assert Customer.objects.count() == 0


# --- oversized bodies and bad hosts ---------------------------------------------------------------


def test_an_oversized_api_body_gets_413_in_the_error_shape(api_as: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = _post(api_as("agent"), "customers", {**BODY, "notes": "长" * 1000})

    assert (response.status_code, response.json()) == (
        413,
        {"code": "payload_too_large", "message": zh("The request body is too large."), "fields": {}},
    )
    assert Customer.objects.count() == 0


def test_a_bad_host_gets_400_in_the_error_shape_under_the_api_only(api_as: Any, login: Any) -> None:
    response = api_as("agent").client.get("/api/v1/customers", HTTP_HOST="evil.example")

    assert (response.status_code, response.json()) == (
        400,
        {"code": "bad_host", "message": zh("This host name is not served here."), "fields": {}},
    )
    page = login("agent").get(reverse("customers:list"), HTTP_HOST="evil.example")
    assert (page.status_code, page["Content-Type"].startswith("text/html")) == (400, True)


# --- Idempotency-Key --------------------------------------------------------------------------------


def test_the_same_key_and_body_replays_the_first_answer_and_creates_once(api_as: Any) -> None:
    client = api_as("agent")

    first = _post(client, "customers", BODY, key="intake-0001")
    again = _post(client, "customers", BODY, key="intake-0001")

    assert first.status_code == 201
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (201, first.json(), "true")
    assert "Idempotent-Replayed" not in first
    assert Customer.objects.count() == 1
    assert Event.objects.filter(action="customer.created").count() == 1


def test_the_same_key_with_another_body_is_refused_with_422(api_as: Any) -> None:
    client = api_as("agent")
    _post(client, "customers", BODY, key="intake-0002")

    response = _post(client, "customers", {**BODY, "name": "另一家公司"}, key="intake-0002")

    message = zh("This Idempotency-Key was already used for another request; use a new key.")
    assert (response.status_code, response.json()) == (
        422,
        {"code": "idempotency_key_reused", "message": message, "fields": {"Idempotency-Key": [message]}},
    )
    assert list(Customer.objects.values_list("name", flat=True)) == [BODY["name"]]


def test_keys_belong_to_their_user_and_requests_without_a_key_are_not_deduplicated(api_as: Any) -> None:
    agent, other = api_as("agent"), api_as("agent")

    assert _post(agent, "customers", BODY, key="k-3").status_code == 201
    assert _post(other, "customers", BODY, key="k-3").status_code == 201
    assert _post(agent, "customers", BODY).status_code == 201
    assert _post(agent, "customers", BODY).status_code == 201

    assert Customer.objects.count() == 4


def test_a_refused_first_answer_is_replayed_too(api_as: Any) -> None:
    client = api_as("agent")

    first = _post(client, "customers", {**BODY, "kind": "nonsense"}, key="k-4")
    again = _post(client, "customers", {**BODY, "kind": "nonsense"}, key="k-4")

    assert first.status_code == 422
    assert (again.status_code, again.json(), again["Idempotent-Replayed"]) == (422, first.json(), "true")


def test_a_key_still_running_answers_409_and_creates_nothing(api_as: Any, make_user: Any) -> None:
    client = api_as("agent")
    from aftersales.accounts.models import User

    user = User.objects.get(username="agent")
    IdempotencyKey.objects.create(
        user=user,
        key="k-5",
        method="POST",
        path="/api/v1/customers",
        body_hash=hashlib.sha256(json.dumps(BODY).encode()).hexdigest(),
    )

    response = _post(client, "customers", BODY, key="k-5")

    assert (response.status_code, response.json()["code"]) == (409, "idempotency_in_progress")
    assert Customer.objects.count() == 0


def test_an_expired_key_runs_again(api_as: Any, settings: Any) -> None:
    import datetime as dt

    client = api_as("agent")
    _post(client, "customers", BODY, key="k-6")
    IdempotencyKey.objects.update(created_at=IdempotencyKey.objects.get().created_at - dt.timedelta(hours=25))

    again = _post(client, "customers", BODY, key="k-6")

    assert (again.status_code, again.has_header("Idempotent-Replayed")) == (201, False)
    assert Customer.objects.count() == 2
    assert idempotency.idempotency_purge() == 0  # the old row was replaced by the new one


def test_a_malformed_key_is_refused(api_as: Any) -> None:
    response = _post(api_as("agent"), "customers", BODY, key="x" * 256)

    assert (response.status_code, list(response.json()["fields"])) == (422, ["Idempotency-Key"])
    assert Customer.objects.count() == 0


def test_every_creating_post_documents_the_header_and_only_those() -> None:
    from aftersales.api import api

    schema = api.get_openapi_schema()
    documented, creating = set(), set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            if "Idempotency-Key" in names:
                documented.add(f"{method.upper()} {path}")
            if method == "post" and 201 in {int(code) for code in operation["responses"]} and operation.get("security"):
                creating.add(f"{method.upper()} {path}")

    assert documented == creating
    assert {"POST /api/v1/service-requests", "POST /api/v1/complaints", "POST /api/v1/customers"} <= documented
    assert "POST /api/v1/auth/token" not in documented


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_create_once(api_as: Any) -> None:
    client = api_as("agent")
    answers: list[int] = []
    barrier = threading.Barrier(2)

    def send() -> None:
        try:
            barrier.wait(timeout=10)
            answers.append(_post(client, "customers", BODY, key="k-7").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) in ([201, 201], [201, 409])
    assert Customer.objects.count() == 1


# --- one-time page form tokens ----------------------------------------------------------------------


def _form_token(html: str) -> str:
    found = re.findall(r'name="form_token" value="([^"]+)"', html)
    assert len(found) >= 1
    return found[0]


def test_every_rendered_form_carries_its_own_token(login: Any) -> None:
    html = login("agent").get(reverse("customers:create")).content.decode()

    tokens = re.findall(r'name="form_token" value="([^"]+)"', html)
    assert len(tokens) == html.count('name="csrfmiddlewaretoken"')
    assert len(set(tokens)) == len(tokens)


def test_a_form_sent_twice_creates_once_and_leads_to_the_first_result(login: Any) -> None:
    client = login("agent")
    token = _form_token(client.get(reverse("customers:create")).content.decode())
    data = {"name": "杭州新星机电", "kind": "dealer", "phone": "0571", "credit_rating": "A", "form_token": token}

    first = client.post(reverse("customers:create"), data)
    second = client.post(reverse("customers:create"), data, follow=True)

    customer = Customer.objects.get()
    assert (first.status_code, first["Location"]) == (302, reverse("customers:detail", args=[customer.pk]))
    assert second.redirect_chain == [(reverse("customers:detail", args=[customer.pk]), 302)]
    assert (
        zh("This form had already been submitted; nothing was changed. Here is its result.") in second.content.decode()
    )
    assert Customer.objects.count() == 1


def test_a_form_with_errors_can_be_sent_again_with_the_same_token(login: Any) -> None:
    client = login("agent")
    token = _form_token(client.get(reverse("customers:create")).content.decode())
    data = {"name": "", "kind": "dealer", "phone": "0571", "credit_rating": "A", "form_token": token}

    assert client.post(reverse("customers:create"), data).status_code == 200
    response = client.post(reverse("customers:create"), {**data, "name": "杭州新星机电"})

    assert response.status_code == 302
    assert Customer.objects.count() == 1
    assert FormSubmission.objects.filter(token=token, completed=True).count() == 1


def test_a_form_still_being_sent_gets_a_message_and_changes_nothing(login: Any) -> None:
    client = login("agent")
    FormSubmission.objects.create(token="t" * 32, path=reverse("customers:create"))

    response = client.post(
        reverse("customers:create"),
        {"name": "杭州新星机电", "kind": "dealer", "phone": "0571", "credit_rating": "A", "form_token": "t" * 32},
    )

    assert response.status_code == 409
    assert (
        zh("This form is already being submitted; nothing was changed. Wait a moment and reload the page.")
        in response.content.decode()
    )
    assert Customer.objects.count() == 0


def test_the_base_page_loads_the_submit_once_script(login: Any) -> None:
    html = login("agent").get(reverse("customers:create")).content.decode()

    assert re.search(r'<script src="/static/web/forms\.js(\?[^"]*)?" defer></script>', html)
