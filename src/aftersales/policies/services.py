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
from aftersales.core.errors import ValidationFailed
from aftersales.core.events import Subject, event_record
from aftersales.policies.defaults import POLICIES
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_get

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
) -> PolicyVersion | Approval:
    """Change one regulation value: a new version holding every value, effective from now or later.
    An approval policy (K7.limits and the like) is not changed yet: the change waits for the general
    manager's approval (kind "policy") and takes effect when approved (policy_change_decided).

    Rule: the rule id of `key`. Raises: PermissionDenied, ValidationFailed. Events: policy.changed, or
    approval.requested (on the policy).
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
    if policy_needs_approval(key):
        return approval_request(
            actor=actor,
            subject=Subject(type="policies.policy", id=key, label=key),
            kind=ApprovalKind.POLICY,
            rule=definition.rule,
            note=note[:200],
            required_role=POLICY_APPROVER_ROLE,
            payload={
                "key": key,
                "value": clean,
                "old": policy_get(key).value,
                "effective_from": effective_from.isoformat() if effective_from else None,
            },
        )
    return _policy_write(actor=actor, key=key, clean=clean, note=note, effective_from=effective_from)


def _policy_write(
    *,
    actor: Actor,
    key: str,
    clean: Any,
    note: str,
    effective_from: dt.datetime | None,
    created_by: Any = None,
    data: dict[str, Any] | None = None,
) -> PolicyVersion:
    definition = POLICIES[key]
    now = timezone.now()
    # The newest version by number, even if it only takes effect later: the chain of versions is linear.
    latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
    values = {k: d.default for k, d in POLICIES.items()} | (latest.values if latest else {})
    old = policy_get(key).value
    values[key] = clean
    version = PolicyVersion(
        number=(latest.number if latest else 0) + 1,
        effective_from=effective_from or now,
        values=values,
        changed_key=key,
        note=note[:200],
        created_by=created_by or actor.user,
    )
    version.full_clean()
    version.save()
    event_record(
        subject=version,
        action="policy.changed",
        actor=actor,
        rule=definition.rule,
        policy_version=version.number,
        data={"key": key, "value": [old, clean], "note": note, **(data or {})},
    )
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
        data={"approval": approval.pk},
    )
