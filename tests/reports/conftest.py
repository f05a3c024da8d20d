"""Statistics test data: hand-built service requests, parts lines and stopped clocks (ORM rows; the
reports app follows them through the model signals, as it follows the services' own saves)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

_numbers = itertools.count(1)
TZ = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    y, m, d = (int(p) for p in day.split("-"))
    return dt.datetime(y, m, d, hour, minute, second, tzinfo=TZ)


@pytest.fixture
def world(db: Any, make_user: Any) -> dict[str, Any]:
    return build_world(make_user)


def build_world(make_user: Any) -> dict[str, Any]:
    from aftersales.accounts.models import Region, ServicePoint
    from aftersales.service.models import FaultCode
    from tests.installed_base.factories import CustomerFactory, ProductFactory, UnitFactory

    region = Region.objects.create(code="SH", name="上海", province="上海", tier="same_city")
    points = [
        ServicePoint.objects.create(code="SP-SH", name="上海办事处", region=region),
        ServicePoint.objects.create(code="SP-SZ", name="苏州办事处", region=region),
    ]
    customer = CustomerFactory(region=region)
    products = [ProductFactory(model="XK-0001", name="数控铣床"), ProductFactory(model="CK-0002", name="数控车床")]
    units = [UnitFactory(customer=customer, product=p) for p in products]
    symptoms = [
        FaultCode.objects.create(kind="symptom", code="S01", name="主轴异响"),
        FaultCode.objects.create(kind="symptom", code="S02", name="液压漏油"),
    ]
    agent = make_user("agent", username="agent_r")
    engineers = [make_user("engineer", username="eng_r1"), make_user("engineer", username="eng_r2")]
    return {
        "points": points,
        "customer": customer,
        "products": products,
        "units": units,
        "symptoms": symptoms,
        "agent": agent,
        "engineers": engineers,
    }


def make_request(world: dict[str, Any], received_at: dt.datetime, **fields: Any) -> Any:
    from aftersales.service.models import ServiceRequest

    values: dict[str, Any] = {
        "number": f"FWT{next(_numbers):08d}",
        "customer": world["customer"],
        "unit": world["units"][0],
        "channel": "phone",
        "fault": "主轴异响",
        "received_at": received_at,
        "received_by": world["agent"],
        "charging_type": "A",
        "calendar_code": "24x7",
        "region_tier": "same_city",
        "service_point": world["points"][0],
    }
    values.update(fields)
    return ServiceRequest.objects.create(**values)


def add_part(world: dict[str, Any], request: Any, code: str, name: str, quantity: int = 1, price: str = "0") -> Any:
    from aftersales.service.models import PartUsed

    return PartUsed.objects.create(
        request=request,
        part_code=code,
        part_name=name,
        quantity=quantity,
        unit_price=Decimal(price),
        recorded_by=world["agent"],
    )


def stopped_clock(subject: Any, kind: str, *, due_at: dt.datetime, stopped_at: dt.datetime, consumed: int = 0) -> Any:
    from aftersales.clocks.models import Clock

    target = 3600
    return Clock.objects.create(
        subject_type=subject._meta.label_lower,
        subject_id=str(subject.pk),
        kind=kind,
        rule="S6",
        calendar_code="24x7",
        target_amount=1,
        target_unit="hours",
        target_seconds=target,
        state="stopped",
        started_at=stopped_at - dt.timedelta(seconds=consumed),
        due_at=due_at,
        stopped_at=stopped_at,
        outcome="met" if stopped_at <= due_at else "breached",
        margin_seconds=target - consumed,
    )


def now() -> dt.datetime:
    return timezone.now()
