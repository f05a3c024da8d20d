"""Allowed moves of an approval: {from: {to: rule}}; the rule is the approval's own (K7, S8, S9, B2, C3 …)."""

from __future__ import annotations

from aftersales.approvals.choices import ApprovalState as A
from aftersales.core.workflow import Transitions


def approval_transitions(rule: str) -> Transitions:
    """A pending approval is decided once: approved or refused, under its rule."""
    return {A.PENDING: {A.APPROVED: rule, A.REFUSED: rule}}
