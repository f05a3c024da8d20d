"""Stock never goes negative under concurrency (issue 14 checks), on SQLite and PostgreSQL:
10 parallel consumptions of the last 5 units → exactly 5 succeed, on hand 0; parallel transfers
and consumptions keep every store's ledger sum equal to its on hand.

Transactional tests only (they empty every table afterwards), so pytest-django runs them last.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from aftersales.accounts.selectors import actor_for
from aftersales.parts.errors import InsufficientStock
from aftersales.parts.models import StockMove
from aftersales.parts.selectors import ledger_sums, stock_level_of
from aftersales.parts.services.stock import stock_consume, stock_receive, stock_transfer


def _race(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=20)
            outcome = call()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # collected and checked by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_ten_parallel_consumptions_of_the_last_five_units(keeper, part_factory, store_factory):
    store, part = store_factory(code="VAN1", kind="central"), part_factory(code="PCB-1")
    stock_receive(actor=keeper, store=store, part=part, quantity=5)
    actor = actor_for(keeper.user)

    def consume(i: int) -> Callable[[], Any]:
        return lambda: stock_consume(actor=actor, store=store, part=part, quantity=1, reference=f"FW{i}")

    results, errors = _race([consume(i) for i in range(10)])
    assert len(results) == 5
    assert len(errors) == 5, errors
    assert all(isinstance(e, InsufficientStock) for e in errors), errors
    assert all(e.available == 0 for e in errors if isinstance(e, InsufficientStock))
    level = stock_level_of(store, part)
    assert (level.on_hand, level.available) == (0, 0)
    assert ledger_sums(store, part)["on_hand"] == 0
    assert StockMove.objects.filter(kind="consume").count() == 5


@pytest.mark.django_db(transaction=True)
def test_parallel_transfers_and_consumptions_keep_ledger_equal_to_on_hand(keeper, part_factory, store_factory):
    central, point = store_factory(code="ZK"), store_factory(code="WX", kind="central")
    part = part_factory(code="FLT-1")
    stock_receive(actor=keeper, store=central, part=part, quantity=6)
    stock_receive(actor=keeper, store=point, part=part, quantity=6)
    actor = actor_for(keeper.user)
    calls: list[Callable[[], Any]] = []
    for i in range(4):
        calls.append(lambda: stock_transfer(actor=actor, from_store=central, to_store=point, part=part, quantity=2))
        calls.append(lambda: stock_transfer(actor=actor, from_store=point, to_store=central, part=part, quantity=2))
        calls.append(lambda i=i: stock_consume(actor=actor, store=central, part=part, quantity=2, reference=f"FW{i}"))
        calls.append(lambda i=i: stock_consume(actor=actor, store=point, part=part, quantity=2, reference=f"FX{i}"))
    results, errors = _race(calls)
    assert all(isinstance(e, InsufficientStock) for e in errors), errors
    total = 0
    for store in (central, point):
        level = stock_level_of(store, part)
        sums = ledger_sums(store, part)
        assert (sums["on_hand"], sums["in_transit"], sums["reserved"]) == (
            level.on_hand,
            level.in_transit,
            level.reserved,
        )
        assert level.on_hand >= 0
        assert level.available == level.on_hand - level.reserved
        total += level.on_hand
    consumed = sum(-m.on_hand_change for m in StockMove.objects.filter(kind="consume"))
    assert total + consumed == 12  # transfers move stock, only consumption takes it away
