"""Deadline arithmetic (X1, issue 3): compiled CN calendar vs a naive minute-stepping reference.

Pure Python, no database: starts spread over 2025-01-20 … 2025-02-10, so every span crosses the
Spring Festival holidays and its make-up working Sunday/Saturday. Same machine, same run.
"""

from __future__ import annotations

from bench.context import Context
from bench.report import Figure

AREA = "deadlines"


def run(ctx: Context) -> list[Figure]:
    from tests.calendars.timing import run as timing_run

    figures = []
    for name, compiled, naive in timing_run(100_000):
        goal_ok = compiled >= 100_000 if "between" not in name else None
        figures.append(
            Figure(AREA, f"{name}: compiled", compiled, "/s", "≥ 100k/s" if goal_ok is not None else "", goal_ok)
        )
        figures.append(Figure(AREA, f"{name}: naive reference", naive, "/s", note=f"ratio {compiled / naive:,.0f}×"))
    return figures
