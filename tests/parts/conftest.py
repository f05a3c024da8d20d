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
