"""V4 arithmetic: the weighted score, the 未参加 rescaling, every grade boundary, validity at 85 %."""

from __future__ import annotations

from decimal import Decimal

import pytest

from aftersales.policies.defaults import POLICIES
from aftersales.surveys.scoring import AnswersInvalid, Rules, grade_for, is_valid, response_score

RULES = Rules(
    items=POLICIES["V4.form"].default["items"],
    answer_scores=POLICIES["V4.answer_scores"].default,
    valid_share=POLICIES["V4.valid_share"].default,
    grade_bounds=POLICIES["V4.grade_bounds"].default,
)
S, F, A, D, N = "satisfied", "fairly_satisfied", "average", "dissatisfied", "not_attended"


def _answers(*values: str) -> dict[str, str]:
    return {str(n): v for n, v in zip(range(2, 9), values, strict=True)}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (_answers(S, S, S, S, S, S, S), Decimal(100)),
        (_answers(F, F, F, F, F, F, F), Decimal(80)),
        (_answers(D, D, D, D, D, D, D), Decimal(0)),
        # 0.15·100 + 0.15·80 + 0.15·60 + 0.20·0 + 0.10·100 + 0.10·80 + 0.15·60 = 63
        (_answers(S, F, A, D, S, F, A), Decimal(63)),
        # item 5 (0.20) alone dissatisfied: 80
        (_answers(S, S, S, D, S, S, S), Decimal(80)),
        # 未参加 on item 6: (0.15+0.15+0.15+0.20+0.10+0.15)·100 / 0.90 = 100
        (_answers(S, S, S, S, N, S, S), Decimal(100)),
        # 未参加 rescales: (0.15·100 + 0.15·100 + 0.15·100 + 0.20·0 + 0.10·100 + 0.15·100) / 0.9 = 77.77…
        (_answers(S, S, S, D, N, S, S), Decimal(70) / Decimal("0.9")),
        # 未参加 with everything else 较满意: exactly 80 (one division, no drift)
        (_answers(F, F, F, F, N, F, F), Decimal(80)),
    ],
)
def test_score(answers: dict[str, str], expected: Decimal) -> None:
    assert response_score(answers, RULES).value == expected


def test_rescaled_weights_are_explained() -> None:
    score = response_score(_answers(S, S, S, D, N, S, S), RULES)
    assert score.left_out == [6]
    assert score.weight_sum == Decimal("0.9")
    used = {p.number: p.weight_used for p in score.parts}
    assert used[6] == 0
    assert used[5] == Decimal("0.2222")
    assert score.rounded == Decimal("77.78")


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (Decimal("100"), "satisfied"),
        (Decimal("85"), "satisfied"),
        (Decimal("84.99"), "fairly_satisfied"),
        (Decimal("84.9999999"), "fairly_satisfied"),
        (Decimal("70"), "fairly_satisfied"),
        (Decimal("69.99"), "somewhat_satisfied"),
        (Decimal("60"), "somewhat_satisfied"),
        (Decimal("59.99"), "dissatisfied"),
        (Decimal("0"), "dissatisfied"),
    ],
)
def test_grade_boundaries(score: Decimal, grade: str) -> None:
    assert grade_for(score, RULES.grade_bounds) == grade


@pytest.mark.parametrize(
    ("returned", "sent", "valid"),
    [(17, 20, True), (85, 100, True), (84, 100, False), (16, 20, False), (20, 20, True), (0, 0, False)],
)
def test_validity_at_85_percent(returned: int, sent: int, valid: bool) -> None:
    assert is_valid(returned, sent, RULES.valid_share) is valid


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ({"2": S, "3": S, "4": S, "5": S, "6": S, "7": S}, {"8": "missing"}),
        (_answers(S, S, S, S, S, S, "great"), {"8": "invalid"}),
        (_answers(N, S, S, S, S, S, S), {"2": "invalid"}),  # only item 6 allows 未参加
    ],
)
def test_every_scored_item_is_required(answers: dict[str, str], problem: dict[str, str]) -> None:
    with pytest.raises(AnswersInvalid) as caught:
        response_score(answers, RULES)
    assert caught.value.fields == problem
