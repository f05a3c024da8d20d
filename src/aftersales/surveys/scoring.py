"""V4 arithmetic as pure functions: a response's weighted score, its grade, a campaign's result.

S = Σ λᵢ·sᵢ over the scored questions; a question answered 未参加 (where the form allows it) is left
out and the other weights are rescaled to sum to 1, i.e. S = Σ λᵢ·sᵢ / Σ λᵢ over the questions
answered. Decimal arithmetic with one division at the end, so 80 on every question is exactly 80
and a grade boundary (85, 70, 60) is met exactly. No database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from aftersales.surveys.choices import NOT_ATTENDED, Answer, Grade

TWO_PLACES = Decimal("0.01")
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Rules:
    """The campaign's snapshot of the policies V4.form, V4.answer_scores, V4.valid_share, V4.grade_bounds."""

    items: list[dict[str, Any]]
    answer_scores: dict[str, int]
    valid_share: float
    grade_bounds: dict[str, float]
    policy_version: int = 0

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Rules:
        return cls(
            items=list(data["items"]),
            answer_scores=dict(data["answer_scores"]),
            valid_share=float(data["valid_share"]),
            grade_bounds=dict(data["grade_bounds"]),
            policy_version=int(data.get("policy_version", 0)),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "answer_scores": self.answer_scores,
            "valid_share": self.valid_share,
            "grade_bounds": self.grade_bounds,
            "policy_version": self.policy_version,
        }

    @property
    def scored(self) -> list[dict[str, Any]]:
        return [item for item in self.items if not item.get("products")]


class AnswersInvalid(ValueError):
    """Some scored questions are unanswered or answered with a value they do not allow."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(sorted(fields)))
        self.fields = fields  # question number → "missing" | "invalid"


@dataclass(frozen=True)
class Part:
    number: int
    answer: str
    points: int | None  # None: left out (未参加)
    weight: Decimal  # λ from the form
    weight_used: Decimal  # λ rescaled over the questions answered (0 when left out)


@dataclass(frozen=True)
class Score:
    value: Decimal  # unrounded (to 28 significant digits)
    parts: list[Part]
    left_out: list[int]
    weight_sum: Decimal  # Σ λ of the questions answered (1 unless something was left out)

    @property
    def rounded(self) -> Decimal:
        return self.value.quantize(TWO_PLACES)


def answers_check(answers: Mapping[str, Any], rules: Rules) -> None:
    """Every scored question answered with one of the four answers (or 未参加 where allowed)."""
    problems: dict[str, str] = {}
    allowed = set(Answer.values)
    for item in rules.scored:
        key = str(item["number"])
        value = answers.get(key)
        if value in (None, ""):
            problems[key] = "missing"
        elif value not in allowed and not (value == NOT_ATTENDED and item.get("not_attended")):
            problems[key] = "invalid"
    numbers = {str(item["number"]) for item in rules.scored}
    for key in answers:
        if key not in numbers:
            problems[str(key)] = "invalid"
    if problems:
        raise AnswersInvalid(problems)


def response_score(answers: Mapping[str, str], rules: Rules) -> Score:
    """S of one response (V4). Raises AnswersInvalid."""
    answers_check(answers, rules)
    rows: list[tuple[int, str, int | None, Decimal]] = []
    for item in rules.scored:
        answer = answers[str(item["number"])]
        points = None if answer == NOT_ATTENDED else int(rules.answer_scores[answer])
        rows.append((int(item["number"]), answer, points, Decimal(str(item["weight"]))))
    weight_sum = sum((w for _n, _a, p, w in rows if p is not None), Decimal(0))
    total = sum((w * p for _n, _a, p, w in rows if p is not None), Decimal(0))
    value = total / weight_sum if weight_sum else Decimal(0)
    parts = [
        Part(
            number=n,
            answer=a,
            points=p,
            weight=w,
            weight_used=(w / weight_sum).quantize(Decimal("0.0001")) if p is not None and weight_sum else Decimal(0),
        )
        for n, a, p, w in rows
    ]
    return Score(value=value, parts=parts, left_out=[n for n, _a, p, _w in rows if p is None], weight_sum=weight_sum)


def grade_for(score: Decimal | float, bounds: Mapping[str, float]) -> str:
    """The grade of an unrounded score: ≥ satisfied, ≥ fairly_satisfied, ≥ somewhat_satisfied, else dissatisfied."""
    value = Decimal(str(score))
    if value >= Decimal(str(bounds["satisfied"])):
        return Grade.SATISFIED
    if value >= Decimal(str(bounds["fairly_satisfied"])):
        return Grade.FAIRLY_SATISFIED
    if value >= Decimal(str(bounds["somewhat_satisfied"])):
        return Grade.SOMEWHAT_SATISFIED
    return Grade.DISSATISFIED


def is_valid(returned: int, sent: int, share: float) -> bool:
    """V4: a campaign counts when returned ÷ sent ≥ the share (85 % exactly is valid)."""
    return sent > 0 and Decimal(returned) / Decimal(sent) >= Decimal(str(share))


@dataclass
class Group:
    score: Decimal | None = None
    grade: str | None = None
    responses: int = 0


@dataclass
class Result:
    sent: int
    returned: int
    return_rate: Decimal
    valid: bool
    overall: Group
    by_product: dict[str, Group] = field(default_factory=dict)


def _mean(scores: list[Decimal]) -> Decimal | None:
    return sum(scores, Decimal(0)) / len(scores) if scores else None


def campaign_result(*, sent: int, responses: Iterable[tuple[Decimal, Iterable[str]]], rules: Rules) -> Result:
    """V4: the mean S over the responses, overall and per product named in question 1.

    `responses`: (unrounded score, products) per response.
    """
    scores: list[Decimal] = []
    per_product: dict[str, list[Decimal]] = {}
    for score, products in responses:
        scores.append(Decimal(score))
        for product in sorted(set(products)):
            per_product.setdefault(product, []).append(Decimal(score))
    returned = len(scores)
    rate = (Decimal(returned) / Decimal(sent)) if sent else Decimal(0)

    def group(values: list[Decimal]) -> Group:
        mean = _mean(values)
        return Group(
            score=mean,
            grade=grade_for(mean, rules.grade_bounds) if mean is not None else None,
            responses=len(values),
        )

    return Result(
        sent=sent,
        returned=returned,
        return_rate=rate,
        valid=is_valid(returned, sent, rules.valid_share),
        overall=group(scores),
        by_product={product: group(values) for product, values in sorted(per_product.items())},
    )
