"""What a policy change moves in other apps, without policies importing them (docs/decisions/0020).

The clocks app registers, in its ready(), a preview (how many running clocks a new value would move)
and a recompute (apply a change in force to the running clocks that asked for it). Policies and
calendars never import clocks (clocks.sweep docstring); they call what was registered here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ClockImpact:
    """A new value of a clock policy against the running clocks it governs, at one instant.

    `running`: unstopped clocks whose target comes from the key; `moved`: whose deadline would change if
    recomputed; `overdue`: running clocks not yet overdue that would be overdue at once if recomputed.
    """

    running: int = 0
    moved: int = 0
    overdue: int = 0


PreviewFn = Callable[[str, Any, Any], ClockImpact]  # (key, new value, at) → impact
RecomputeFn = Callable[..., int]  # (version=…, at=…) → clocks recomputed

_preview: list[PreviewFn] = []
_recompute: list[RecomputeFn] = []


def register_clock_impact(*, preview: PreviewFn, recompute: RecomputeFn) -> None:
    _preview[:] = [preview]
    _recompute[:] = [recompute]


def clock_impact_preview(key: str, value: Any, at: Any) -> ClockImpact | None:
    """None when no app registered (then the page says nothing about clocks)."""
    return _preview[0](key, value, at) if _preview else None


def clock_recompute_run(*, version: Any, at: Any) -> int:
    return _recompute[0](version=version, at=at) if _recompute else 0
