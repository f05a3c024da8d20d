"""P1: the ledger's service functions: every movement keeps the level equal to the ledger sum and
never negative; refusals change nothing (issue 14 §3)."""

from __future__ import annotations

from typing import Any

import pytest

from aftersales.core.errors import ValidationFailed
from aftersales.parts.errors import InsufficientStock
from aftersales.parts.models import StockMove
from aftersales.parts.selectors import ledger_sums, stock_level_of
from aftersales.parts.services.stock import (
    stock_adjust,
    stock_consume,
    stock_receive,
    stock_reserve,
    stock_transfer_in,
    stock_transfer_out,
    stock_unreserve,
)

pytestmark = pytest.mark.django_db


def _assert_consistent(store: Any, part: Any) -> None:
    level = stock_level_of(store, part)
    assert ledger_sums(store, part) == {
        "on_hand": level.on_hand,
        "in_transit": level.in_transit,
        "reserved": level.reserved,
    }
    assert level.available == level.on_hand - level.reserved >= 0


def test_receive_consume_and_refuse_more_than_available(keeper, part_factory, store_factory):
    # given 5 units received into the central store
    store, part = store_factory(), part_factory()
    move = stock_receive(actor=keeper, store=store, part=part, quantity=5, reference="RK1")
    assert move.number.startswith("KC")
    assert move.on_hand_change == 5
    assert move.actor_id == keeper.pk
    # when 3 are used on a job and then 3 more asked
    stock_consume(actor=keeper, store=store, part=part, quantity=3, reference="FW1")
    with pytest.raises(InsufficientStock) as err:
        stock_consume(actor=keeper, store=store, part=part, quantity=3, reference="FW2")
    # then the refusal names the 2 available and changes nothing
    assert err.value.available == 2
    assert err.value.as_dict()["code"] == "insufficient_stock"
    assert stock_level_of(store, part).on_hand == 2
    assert StockMove.objects.filter(store=store).count() == 2
    _assert_consistent(store, part)


def test_reservation_lowers_available_and_consumption_takes_its_own(keeper, part_factory, store_factory):
    store, part = store_factory(), part_factory()
    stock_receive(actor=keeper, store=store, part=part, quantity=4)
    stock_reserve(actor=keeper, store=store, part=part, quantity=3, reference="LY1")
    level = stock_level_of(store, part)
    assert (level.on_hand, level.reserved, level.available) == (4, 3, 1)
    with pytest.raises(InsufficientStock):
        stock_consume(actor=keeper, store=store, part=part, quantity=2)
    stock_consume(actor=keeper, store=store, part=part, quantity=2, from_reservation=2, reference="FW1")
    stock_unreserve(actor=keeper, store=store, part=part, quantity=1)
    level = stock_level_of(store, part)
    assert (level.on_hand, level.reserved, level.available) == (2, 0, 2)
    _assert_consistent(store, part)


def test_transfer_is_in_transit_for_the_receiver_until_received_with_shortfall(keeper, part_factory, store_factory):
    central, point = store_factory(), store_factory(kind="service_point")
    part = part_factory()
    stock_receive(actor=keeper, store=central, part=part, quantity=10)
    stock_transfer_out(actor=keeper, from_store=central, to_store=point, part=part, quantity=4, reference="LY1")
    assert stock_level_of(central, part).on_hand == 6
    assert (stock_level_of(point, part).in_transit, stock_level_of(point, part).on_hand) == (4, 0)
    stock_transfer_in(actor=keeper, from_store=central, to_store=point, part=part, shipped=4, received=3)
    assert (stock_level_of(point, part).in_transit, stock_level_of(point, part).on_hand) == (0, 3)
    for store in (central, point):
        _assert_consistent(store, part)


def test_adjustment_never_takes_stock_below_zero_and_bad_quantities_are_422(keeper, part_factory, store_factory):
    store, part = store_factory(), part_factory()
    stock_receive(actor=keeper, store=store, part=part, quantity=1)
    with pytest.raises(InsufficientStock):
        stock_adjust(actor=keeper, store=store, part=part, change=-2, reason="盘亏")
    stock_adjust(actor=keeper, store=store, part=part, change=2, reason="盘盈")
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValidationFailed):
            stock_receive(actor=keeper, store=store, part=part, quantity=bad)
    assert stock_level_of(store, part).on_hand == 3
    _assert_consistent(store, part)
