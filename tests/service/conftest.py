"""Service-case test data: a same-city region with a service point, a customer, a unit in warranty,
one user per role in the case (agent, team lead, engineer, manager), made directly or through services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from aftersales.service.services import service_request_create


@pytest.fixture
def city(db: Any) -> Any:
    from aftersales.accounts.models import Region, ServicePoint

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region)
    return region


@pytest.fixture
def customer(city: Any) -> Any:
    from tests.installed_base.factories import CustomerFactory

    return CustomerFactory(region=city, phone="021-64001234", address="上海市闵行区申富路 88 号")


@pytest.fixture
def unit(customer: Any) -> Any:
    """In warranty until 2027-01-14 (acceptance 2025-01-15 + 24 months)."""
    from tests.installed_base.factories import UnitFactory

    return UnitFactory(customer=customer, acceptance_date=dt.date(2025, 1, 15), production_date=dt.date(2024, 12, 1))


@pytest.fixture
def old_unit(customer: Any) -> Any:
    """Out of warranty, no contract: paid service (S4 A)."""
    from tests.installed_base.factories import UnitFactory

    return UnitFactory(customer=customer, acceptance_date=dt.date(2019, 3, 1), production_date=dt.date(2019, 1, 1))


@pytest.fixture
def staff(make_user: Any, actor_of: Any, city: Any) -> dict[str, Any]:
    """Actors by role code; the engineer works from the customer's service point."""
    from aftersales.accounts.models import ServicePoint

    point = ServicePoint.objects.get(code="SP-SH")
    return {
        "agent": actor_of(make_user("agent", username="agent1")),
        "team_lead": actor_of(make_user("team_lead", username="lead1")),
        "cs_manager": actor_of(make_user("cs_manager", username="boss1")),
        "engineer": actor_of(make_user("engineer", username="eng1", service_point_id=point.pk)),
        "engineer2": actor_of(make_user("engineer", username="eng2")),
    }


@pytest.fixture
def new_request(staff: dict[str, Any], customer: Any, unit: Any) -> Any:
    def _make(**kwargs: Any) -> Any:
        values = {
            "actor": staff["agent"],
            "customer_id": customer.pk,
            "serial": unit.serial,
            "channel": "phone",
            "priority": "general",
            "fault": "主轴异响，无法加工",
        }
        values.update(kwargs)
        return service_request_create(**values)

    return _make


@pytest.fixture
def fee_drafter(make_user: Any, actor_of: Any) -> Any:
    """B2: finance drafts a fee standard; the service-centre manager (never its drafter) approves it."""
    return actor_of(make_user("finance", username="fee_drafter"))
