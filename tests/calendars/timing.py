"""Quick timing of the calendar arithmetic against the naive minute-stepping reference.

    .venv/bin/python -m tests.calendars.timing [n]

Deadline computations on CN whose spans cross the 2025 Spring Festival (starts 2025-01-20 …
2025-02-10): working hours (16 h) and working days (5), plus `between`. Pure Python, no database.
Not collected by pytest (the file name does not start with test_); bench/ may import `run`.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from tests.calendars.factories import CN_HOLIDAYS, CN_WORKDAYS, OFFICE, TZ, cn
from tests.calendars.reference import NaiveCalendar


def _rate(fn, starts, repeat: int) -> float:
    begin = time.perf_counter()
    for _ in range(repeat):
        for start in starts:
            fn(start)
    return repeat * len(starts) / (time.perf_counter() - begin)


def run(n: int = 100_000) -> list[tuple[str, float, float]]:
    rng = random.Random(2025)
    first = dt.datetime(2025, 1, 20, tzinfo=TZ)
    starts = [first + dt.timedelta(minutes=rng.randrange(21 * 24 * 60)) for _ in range(1000)]
    fast = cn()
    naive = NaiveCalendar(week=OFFICE, holidays=CN_HOLIDAYS, workdays=CN_WORKDAYS)
    end = dt.datetime(2025, 2, 20, tzinfo=TZ)
    repeat = max(1, n // len(starts))
    few = starts[:100]
    rows = [
        (
            "add 16 working hours",
            _rate(lambda s: fast.add(s, 16, "working_hours"), starts, repeat),
            _rate(lambda s: naive.add_minutes(s, 16 * 60), few, 1),
        ),
        (
            "add 5 working days",
            _rate(lambda s: fast.add(s, 5, "working_days"), starts, repeat),
            _rate(lambda s: naive.add_days(s, 5), few, 1),
        ),
        (
            "between (to 2025-02-20)",
            _rate(lambda s: fast.between(s, end), starts, repeat),
            _rate(lambda s: naive.between_minutes(s, end), few, 1),
        ),
    ]
    return rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(f"{'computation (CN, across Spring Festival 2025)':48} {'compiled /s':>12} {'naive /s':>10} {'ratio':>7}")  # noqa: T201
    for name, compiled, naive in run(n):
        print(f"{name:48} {compiled:12,.0f} {naive:10,.0f} {compiled / naive:7,.0f}×")  # noqa: T201


if __name__ == "__main__":
    main()
