"""`seed_demo` seeds the parts flows: a requisition in each state, old parts owed back, a purchase request."""

from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_requisitions_returns_and_a_plan() -> None:
    from aftersales.parts.models import PartReturn, PurchaseRequest, ReorderAlert, Requisition

    call_command("seed_demo", "--customers", "8", "--units", "20", "--seed", "7")
    states = set(Requisition.objects.values_list("state", flat=True))
    assert states == {"requested", "approved", "issued", "received", "refused", "cancelled"}
    assert Requisition.objects.filter(state="requested", approval_role="cs_manager").exists()
    short = Requisition.objects.get(state="received")
    assert [line.discrepancy for line in short.lines.order_by("part__code")] == [1, 0]
    assert PartReturn.objects.filter(state="outstanding").count() >= 1
    assert PurchaseRequest.objects.filter(state="pending").count() == 1
    assert ReorderAlert.objects.filter(open=True).exists()
    from aftersales.accounts.models import User
    from aftersales.parts.demo_flow import seed_parts_flow_demo

    users = {u.username: u for u in User.objects.filter(username__in=["parts_keeper", "engineer", "cs_manager"])}
    seed_parts_flow_demo(users)  # idempotent
    assert Requisition.objects.count() == 7
