"""C8 pure rules: extra-field values checked by type, conversion per month and quarter."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from aftersales.consultations.conversion import conversion_by_period, period_key
from aftersales.consultations.fields import extra_values_clean


def _field(key: str, field_type: str, *, required: bool = False, choices: list[str] | None = None) -> SimpleNamespace:
    return SimpleNamespace(key=key, label=key, field_type=field_type, required=required, choices=choices or [])


FIELDS = [
    _field("intent", "choice", required=True, choices=["购买", "了解"]),
    _field("budget", "number"),
    _field("visit", "date"),
    _field("source", "text"),
]


@pytest.mark.parametrize(
    ("raw", "values", "error_keys"),
    [
        (
            {"intent": "购买", "budget": "12.50", "visit": "2026-03-01", "source": " 展会 "},
            {"intent": "购买", "budget": "12.5", "visit": "2026-03-01", "source": "展会"},
            set(),
        ),
        ({"intent": "购买", "budget": 3}, {"intent": "购买", "budget": "3"}, set()),
        ({"intent": "采购"}, {}, {"intent"}),
        ({}, {}, {"intent"}),
        ({"intent": "了解", "budget": "abc"}, {"intent": "了解"}, {"budget"}),
        ({"intent": "了解", "budget": True}, {"intent": "了解"}, {"budget"}),
        ({"intent": "了解", "visit": "2026-02-30"}, {"intent": "了解"}, {"visit"}),
        ({"intent": "了解", "colour": "红"}, {"intent": "了解"}, {"colour"}),
        ({"intent": "了解", "budget": "", "source": ""}, {"intent": "了解"}, set()),
    ],
)
def test_extra_values_are_checked_by_type(raw, values, error_keys) -> None:
    got, errors = extra_values_clean(FIELDS, raw)

    assert got == values
    assert set(errors) == error_keys


def test_period_keys() -> None:
    assert period_key(dt.date(2026, 3, 31), "month") == "2026-03"
    assert period_key(dt.date(2026, 3, 31), "quarter") == "2026-Q1"
    assert period_key(dt.date(2026, 4, 1), "quarter") == "2026-Q2"
    assert period_key(dt.date(2026, 12, 1), "quarter") == "2026-Q4"


def test_conversion_counts_visits_and_purchases_per_period() -> None:
    rows = [
        (dt.date(2026, 1, 5), False, False),
        (dt.date(2026, 1, 9), True, False),
        (dt.date(2026, 1, 20), True, True),
        (dt.date(2026, 1, 31), False, True),  # bought without a recorded visit: went past the visit
        (dt.date(2026, 2, 1), False, False),
        (dt.date(2026, 4, 1), True, False),
    ]

    by_month = conversion_by_period(rows, "month")
    by_quarter = conversion_by_period(rows, "quarter")

    assert [(r.period, r.enquiries, r.visited, r.purchased) for r in by_month] == [
        ("2026-01", 4, 3, 2),
        ("2026-02", 1, 0, 0),
        ("2026-04", 1, 1, 0),
    ]
    january = by_month[0]
    assert (january.visit_rate, january.purchase_rate, january.visit_to_purchase_rate) == (0.75, 0.5, 0.6667)
    assert by_month[1].visit_to_purchase_rate == 0.0
    assert [(r.period, r.enquiries, r.visited, r.purchased) for r in by_quarter] == [
        ("2026-Q1", 5, 3, 2),
        ("2026-Q2", 1, 1, 0),
    ]
