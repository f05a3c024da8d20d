"""P5: the demand plan's arithmetic as a table (parts.planning, pure): suggested = max(0, monthly consumption ×
(lead time + cover) + waiting + safety stock − available − in transit), rounded up to whole units."""

from __future__ import annotations

import pytest

from aftersales.parts.planning import PlanInputs, PlanTerms, below_reorder_point, suggested_quantity

DEFAULT = PlanTerms(history_months=6, lead_time_months=1, cover_months=2)


@pytest.mark.parametrize(
    ("consumed", "waiting", "on_hand", "reserved", "in_transit", "safety", "terms", "expected"),
    [
        (0, 0, 0, 0, 0, 0, DEFAULT, 0),  # nothing used, nothing needed
        (60, 0, 0, 0, 0, 0, DEFAULT, 30),  # 10 a month × 3 months
        (60, 0, 12, 0, 0, 0, DEFAULT, 18),  # minus what is available
        (60, 0, 12, 4, 0, 0, DEFAULT, 22),  # reserved is not available
        (60, 0, 12, 0, 8, 0, DEFAULT, 10),  # in transit counts as coming
        (60, 5, 12, 0, 8, 0, DEFAULT, 15),  # open requests waiting add to the need
        (60, 5, 12, 0, 8, 3, DEFAULT, 18),  # safety stock on top
        (60, 0, 100, 0, 0, 0, DEFAULT, 0),  # never negative
        (7, 0, 0, 0, 0, 0, DEFAULT, 4),  # 7/6 × 3 = 3.5 → 4 (whole units, rounded up)
        (6, 0, 0, 0, 0, 0, DEFAULT, 3),  # exact: 1 × 3, no rounding noise
        (1, 0, 0, 0, 0, 0, DEFAULT, 1),  # 0.5 → 1
        (12, 0, 0, 0, 0, 0, PlanTerms(history_months=12, lead_time_months=1, cover_months=2), 3),  # longer history
        (60, 0, 0, 0, 0, 0, PlanTerms(history_months=6, lead_time_months=0, cover_months=1), 10),  # other policy
        (0, 0, 0, 0, 0, 4, DEFAULT, 4),  # a never-used part still keeps its safety stock
    ],
)
def test_suggested(
    consumed: int,
    waiting: int,
    on_hand: int,
    reserved: int,
    in_transit: int,
    safety: int,
    terms: PlanTerms,
    expected: int,
) -> None:
    inputs = PlanInputs(
        consumed=consumed,
        waiting=waiting,
        on_hand=on_hand,
        reserved=reserved,
        in_transit=in_transit,
        safety_stock=safety,
    )
    assert suggested_quantity(inputs, terms) == expected


@pytest.mark.parametrize(
    ("on_hand", "reserved", "point", "low"),
    [(5, 0, 0, False), (5, 0, 5, False), (4, 0, 5, True), (6, 2, 5, True), (10, 0, 5, False)],
)
def test_reorder_point(on_hand: int, reserved: int, point: int, low: bool) -> None:
    inputs = PlanInputs(consumed=0, waiting=0, on_hand=on_hand, reserved=reserved, in_transit=0, reorder_point=point)
    assert below_reorder_point(inputs) is low


def test_history_must_be_positive() -> None:
    with pytest.raises(ValueError, match="history_months"):
        suggested_quantity(PlanInputs(0, 0, 0, 0, 0), PlanTerms(0, 1, 2))
