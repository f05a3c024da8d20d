"""Figures, timing helpers and the printed table."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Figure:
    """One measured number. `goal` is a predicate over the value plus its label ("< 50 ms")."""

    area: str
    name: str
    value: float | None
    unit: str
    goal: str = ""
    ok: bool | None = None  # None: no goal, or not measured
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Samples:
    """Durations in milliseconds."""

    values: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        self.values.append(seconds * 1000.0)

    def median(self) -> float:
        return statistics.median(self.values)

    def p95(self) -> float:
        return percentile(self.values, 95)


def percentile(values: Iterable[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 600 samples is the 570th smallest)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def machine_info() -> dict[str, str]:
    cpu = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": cpu or platform.processor() or "?",
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit in {"/s", "rows/s"}:
        return f"{value:,.0f} {unit}"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "s":
        return f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    return f"{value:g} {unit}".strip()


def print_table(results: dict[str, dict[str, Any]]) -> None:
    """results: target name → {"info": {...}, "figures": [Figure dicts]} (one column per target)."""
    targets = list(results)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for target, result in results.items():
        for fig in result["figures"]:
            row = rows.setdefault((fig["area"], fig["name"]), {"goal": fig["goal"], "cells": {}, "notes": []})
            mark = {True: " ✓", False: " ✗", None: ""}[fig["ok"]]
            row["cells"][target] = fmt(fig["value"], fig["unit"]) + mark
            if fig["note"] and fig["note"] not in row["notes"]:
                row["notes"].append(fig["note"])
            row["goal"] = row["goal"] or fig["goal"]
    header = ["area", "measure", *targets, "goal"]
    table = [header]
    for (area, name), row in rows.items():
        table.append([area, name, *[row["cells"].get(t, "—") for t in targets], row["goal"] or "—"])
    widths = [max(_width(r[i]) for r in table) for i in range(len(header))]
    for index, line in enumerate(table):
        print("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip())
        if index == 0:
            print("  ".join("-" * w for w in widths))
    notes = [(area, name, note) for (area, name), row in rows.items() for note in row["notes"]]
    if notes:
        print()
        for area, name, note in notes:
            print(f"  {area} / {name}: {note}")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
