"""`seed_demo` seeds the parts service: a priced catalogue for the demo products, stores of every
kind with owners, and stock whose levels equal the ledger."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from aftersales.parts.models import Part, StockLevel, Store
from aftersales.parts.selectors import ledger_sums


@pytest.mark.django_db
def test_seed_demo_builds_catalogue_stores_and_stock():
    call_command("seed_demo", "--customers", "8", "--units", "20", "--seed", "7")
    assert Part.objects.count() >= 10
    assert not Part.objects.filter(list_price__isnull=True).exists()
    assert Part.objects.filter(major=True, products__model="VMC850").exists()
    kinds = set(Store.objects.values_list("kind", flat=True))
    assert {"central", "service_point", "engineer", "defective"} <= kinds
    van = Store.objects.get(kind="engineer")
    assert van.engineer.username == "engineer"
    assert van.owner == van.engineer
    assert StockLevel.objects.filter(store=van, available__gt=0).count() >= 5
    for level in StockLevel.objects.select_related("store", "part"):
        assert ledger_sums(level.store, level.part)["on_hand"] == level.on_hand >= 0
