"""Policy writes: every change makes a new version; old versions stay as they were."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError

from aftersales.core.access import Actor
from aftersales.core.errors import ValidationFailed
from aftersales.core.events import event_record
from aftersales.policies.defaults import POLICIES
from aftersales.policies.models import PolicyVersion
from aftersales.policies.selectors import policy_get


@transaction.atomic
def policy_set(
    *,
    actor: Actor,
    key: str,
    value: Any,
    note: str = "",
    effective_from: dt.datetime | None = None,
) -> PolicyVersion:
    """Change one regulation value: a new version holding every value, effective from now or later.

    Rule: the rule id of `key`. Raises: PermissionDenied, ValidationFailed. Events: policy.changed.
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
        created_by=actor.user,
    )
    version.full_clean()
    version.save()
    event_record(
        subject=version,
        action="policy.changed",
        actor=actor,
        rule=definition.rule,
        policy_version=version.number,
        data={"key": key, "value": [old, clean], "note": note},
    )
    return version
