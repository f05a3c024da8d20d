"""Issue 12 leftover (C3, docs/decisions/0011): a unit's notes and a contract's terms are free text
that may copy a confidential file's contacts, so a user who may not open the file sees neither, in
the unit and contract APIs and pages (and not in their timelines either); the owner sees both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.installed_base.factories import ContractFactory, CustomerFactory, UnitFactory

pytestmark = pytest.mark.django_db

NOTE = "联系王秘书 139 1111 2222，门卫需登记"
TERMS = "年度保养；紧急联系人王秘书 139 1111 2222"


@pytest.fixture
def secret(make_user: Any) -> dict[str, Any]:
    owner = make_user("sales", username="owner")
    customer = CustomerFactory(name="机密精工有限公司", confidential=True, owner=owner)
    unit = UnitFactory(customer=customer, notes=NOTE, site="上海市机密路8号")
    contract = ContractFactory(customer=customer, units=[unit], terms=TERMS)
    return {
        "owner": owner,
        "agent": make_user("agent", username="hotline"),
        "customer": customer,
        "unit": unit,
        "contract": contract,
    }


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_c3_unit_api_masks_notes_for_a_user_who_may_not_open_the_file(secret, api_as):
    serial = secret["unit"].serial
    agent, owner = api_as(secret["agent"]), api_as(secret["owner"])

    one = agent.get(f"units/{serial}").json()
    listed = agent.get("units", q=serial).json()["items"]

    assert (one["notes"], one["site"], one["masked"]) == ("", "", True)
    assert [(row["notes"], row["masked"]) for row in listed] == [("", True)]
    assert NOTE not in agent.get("units").content.decode()
    mine = owner.get(f"units/{serial}").json()
    assert (mine["notes"], mine["masked"]) == (NOTE, False)


def test_c3_contract_api_masks_terms_for_a_user_who_may_not_open_the_file(secret, api_as):
    number = secret["contract"].number
    agent, owner = api_as(secret["agent"]), api_as(secret["owner"])

    one = agent.get(f"contracts/{number}").json()
    listed = agent.get("contracts").json()["items"]

    assert (one["terms"], one["masked"]) == ("", True)
    assert [(row["terms"], row["masked"]) for row in listed if row["number"] == number] == [("", True)]
    mine = owner.get(f"contracts/{number}").json()
    assert (mine["terms"], mine["masked"]) == (TERMS, False)


def test_c3_unit_and_contract_pages_mask_notes_and_terms(secret):
    unit, contract = secret["unit"], secret["contract"]
    agent = login(secret["agent"])

    unit_page = agent.get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()
    contract_page = agent.get(reverse("installed_base:contract_detail", args=[contract.number])).content.decode()

    assert "139 1111 2222" not in unit_page
    assert "王秘书" not in unit_page
    assert "139 1111 2222" not in contract_page
    assert "王秘书" not in contract_page
    assert 'class="text-muted masked"' in unit_page
    assert 'class="text-muted masked"' in contract_page
    owner = login(secret["owner"])
    assert NOTE in owner.get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()
    assert "王秘书" in owner.get(reverse("installed_base:contract_detail", args=[contract.number])).content.decode()


def test_c3_unit_timeline_hides_old_and_new_notes(secret, actor_of):
    from aftersales.installed_base.services import unit_update

    unit = secret["unit"]
    unit_update(actor=actor_of(secret["owner"]), serial=unit.serial, notes="改约：王秘书 138 0000 1111")

    agent_page = login(secret["agent"]).get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()
    owner_page = login(secret["owner"]).get(reverse("installed_base:unit_detail", args=[unit.serial])).content.decode()

    assert "138 0000 1111" not in agent_page
    assert "139 1111 2222" not in agent_page
    assert "138 0000 1111" in owner_page


def test_c3_unit_edit_page_neither_shows_nor_overwrites_the_notes(secret):
    unit = secret["unit"]
    agent = login(secret["agent"])  # the hotline may change units (intake), not open this file

    page = agent.get(reverse("installed_base:unit_edit", args=[unit.serial]))

    assert page.status_code == 200
    assert NOTE not in page.content.decode()
    assert 'name="notes"' not in page.content.decode()
