"""Allowed moves of a clock: {from: {to: rule}}; the rule is the clock's own (S6, K5, K8 …) under X2.

Started running (clocks_start inserts it so); paused and resumed any number of times; stopped once.
The sweep's warn/breach flags and escalation steps are no state moves (clocks.sweep).
"""

from __future__ import annotations

from aftersales.clocks.choices import ClockState as C
from aftersales.core.workflow import Transitions


def clock_transitions(rule: str) -> Transitions:
    """A running clock pauses or stops; a paused one resumes or stops; a stopped one never moves again."""
    return {
        C.RUNNING: {C.PAUSED: rule, C.STOPPED: rule},
        C.PAUSED: {C.RUNNING: rule, C.STOPPED: rule},
        C.STOPPED: {},
    }
