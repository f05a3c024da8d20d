"""Test data of the parts flows (requisitions, old-part returns, demand plan): a central store kept by the
parts keeper, an engineer's van, a defective parts store, catalogue parts and stock, and the service-case
fixtures (customer, unit in warranty, staff) for the jobs. Imported by the test_requisition_*,
test_part_returns_* and test_demand_plan_* modules."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def world(
    make_user: Any, actor_of: Any, keeper: Any, part_factory: Any, store_factory: Any, staff: Any
) -> dict[str, Any]:  # noqa: F811
    """central (10 × BOARD at 3000, 20 × FUSE at 5), the engineer's van, the defective store; the head of
    after-sales and a second keeper (nobody decides their own requisition)."""
    from aftersales.parts.services.stock import stock_receive

    engineer = staff["engineer"]
    central = store_factory(code="CENTRAL", name="总库", kind="central")
    van = store_factory(
        code="VAN-ENG1", name="工程师随车库", kind="engineer", owner=engineer.user, engineer=engineer.user
    )
    defective = store_factory(code="DEFECT", name="旧件库", kind="defective")
    board = part_factory(code="BOARD", name="主板", standard_cost=3000, major=True)
    fuse = part_factory(code="FUSE", name="保险丝", standard_cost=5)
    stock_receive(actor=keeper, store=central, part=board, quantity=10, reference="RK1")
    stock_receive(actor=keeper, store=central, part=fuse, quantity=20, reference="RK1")
    return {
        "keeper": keeper,
        "keeper2": actor_of(make_user("parts_keeper", username="keeper2")),
        "admin": actor_of(make_user("admin", username="flow_admin")),
        "head": staff["cs_manager"],
        "engineer": engineer,
        "engineer2": staff["engineer2"],
        "central": central,
        "van": van,
        "defective": defective,
        "board": board,
        "fuse": fuse,
    }


def level(store: Any, part: Any) -> tuple[int, int, int, int]:
    """(on hand, reserved, in transit, available) of the core's derived level."""
    from aftersales.parts.selectors import stock_level_of

    found = stock_level_of(store, part)
    return found.on_hand, found.reserved, found.in_transit, found.available
