"""Issue 13 point 4 (C6, C3): the hotline finds a file by the last 4+ digits of any contact's phone,
by a contact's name or by a unit's serial number; choosing a candidate pre-fills the contact that
matched (not the primary); a confidential file stays masked; "new customer file" is offered only
when nothing matched."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.customers import selectors
from aftersales.customers.services import ContactData
from tests.customers.factories import CustomerFactory
from tests.installed_base.factories import UnitFactory

pytestmark = pytest.mark.django_db

SECONDARY_PHONE = "139 2468 1357"  # 13924681357


@pytest.fixture
def files() -> dict[str, Any]:
    open_file = CustomerFactory(
        name="华东精密机械有限公司",
        phone="021-6000 1111",
        contacts=[
            ContactData(name="张主任", phone="138 0000 2222", is_primary=True),
            ContactData(name="李工程师", phone=SECONDARY_PHONE),
        ],
    )
    CustomerFactory(name="别的公司", phone="0571-8888 9999", contacts=[ContactData(name="王五", phone="137 0000 0000")])
    unit = UnitFactory(customer=open_file, serial="HX-2026-0042")
    return {
        "file": open_file,
        "primary": open_file.contacts.get(name="张主任"),
        "secondary": open_file.contacts.get(name="李工程师"),
        "unit": unit,
    }


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("digits", ["1357", "81357", "681357"])
def test_c6_last_4_5_6_digits_of_a_secondary_contacts_phone_find_the_file_and_name_that_contact(
    files, make_user, actor_of, api_as, digits
):
    agent = make_user("agent", username="hotline")

    found = selectors.customer_lookup(actor_of(agent), digits)
    api = api_as(agent).get("customers", q=digits).json()

    assert [(c.pk, getattr(c.matched_contact, "name", None)) for c in found] == [(files["file"].pk, "李工程师")]
    assert [(row["id"], row["matched_contact"]["id"]) for row in api["items"]] == [
        (files["file"].pk, files["secondary"].pk)
    ]


def test_c6_three_digits_are_not_a_phone_suffix(files, make_user, actor_of):
    assert selectors.customer_lookup(actor_of(make_user("agent")), "357") == []


def test_c6_the_files_own_number_matches_without_naming_a_contact(files, make_user, actor_of):
    found = selectors.customer_lookup(actor_of(make_user("agent")), "1111")
    assert [(c.pk, c.matched_contact, c.caller.name) for c in found] == [(files["file"].pk, None, "张主任")]


def test_c6_a_contacts_name_finds_the_file_and_names_that_contact(files, make_user, actor_of):
    found = selectors.customer_lookup(actor_of(make_user("agent")), "李工")
    assert [(c.pk, c.matched_contact.pk) for c in found] == [(files["file"].pk, files["secondary"].pk)]


@pytest.mark.parametrize("typed", ["HX-2026-0042", "hx-2026-0042"])
def test_c6_a_units_serial_number_finds_its_customer(files, make_user, actor_of, api_as, typed):
    agent = make_user("agent", username="hotline")
    assert [c.pk for c in selectors.customer_lookup(actor_of(agent), typed)] == [files["file"].pk]
    assert [row["id"] for row in api_as(agent).get("customers", q=typed).json()["items"]] == [files["file"].pk]
    html = login(agent).get(reverse("customers:lookup"), {"q": typed}).content.decode()
    assert "华东精密机械有限公司" in html


def test_c6_intake_candidate_prefills_the_secondary_contact_not_the_primary(files, make_user):
    client = login(make_user("agent", username="hotline"))
    customer, secondary = files["file"], files["secondary"]

    search = client.get(reverse("service:request_create"), {"q": "1357"}).content.decode()
    link = f"?customer={customer.pk}&amp;contact={secondary.pk}"
    assert link in search
    chosen = client.get(reverse("service:request_create"), {"customer": customer.pk, "contact": secondary.pk})

    form = chosen.context["form"]
    assert (form["contact_name"].value(), form["phone"].value()) == ("李工程师", SECONDARY_PHONE)
    plain = client.get(reverse("service:request_create"), {"customer": customer.pk}).context["form"]
    assert plain["contact_name"].value() == "张主任"  # chosen without a match: the primary


def test_c6_intake_ignores_a_contact_of_another_file(files, make_user):
    other_contact = files["file"].contacts.model.objects.get(name="王五")
    client = login(make_user("agent", username="hotline"))
    form = client.get(
        reverse("service:request_create"), {"customer": files["file"].pk, "contact": other_contact.pk}
    ).context["form"]
    assert form["contact_name"].value() == "张主任"


# --- C3: a confidential file found by a contact's last digits stays masked -------------------


@pytest.fixture
def secret(make_user: Any) -> Any:
    owner = make_user("sales", username="owner")
    return CustomerFactory(
        name="机密精工有限公司",
        phone="021-5555 1234",
        address="上海市机密路8号",
        confidential=True,
        owner=owner,
        contacts=[
            ContactData(name="王秘书", phone="139 1111 2222"),
            ContactData(name="赵经理", phone="136 7777 9753"),
        ],
    )


@pytest.mark.parametrize("digits", ["9753", "79753", "779753", "赵经理"])
def test_c3_a_confidential_file_found_by_a_secondary_contact_is_masked(secret, make_user, api_as, digits):
    agent = make_user("agent", username="hotline")
    typed = digits if digits.isdigit() else ""

    row = api_as(agent).get("customers", q=digits).json()["items"]
    page = login(agent).get(reverse("customers:lookup"), {"q": digits}).content.decode()
    intake = login(agent).get(reverse("service:request_create"), {"q": digits}).content.decode()

    assert [(r["id"], r["may_open"], r["phone"], r["matched_contact"], r["primary_contact"]) for r in row] == [
        (secret.pk, False, typed, None, None)
    ]
    for html in (page, intake):
        assert "机密精工有限公司" in html
        assert secret.code in html
        for leaked in ("136 7777 9753", "13677779753", "139 1111 2222", "王秘书", "上海市机密路8号", "5555 1234"):
            assert leaked not in html
    assert f'href="{reverse("customers:detail", args=[secret.pk])}"' in page  # request access
    assert "&amp;contact=" not in intake
    assert 'id="lookup-new"' not in page  # something matched: no new file offered


def test_c3_the_hotline_registers_a_request_for_the_masked_file(secret, make_user):
    from aftersales.service.models import ServiceRequest

    client = login(make_user("agent", username="hotline"))
    page = client.get(reverse("service:request_create"), {"customer": secret.pk})
    assert page.status_code == 200
    assert page.context["form"]["contact_name"].value() in (None, "")

    response = client.post(
        reverse("service:request_create") + f"?customer={secret.pk}",
        {
            "customer": secret.pk,
            "channel": "phone",
            "priority": "general",
            "kind": "repair",
            "model": "XK-714",
            "fault": "主轴异响",
            "contact_name": "赵先生",
            "phone": "136 7777 9753",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    request = ServiceRequest.objects.get(customer=secret)
    assert (request.contact_name, request.address) == ("赵先生", "")


# --- "new customer file" only when nothing matched -------------------------------------------


def test_c6_new_customer_file_is_offered_only_when_nothing_matched(files, make_user):
    client = login(make_user("agent", username="hotline"))
    for page in ("customers:lookup", "customers:lookup_results"):
        found = client.get(reverse(page), {"q": "1357"}).content.decode()
        nothing = client.get(reverse(page), {"q": "9999 0000 1234"}).content.decode()
        assert ('id="lookup-new"' in found, 'id="lookup-new"' in nothing) == (False, True)
    assert 'id="lookup-new"' not in client.get(reverse("customers:lookup")).content.decode()
