"""T2 pure rules: pass marks (each part at exactly its mark passes), certificate expiry with month-end clamp,
and S7 ranking: a certified engineer outranks an otherwise equal uncertified one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from aftersales.service.dispatch_scoring import best_engineer, rank_engineers, ranking_key
from aftersales.training.scoring import add_months, assessment_passed, certificate_expiry

MARKS = {"theory": 60, "practice": 70, "simulated": 60}


@pytest.mark.parametrize(
    ("theory", "practice", "simulated", "passed"),
    [
        ("60", "70", "60", True),
        ("59.99", "70", "60", False),
        ("60", "69.99", "60", False),
        ("60", "70", "59.99", False),
        ("100", "100", "100", True),
        ("0", "0", "0", False),
    ],
)
def test_each_part_must_reach_its_pass_mark(theory, practice, simulated, passed) -> None:
    scores = {"theory": Decimal(theory), "practice": Decimal(practice), "simulated": Decimal(simulated)}
    assert assessment_passed(scores, MARKS) is passed


@pytest.mark.parametrize(
    ("issued", "months", "expires"),
    [
        (dt.date(2026, 3, 10), 24, dt.date(2028, 3, 9)),
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 27)),  # 31 Jan + 1 month → 28 Feb, valid through the 27th
        (dt.date(2027, 12, 31), 2, dt.date(2028, 2, 28)),  # leap year: 29 Feb, valid through the 28th
        (dt.date(2026, 11, 15), 3, dt.date(2027, 2, 14)),
    ],
)
def test_certificate_expiry(issued, months, expires) -> None:
    assert certificate_expiry(issued, months) == expires


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 5, 31), 13) == dt.date(2027, 6, 30)


def _engineer(username: str, lines: frozenset[str], weight: int) -> SimpleNamespace:
    point = SimpleNamespace(pk=1, region_id=1)
    return SimpleNamespace(
        username=username,
        service_point=point,
        service_point_id=1,
        open_jobs=1,
        certified_lines=lines,
        certified_weight=weight,
    )


def _request(category: str) -> SimpleNamespace:
    product = SimpleNamespace(category=category)
    return SimpleNamespace(
        service_point=SimpleNamespace(pk=1, region_id=1), customer=None, unit=SimpleNamespace(product=product)
    )


def test_a_certified_engineer_outranks_an_otherwise_equal_uncertified_one() -> None:
    # "a_uncertified" sorts first by name: only the certificate can put "b_certified" ahead
    engineers = [_engineer("a_uncertified", frozenset(), 50), _engineer("b_certified", frozenset({"数控机床"}), 50)]

    ranked = rank_engineers(_request("数控机床"), engineers)

    assert [r["user"].username for r in ranked] == ["b_certified", "a_uncertified"]
    assert [r["score"] for r in ranked] == [10, 60]
    assert ranked[0]["certified"] is True
    assert best_engineer(ranked)["user"].username == "b_certified"


def test_the_certificate_counts_only_for_its_product_line_and_weight() -> None:
    engineers = [_engineer("a_uncertified", frozenset(), 50), _engineer("b_certified", frozenset({"数控机床"}), 50)]
    other_line = rank_engineers(_request("激光切割机"), engineers)
    no_line = rank_engineers(_request(""), engineers)
    weightless = rank_engineers(
        _request("数控机床"),
        [_engineer("a_uncertified", frozenset(), 0), _engineer("b_certified", frozenset({"数控机床"}), 0)],
    )

    assert [r["score"] for r in other_line] == [10, 10]  # nobody holds that line: no shift
    assert [r["score"] for r in no_line] == [10, 10]
    assert [r["user"].username for r in weightless] == ["a_uncertified", "b_certified"]
    assert best_engineer(weightless) is None  # a tie: the dispatcher chooses


def _placed(username: str, point_id: int, region_id: int, open_jobs: int, lines: frozenset[str]) -> SimpleNamespace:
    return SimpleNamespace(
        username=username,
        service_point=SimpleNamespace(pk=point_id, region_id=region_id),
        service_point_id=point_id,
        open_jobs=open_jobs,
        certified_lines=lines,
        certified_weight=50,
    )


def test_a_limited_ranking_is_the_head_of_the_full_one() -> None:
    # the board asks for its eight options only: the same rows, in the same order, as the full ranking's first
    engineers = [
        _placed(
            f"e{n:02d}",
            point_id=n % 4,
            region_id=n % 2,
            open_jobs=n % 3,
            lines=frozenset({"数控机床"} if n % 5 else set()),
        )
        for n in range(20)
    ]
    request = _request("数控机床")

    full = rank_engineers(request, engineers)

    for limit in (1, 2, 8, 20, 30):
        assert rank_engineers(request, engineers, limit=limit) == full[:limit]
    assert [r["score"] for r in full] == sorted(r["score"] for r in full)


def test_the_ranking_key_keeps_a_product_line_only_when_someone_holds_it() -> None:
    held = frozenset({"数控机床"})

    assert ranking_key(_request("数控机床"), held) == (1, 1, "数控机床")
    # nobody certified for lasers: their requests rank as the point's others (the board ranks them once)
    assert ranking_key(_request("激光切割机"), held) == ranking_key(_request(""), held) == (1, 1, "")
    engineers = [_placed("a", 1, 1, 0, held), _placed("b", 2, 1, 0, frozenset())]
    assert rank_engineers(_request("激光切割机"), engineers) == [
        {**row, "product_line": "激光切割机"} for row in rank_engineers(_request(""), engineers)
    ]
