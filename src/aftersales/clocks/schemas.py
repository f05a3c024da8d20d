"""Clock output as it appears in every record's API body: `clocks: [ClockOut, …]` (X2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema

from aftersales.clocks.models import Clock


class ClockOut(Schema):
    id: int
    kind: str
    rule: str
    state: str
    status: str  # ok | warning | breached | paused | met | missed | data_missing: the colour shown
    started_at: dt.datetime
    due_at: dt.datetime | None
    warn_at: dt.datetime | None
    stopped_at: dt.datetime | None
    paused_seconds: int
    outcome: str
    margin_seconds: int | None
    escalation_level: int
    explanation: dict[str, Any]

    @staticmethod
    def resolve_status(obj: Clock) -> str:
        from aftersales.clocks.selectors import clock_status

        return clock_status(obj)

    @staticmethod
    def resolve_explanation(obj: Clock) -> dict[str, Any]:
        from aftersales.clocks.selectors import clock_explain

        return clock_explain(obj)


class ClockDueOut(ClockOut):
    subject_type: str
    subject_id: str
    subject_label: str


def clocks_out(subject: Any) -> list[Clock]:
    """For a record schema's `resolve_clocks`: the record's clocks (rendered with ClockOut)."""
    from aftersales.clocks.selectors import clock_list_for

    return clock_list_for(subject)
