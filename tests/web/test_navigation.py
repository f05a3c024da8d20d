"""Issue 13, point 11: each role's menu holds what the role uses (docs/decisions/0026); what left the
menu of the service-centre manager and the administrator is reachable from the page it belongs to."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aftersales.accounts.selectors import actor_for
from aftersales.web.navigation import menu_groups_for


def _menu(user: Any) -> dict[str, list[str]]:
    return {g["key"]: [i["name"] for i in g["items"]] for g in menu_groups_for(actor_for(user))}


@pytest.mark.django_db
def test_the_managers_menu_is_the_managers_work_and_administration(make_user) -> None:
    assert _menu(make_user("cs_manager")) == {
        "work": [
            "service:request_list",
            "service:board",
            "complaints:complaint_list",
            "approvals:approval_queue",
            "complaints:review_list",
            "reports:dashboard",
        ],
        "customers": ["customers:list", "installed_base:unit_list"],
        "admin": ["service:fee_standards", "service:fault_codes", "policies:list", "calendars:list", "web:audit"],
    }


@pytest.mark.django_db
def test_the_administrators_menu_is_administration(make_user) -> None:
    assert _menu(make_user("admin")) == {
        "customers": ["customers:list", "customers:import"],
        "admin": [
            "reports:retention",
            "policies:list",
            "calendars:list",
            "web:audit",
            "accounts:user_list",
            "consultations:fields",
        ],
    }


@pytest.mark.django_db
def test_pages_left_out_of_the_managers_menu_are_linked_from_their_page(make_user) -> None:
    client = Client()
    client.force_login(make_user("cs_manager"))
    requests = client.get(reverse("service:request_list")).content.decode()
    assert f'href="{reverse("service:request_create")}"' in requests  # register a request
    assert f'href="{reverse("service:handins")}"' in requests  # S14 hand-ins
    customers = client.get(reverse("customers:list")).content.decode()
    assert f'href="{reverse("customers:import")}"' in customers
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("complaints:task_list")}"' in home  # the callbacks queue


@pytest.mark.django_db
def test_roles_without_the_right_get_no_such_links(make_user) -> None:
    client = Client()
    client.force_login(make_user("analyst"))
    assert f'href="{reverse("service:handins")}"' not in client.get(reverse("service:request_list")).content.decode()
    assert f'href="{reverse("customers:import")}"' not in client.get(reverse("customers:list")).content.decode()
