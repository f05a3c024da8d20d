"""What every service of returns shares: the K7 approval level, locking with the version check, state moves."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from aftersales.complaints.services.approvals import actor_may_decide as engine_may_decide
from aftersales.complaints.services.approvals import approval_level, role_label
from aftersales.core.access import Actor
from aftersales.core.workflow import expect_version, versioned_transition
from aftersales.returns.errors import ReturnsErrorCode
from aftersales.returns.models import ReturnRequest
from aftersales.returns.selectors import access_return_request
from aftersales.returns.transitions import ACTION_TRANSITIONS


@dataclass(frozen=True)
class ApprovalLevel:
    """Who decides a return of some value (K7), with the sentence that says why."""

    role: str
    explanation: str
    policy_version: int


def return_approval_level(amount: Decimal) -> ApprovalLevel:
    """K7: who decides a return of this value — the approvals engine's answer (complaints app).

    Rule: K7.
    """
    role, why = approval_level(amount)
    return ApprovalLevel(role=role, explanation=why["text"], policy_version=why["policy_version"])


def actor_may_decide(actor: Actor, level: ApprovalLevel) -> bool:
    """The actor's K7 authority reaches the level's role (a higher level may decide smaller amounts)."""
    return engine_may_decide(actor, level.role)


__all__ = ["ApprovalLevel", "actor_may_decide", "return_approval_level", "role_label"]


def return_lock(actor: Actor, number: str, expected_version: int | None = None) -> ReturnRequest:
    """The return, row-locked, if the actor may see it and nobody changed it since `expected_version`."""
    found = access_return_request(actor, number, for_update=True)
    expect_version(
        found,
        expected_version,
        _("Someone else changed this return in the meantime (version %(theirs)s, yours %(yours)s). Reload it."),
        code=ReturnsErrorCode.VERSION_CONFLICT,
    )
    return found


def return_move(
    found: ReturnRequest,
    *,
    action: str,
    to: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    policy_version: int | None = None,
) -> str:
    """Apply one move of `action` (returns.transitions), bump the version, save `fields` with it; one event."""
    return versioned_transition(
        found,
        to=to,
        table=ACTION_TRANSITIONS[action],
        actor=actor,
        reason=reason,
        data=data,
        policy_version=policy_version,
        fields=fields,
    )
