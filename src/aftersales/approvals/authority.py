"""Who decides an approval: the K7 authority ladder (amount bands of a limits policy), another role, or a right.

Pure reads (the policy in force, the actor's roles and rights); the engine (services) and the scoped
reads (selectors) both use them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from aftersales.accounts.choices import Role
from aftersales.approvals.models import Approval
from aftersales.core.access import Actor
from aftersales.policies.defaults import policy_def
from aftersales.policies.selectors import policy_get

LIMITS_KEY = "K7.limits"
# Authority order (001 §27): each level may decide what the levels below it may. An administrator
# holds none: nobody approves on another's behalf.
AUTHORITY_ORDER = ("sales_manager", "vp", "gm")
AUDIT_PERM = "core.view_event"  # auditors read every approval


def role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def authority_rank(role: str) -> int:
    """0 for a role without approval authority, else its place in AUTHORITY_ORDER (1 = lowest)."""
    return AUTHORITY_ORDER.index(role) + 1 if role in AUTHORITY_ORDER else 0


def actor_authority(actor: Actor) -> str:
    """The actor's highest K7 role, or "" when they hold none."""
    held = [role for role in AUTHORITY_ORDER if actor.has_role(role)]
    return held[-1] if held else ""


def actor_may_decide(actor: Actor, role: str) -> bool:
    """K7: the actor's authority reaches `role`'s."""
    return authority_rank(actor_authority(actor)) >= authority_rank(role) > 0


def approval_roles_within(actor: Actor) -> list[str]:
    """The K7 roles whose amounts the actor may decide (theirs and below)."""
    rank = authority_rank(actor_authority(actor))
    return list(AUTHORITY_ORDER[:rank])


def actor_may_decide_approval(actor: Actor, approval: Approval) -> bool:
    """The actor holds what the approval needs: the K7 level (or above), the role, or the right.
    Whether it is their own request is checked apart (services.approval_decide). The approval's named
    `decider` (a file's owner, C3) may decide it too."""
    if approval.decider_id is not None and approval.decider_id == actor.pk:
        return True
    if approval.required_role in AUTHORITY_ORDER:
        return actor_may_decide(actor, approval.required_role)
    if approval.required_role:
        return actor.has_role(approval.required_role)
    if approval.required_perm:
        return actor.has_perm(approval.required_perm)
    return False


def approval_level(
    amount: Decimal, *, at: dt.datetime | None = None, policy_key: str = LIMITS_KEY
) -> tuple[str, dict[str, Any]]:
    """Who decides this amount, and why: (role code, explanation).

    Below the lower limit the sales manager; from it up to and including the upper limit the VP;
    above it the general manager (K7.limits of the policy version in force at `at`). Another rule
    that approves by amount (off-site trips, gifts …) declares its own policy of the same shape
    (policies.defaults.ApprovalLimits) and passes its key: the explanation then names that rule.
    Rule: K7 (or the rule of `policy_key`). Raises: nothing.
    """
    policy = policy_get(policy_key, at=at)
    rule = policy_def(policy_key).rule
    limits = policy.value
    lower, upper = Decimal(limits["lower"]), Decimal(limits["upper"])
    roles = limits["roles"]
    amount = Decimal(amount).quantize(Decimal("0.01"))
    if amount < lower:
        role, band = roles["below"], "below"
    elif amount <= upper:
        role, band = roles["between"], "between"
    else:
        role, band = roles["above"], "above"
    # Plain words only; the rule and its policy version are kept apart (`rule`, `policy_version`) and shown
    # as a small reference by the pages ({% rule_ref %}, decision 0022).
    text = _(
        "%(amount)s yuan. Below %(lower)s yuan the %(below)s decides, from "
        "%(lower)s up to and including %(upper)s yuan the %(between)s, above %(upper)s yuan the %(above)s; "
        "so the %(role)s decides."
    ) % {
        "amount": amount,
        "lower": lower,
        "upper": upper,
        "below": role_label(roles["below"]),
        "between": role_label(roles["between"]),
        "above": role_label(roles["above"]),
        "role": role_label(role),
    }
    explanation = {
        "rule": rule,
        "policy_key": policy_key,
        "policy_version": policy.version,
        "amount": str(amount),
        "thresholds": [str(lower), str(upper)],
        "band": band,
        "role": role,
        "text": text,
    }
    return role, explanation
