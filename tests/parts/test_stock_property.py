"""Property (issue 14 checks): for any sequence of movements, the derived stock equals the ledger sum
per store × part and is never negative; refused movements change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import DomainError
from aftersales.parts.models import StockLevel, StockMove
from aftersales.parts.selectors import ledger_sums
from aftersales.parts.services import stock

OPS = ["receive", "consume", "reserve", "unreserve", "transfer_out", "transfer_in", "adjust", "scrap", "issue"]
step = st.tuples(st.sampled_from(OPS), st.integers(0, 2), st.integers(0, 2), st.integers(0, 1), st.integers(-4, 6))


def _apply(actor: Any, stores: list[Any], parts: list[Any], op: str, a: int, b: int, p: int, q: int) -> None:
    store, other, part = stores[a], stores[b], parts[p]
    if op == "receive":
        stock.stock_receive(actor=actor, store=store, part=part, quantity=q)
    elif op == "consume":
        stock.stock_consume(actor=actor, store=store, part=part, quantity=q)
    elif op == "reserve":
        stock.stock_reserve(actor=actor, store=store, part=part, quantity=q)
    elif op == "unreserve":
        stock.stock_unreserve(actor=actor, store=store, part=part, quantity=q)
    elif op == "transfer_out":
        stock.stock_transfer_out(actor=actor, from_store=store, to_store=other, part=part, quantity=q)
    elif op == "transfer_in":
        stock.stock_transfer_in(
            actor=actor, from_store=other, to_store=store, part=part, shipped=q, received=max(q - 1, 0)
        )
    elif op == "adjust":
        stock.stock_adjust(actor=actor, store=store, part=part, change=q, reason="盘点")
    elif op == "scrap":
        stock.stock_scrap(actor=actor, store=store, part=part, quantity=q, reason="损坏")
    elif op == "issue":
        stock.stock_issue(actor=actor, store=store, part=part, quantity=q)


@pytest.mark.django_db
def test_derived_stock_equals_the_ledger_and_is_never_negative(keeper, part_factory, store_factory):
    stores = [store_factory(), store_factory(), store_factory()]
    parts = [part_factory(), part_factory()]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(step, max_size=25))
    def run(steps: list[tuple[str, int, int, int, int]]) -> None:
        StockLevel.objects.all().delete()
        StockMove.objects.all()._raw_delete(StockMove.objects.db)  # the ledger is append-only; reset between examples
        for op, a, b, p, q in steps:
            before = list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved", "in_transit"))
            moves = StockMove.objects.count()
            try:
                _apply(keeper, stores, parts, op, a, b, p, q)
            except DomainError:
                assert StockMove.objects.count() == moves
                after = list(StockLevel.objects.order_by("pk").values_list("on_hand", "reserved", "in_transit"))
                assert after[: len(before)] == before
                assert all(row == (0, 0, 0) for row in after[len(before) :])
        for level in StockLevel.objects.all():
            assert level.on_hand >= 0
            assert level.reserved >= 0
            assert level.in_transit >= 0
            assert level.available == level.on_hand - level.reserved >= 0
            sums = ledger_sums(level.store, level.part)
            assert sums == {"on_hand": level.on_hand, "in_transit": level.in_transit, "reserved": level.reserved}

    run()
