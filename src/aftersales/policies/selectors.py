"""Policy reads: the one way code learns a regulation value."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from aftersales.core.rows import row_get
from aftersales.policies.defaults import POLICIES, policy_def
from aftersales.policies.models import PolicyVersion


@dataclass(frozen=True)
class PolicyValue:
    key: str
    value: Any
    version: int  # 0 = the SPEC defaults, before any change was made

    @property
    def rule(self) -> str:
        return policy_def(self.key).rule


def policy_version_current(at: dt.datetime | None = None) -> PolicyVersion | None:
    """The version in force at `at` (default now). With core.rows: most services read the policies
    once a call (docs/decisions/0004)."""
    return row_get(PolicyVersion, effective_from__lte=at or timezone.now(), order_by="-number")


@functools.cache
def _default(key: str) -> Any:
    """The SPEC default, validated once, so it has the same shape as a stored value (every field present)."""
    return policy_def(key).validate(policy_def(key).default)


@dataclass(frozen=True)
class PolicySnapshot:
    """The policy version in force at one instant, read once: `.get(key)` as policy_get, without a query."""

    current: PolicyVersion | None

    def get(self, key: str) -> PolicyValue:
        policy_def(key)  # KeyError for an undeclared key, even while the defaults are in force
        version = self.current
        if version is None or key not in version.values:
            # A copy: callers may edit what they read (e.g. to build the next version) without touching the default.
            return PolicyValue(key=key, value=copy.deepcopy(_default(key)), version=version.number if version else 0)
        return PolicyValue(key=key, value=version.values[key], version=version.number)


def policy_snapshot(at: dt.datetime | None = None) -> PolicySnapshot:
    """The policies in force at `at` (default now), for a service that reads several keys (one query)."""
    return PolicySnapshot(current=policy_version_current(at))


def policy_get(key: str, *, at: dt.datetime | None = None) -> PolicyValue:
    """The value of `key` in force at `at` (default now), with the version it comes from."""
    policy_def(key)  # KeyError for an undeclared key, before the query
    return policy_snapshot(at).get(key)


def policy_table(*, at: dt.datetime | None = None) -> list[tuple[Any, PolicyValue]]:
    """Every declared policy with its current value, in rule order (for the admin page)."""
    version = policy_version_current(at)
    number = version.number if version else 0
    stored = version.values if version else {}
    return [
        (
            definition,
            PolicyValue(key=key, value=copy.deepcopy(stored[key] if key in stored else _default(key)), version=number),
        )
        for key, definition in sorted(POLICIES.items())
    ]


def policy_version_list() -> QuerySet[PolicyVersion]:
    return PolicyVersion.objects.select_related("created_by").order_by("-number")


# Roles that may register a request or complaint received longer ago than S1.backdate_days.
BACKDATE_ROLES = ("team_lead", "cs_manager")


def received_at_earliest(actor: Any, *, at: dt.datetime | None = None) -> dt.datetime | None:
    """The earliest time received `actor` may enter at intake (None: no lower bound).

    Rule: S1 (policy S1.backdate_days; a team lead or the head of after-sales may go further back).
    """
    if actor.has_role(*BACKDATE_ROLES):
        return None
    now = at or timezone.now()
    return now - dt.timedelta(days=policy_get("S1.backdate_days", at=now).value)
