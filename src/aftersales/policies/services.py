"""Policy writes: every change makes a new version; old versions stay as they were."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from aftersales.accounts.selectors import actor_for
from aftersales.approvals.services import Approval, ApprovalKind, ApprovalState, approval_request
from aftersales.core.access import Actor
from aftersales.core.errors import Conflict, ValidationFailed
from aftersales.core.events import Subject, event_record
from aftersales.policies.defaults import POLICIES
from aftersales.policies.impacts import clock_recompute_run
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_get, policy_key_version

# Approval policies (K7.limits and every other limits policy of the same shape) change only with a
# second person's approval: the general manager's (never the proposer's own).
POLICY_APPROVER_ROLE = "gm"


def policy_needs_approval(key: str) -> bool:
    """An approval policy: amount limits with the roles that decide (K7.limits and the like)."""
    default = POLICIES[key].default
    return isinstance(default, dict) and {"lower", "upper", "roles"} <= set(default)


@transaction.atomic
def policy_set(
    *,
    actor: Actor,
    key: str,
    value: Any,
    note: str = "",
    effective_from: dt.datetime | None = None,
    recompute_clocks: bool = False,
    expected_version: int | None = None,
) -> PolicyVersion | Approval:
    """Change one regulation value: a new version holding every value, effective from now or later.
    An approval policy (K7.limits and the like) is not changed yet: the change waits for the general
    manager's approval (kind "policy") and takes effect when approved (policy_change_decided).

    `effective_from`: the change takes effect at that time (default now), for this key only: other keys
    changed meanwhile do not bring it forward (docs/decisions/0020). `recompute_clocks`: running clocks
    governed by the key are recomputed with the new value once it is in force (by default they keep the
    value they started with). `expected_version`: the key's version the editor saw (the newest change of
    the key, 0 for none); another change since then is a Conflict, never silently overwritten.

    Rule: the rule id of `key`. Raises: PermissionDenied, ValidationFailed, Conflict. Events:
    policy.changed, or approval.requested (on the policy).
    """
    actor.require_perm("policies.add_policyversion")
    definition = POLICIES.get(key)
    if definition is None:
        raise ValidationFailed(_("Unknown policy “%(key)s”.") % {"key": key}, fields={"key": _("Unknown policy.")})
    try:
        clean = definition.validate(value)
    except ValidationError as exc:
        raise ValidationFailed(
            _("The value is not valid: %(detail)s") % {"detail": exc.errors()[0]["msg"]},
            fields={"value": [e["msg"] for e in exc.errors()]},
        ) from exc
    if expected_version is not None and policy_key_version(key) != expected_version:
        raise Conflict(
            _("Someone else changed this value meanwhile: reload the page and check the new value."),
            code="policy_changed_meanwhile",
        )
    if policy_needs_approval(key):
        return approval_request(
            actor=actor,
            subject=Subject(type="policies.policy", id=key, label=str(definition.label)),
            kind=ApprovalKind.POLICY,
            rule=definition.rule,
            note=note[:200],
            required_role=POLICY_APPROVER_ROLE,
            payload={
                "key": key,
                "value": clean,
                "old": policy_get(key).value,
                "effective_from": effective_from.isoformat() if effective_from else None,
                "recompute_clocks": recompute_clocks,
            },
        )
    return _policy_write(
        actor=actor, key=key, clean=clean, note=note, effective_from=effective_from, recompute_clocks=recompute_clocks
    )


def _policy_write(
    *,
    actor: Actor,
    key: str,
    clean: Any,
    note: str,
    effective_from: dt.datetime | None,
    created_by: Any = None,
    approval: Approval | None = None,
    recompute_clocks: bool = False,
    data: dict[str, Any] | None = None,
) -> PolicyVersion:
    definition = POLICIES[key]
    now = timezone.now()
    # The newest version by number, locked: numbers are a single chain, whatever their effective times.
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    effective = effective_from or now
    old = policy_get(key, at=effective).value
    # Only the changed key: each key has its own effective time (an old full copy of every value
    # would bring a future change of another key forward, the bug of issue 13).
    version = PolicyVersion(
        number=(latest.number if latest else 0) + 1,
        effective_from=effective,
        values={key: clean},
        changed_key=key,
        note=note[:200],
        created_by=created_by or actor.user,
        approval=approval,
        recompute_clocks=recompute_clocks,
    )
    version.full_clean()
    version.save()
    event_record(
        subject=version,
        action="policy.changed",
        actor=actor,
        rule=definition.rule,
        policy_version=version.number,
        data={
            "key": key,
            "value": [old, clean],
            "note": note,
            "effective_from": effective.isoformat(),
            "recompute_clocks": recompute_clocks,
            **(data or {}),
        },
    )
    if recompute_clocks and effective <= now:
        # In force now: the running clocks move in this transaction; a future change waits for the sweep.
        clock_recompute_run(version=version, at=now)
    return version


def policy_change_decided(approval: Approval) -> None:
    """Approval handler (inside approval_decide's transaction): an approved change of an approval policy
    takes effect now (a new version by its proposer, approved by the decider); a refused one never does.

    Rule: the policy's rule (K7 …). Raises: nothing. Events: policy.changed.
    """
    if approval.state != ApprovalState.APPROVED:
        return
    payload = approval.payload
    effective = dt.datetime.fromisoformat(payload["effective_from"]) if payload.get("effective_from") else None
    _policy_write(
        actor=actor_for(approval.decided_by),
        key=payload["key"],
        clean=payload["value"],
        note=approval.note,
        effective_from=effective,
        created_by=approval.requested_by,
        approval=approval,
        recompute_clocks=bool(payload.get("recompute_clocks")),
        data={"approval": approval.pk},
    )
