"""Returns test data: a customer with a unit, one actor per role in returns, a helper that
registers a return through the service (R1–R4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from aftersales.returns.services import return_request_create


@pytest.fixture
def customer(db: Any) -> Any:
    from tests.installed_base.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def other_customer(db: Any) -> Any:
    from tests.installed_base.factories import CustomerFactory

    return CustomerFactory()


@pytest.fixture
def unit(customer: Any) -> Any:
    from tests.installed_base.factories import UnitFactory

    return UnitFactory(customer=customer)


@pytest.fixture
def staff(make_user: Any, actor_of: Any) -> dict[str, Any]:
    """Actors by role code."""
    roles = [
        "sales",
        "agent",
        "sales_manager",
        "vp",
        "gm",
        "warehouse",
        "finance",
        "cs_manager",
        "engineer",
        "quality",
    ]
    return {role: actor_of(make_user(role, username=f"r_{role}")) for role in roles}


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def new_return(staff: dict[str, Any], customer: Any) -> Any:
    """new_return(quantity=2, unit_price="100.00", ...) → a requested return (wrong model, unopened)."""

    def _make(**kwargs: Any) -> Any:
        values: dict[str, Any] = {
            "actor": staff["sales"],
            "customer_id": customer.pk,
            "kind": "exchange",
            "condition": "wrong_model_unopened",
            "model": "XK-100",
            "wanted_model": "XK-200",
            "order_number": "SO-2026-001",
            "ship_date": days_ago(3),
            "quantity": 2,
            "unit_price": Decimal("100.00"),
            "reason": "型号订错，客户需要 XK-200",
            "unopened": True,
        }
        values.update(kwargs)
        if isinstance(values["unit_price"], str):
            values["unit_price"] = Decimal(values["unit_price"])
        return return_request_create(**values)

    return _make


@pytest.fixture
def complaint(staff: dict[str, Any], customer: Any) -> Any:
    """A complaint of `customer` that a return or a discount certificate settles (K9, R4)."""
    from decimal import Decimal

    from aftersales.complaints.services import complaint_register

    return complaint_register(
        actor=staff["agent"],
        customer_id=customer.pk,
        complaint_class="quality",
        channel="phone",
        description="运输破损",
        amount_claimed=Decimal("300.00"),
    )
