"""Complaint test data: a customer, one actor per role in the complaint rules, a register helper."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from aftersales.complaints.services import complaint_register

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def customer(db: Any) -> Any:
    from tests.installed_base.factories import CustomerFactory

    return CustomerFactory(phone="021-64001234", address="上海市闵行区申富路 88 号")


@pytest.fixture
def staff(make_user: Any, actor_of: Any) -> dict[str, Any]:
    """Actors by role code (username = role code)."""
    roles = ["agent", "team_lead", "cs_manager", "sales", "sales_manager", "vp", "gm", "engineer", "admin"]
    return {role: actor_of(make_user(role, username=role)) for role in roles}


@pytest.fixture
def new_complaint(staff: dict[str, Any], customer: Any) -> Any:
    def _make(**kwargs: Any) -> Any:
        values: dict[str, Any] = {
            "actor": staff["agent"],
            "customer_id": customer.pk,
            "complaint_class": "quality",
            "channel": "phone",
            "description": "设备外壳开裂，要求换货",
            "amount_claimed": Decimal("800.00"),
        }
        values.update(kwargs)
        return complaint_register(**values)

    return _make


def at(text: str) -> dt.datetime:
    """'2025-09-23 10:00' in Beijing time."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=CST)
