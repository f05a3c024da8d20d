"""Spare-parts test data: stores of each kind with their owners, catalogue parts, stocked levels."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def keeper(make_user: Any, actor_of: Any) -> Any:
    return actor_of(make_user("parts_keeper", username="keeper1"))


@pytest.fixture
def part_factory(db: Any) -> Any:
    from aftersales.parts.models import Part

    counter = {"n": 0}

    def _make(**kwargs: Any) -> Any:
        counter["n"] += 1
        values: dict[str, Any] = {"code": f"P{counter['n']:04d}", "name": f"配件{counter['n']}", "standard_cost": 10}
        values.update(kwargs)
        return Part.objects.create(**values)

    return _make


@pytest.fixture
def store_factory(db: Any, keeper: Any) -> Any:
    from aftersales.parts.models import Store

    counter = {"n": 0}

    def _make(**kwargs: Any) -> Any:
        counter["n"] += 1
        values: dict[str, Any] = {
            "code": f"S{counter['n']:03d}",
            "name": f"库房{counter['n']}",
            "kind": "central",
            "owner": keeper.user,
        }
        values.update(kwargs)
        return Store.objects.create(**values)

    return _make


@pytest.fixture
def product(db: Any) -> Any:
    from aftersales.installed_base.models import Product

    return Product.objects.create(model="XK-714", name="立式加工中心")


@pytest.fixture
def keeper_api(api_as: Any, keeper: Any) -> Any:
    return api_as(keeper.user)


# The service-case fixtures (a region with a service point, a customer, units in and out of
# warranty, staff by role, new requests): consumption happens on their requests.
from tests.service.conftest import city, customer, fee_drafter, new_request, old_unit, staff, unit  # noqa: E402, F401


@pytest.fixture
def head(make_user: Any, actor_of: Any) -> Any:
    return actor_of(make_user("cs_manager", username="head1"))


@pytest.fixture
def priced_part(keeper: Any, head: Any, part_factory: Any) -> Any:
    """A catalogue part with an approved list price (drafted by the keeper, approved by the head)."""
    from aftersales.parts.services.catalogue import price_list_create, price_list_decide

    def _make(price: str = "150.00", **kwargs: Any) -> Any:
        part = part_factory(**kwargs)
        price_list = price_list_create(actor=keeper, lines=[(part, price)])
        price_list_decide(actor=head, version=price_list.version, approve=True)
        part.refresh_from_db()
        return part

    return _make


@pytest.fixture
def van(staff: Any, store_factory: Any) -> Any:  # noqa: F811 — the imported fixture, by name
    """eng1's van stock."""
    return store_factory(
        code="VAN-ENG1", kind="engineer", engineer=staff["engineer"].user, owner=staff["engineer"].user
    )
