"""The monthly consumption summary (decision 0033, Stop 21): kept by every consumption in the movement's
transaction, it always equals a full recount of the ledger; the demand plan's consumption read from it
(whole months) and the ledger (the first, partial month) equals the plain ledger sum since any moment."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from aftersales.core.errors import DomainError
from aftersales.parts.flow.stock import consumed_by_part
from aftersales.parts.models import StockConsumption, StockMove
from aftersales.parts.services import stock

pytestmark = pytest.mark.django_db


def _summary() -> dict[tuple[int, int, dt.date], int]:
    return {
        (row.store_id, row.part_id, row.month): row.quantity
        for row in StockConsumption.objects.all()
        if row.quantity  # a month emptied by nothing is never written, but a zero row would equal no row
    }


def test_summary_equals_a_recount_after_random_movements(keeper: Any, part_factory: Any, store_factory: Any) -> None:
    rng = random.Random(21)
    stores = [store_factory(), store_factory()]
    parts = [part_factory(), part_factory(), part_factory()]
    for store in stores:
        for part in parts:
            stock.stock_receive(actor=keeper, store=store, part=part, quantity=30)
    consumed = 0
    for _ in range(60):
        store, other, part, q = rng.choice(stores), rng.choice(stores), rng.choice(parts), rng.randint(1, 4)
        op = rng.choice(["consume", "consume", "issue", "receive", "transfer_out", "scrap"])
        try:
            if op == "consume":
                stock.stock_consume(actor=keeper, store=store, part=part, quantity=q)
                consumed += q
            elif op == "issue":
                stock.stock_issue(actor=keeper, store=store, part=part, quantity=q)
            elif op == "receive":
                stock.stock_receive(actor=keeper, store=store, part=part, quantity=q)
            elif op == "scrap":
                stock.stock_scrap(actor=keeper, store=store, part=part, quantity=q, reason="损坏")
            elif store != other:
                stock.stock_transfer_out(actor=keeper, from_store=store, to_store=other, part=part, quantity=q)
        except DomainError:
            pass  # refused (not enough): changes nothing, the summary included
    assert consumed > 0
    assert _summary() == stock.consumption_recount()
    assert sum(_summary().values()) == consumed
    # a refused consumption leaves the summary as it was
    before = _summary()
    with pytest.raises(DomainError):
        stock.stock_consume(actor=keeper, store=stores[0], part=parts[0], quantity=10_000)
    assert _summary() == before


def test_rebuild_from_the_ledger_after_a_history_migration(keeper: Any, part_factory: Any, store_factory: Any) -> None:
    store, part = store_factory(), part_factory()
    stock.stock_receive(actor=keeper, store=store, part=part, quantity=50)
    moves = [stock.stock_consume(actor=keeper, store=store, part=part, quantity=q) for q in (1, 2, 3)]
    with connection.cursor() as cursor:  # the ledger is append-only: back-date as a history migration would
        cursor.execute(
            f"UPDATE {StockMove._meta.db_table} SET occurred_at = %s WHERE id = %s",  # noqa: S608 — our table
            [moves[0].occurred_at - dt.timedelta(days=70), moves[0].pk],
        )
    assert _summary() != stock.consumption_recount()  # the summary does not follow a raw UPDATE …
    assert stock.consumption_rebuild() == 2
    assert _summary() == stock.consumption_recount()  # … until rebuilt
    assert sorted(_summary().values()) == [1, 5]


def test_consumed_since_any_moment_equals_the_ledger_sum(keeper: Any, part_factory: Any, store_factory: Any) -> None:
    rng = random.Random(14)
    store, other = store_factory(), store_factory()
    parts = [part_factory(), part_factory()]
    for s in (store, other):
        for part in parts:
            stock.stock_receive(actor=keeper, store=s, part=part, quantity=500)
    now = timezone.now()
    moves = [
        stock.stock_consume(actor=keeper, store=rng.choice([store, other]), part=rng.choice(parts), quantity=q)
        for q in [rng.randint(1, 5) for _ in range(40)]
    ]
    with connection.cursor() as cursor:  # spread over the last 14 months, to the minute
        for move in moves:
            cursor.execute(
                f"UPDATE {StockMove._meta.db_table} SET occurred_at = %s WHERE id = %s",  # noqa: S608 — our table
                [now - dt.timedelta(minutes=rng.randint(0, 14 * 31 * 24 * 60)), move.pk],
            )
    stock.consumption_rebuild()
    local = timezone.localtime(now)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    sinces = [now - dt.timedelta(minutes=rng.randint(0, 15 * 31 * 24 * 60)) for _ in range(25)]
    sinces += [month_start, month_start - dt.timedelta(microseconds=1), now + dt.timedelta(days=1)]
    for since in sinces:
        expected = {
            row["part_id"]: row["total"]
            for row in StockMove.objects.filter(store=store, kind="consume", occurred_at__gte=since)
            .values("part_id")
            .annotate(total=Sum("quantity"))
            .order_by()
        }
        assert consumed_by_part(store.pk, since=since) == expected, since
