"""Policy reads: the one way code learns a regulation value."""

from __future__ import annotations

import copy
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from aftersales.core.rows import row_get
from aftersales.policies.defaults import POLICIES, policy_def
from aftersales.policies.impacts import ClockImpact, clock_impact_preview
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
    """The newest version (by number) already in force at `at` (default now): a label for "the policies
    as of now". Values are read per key (policy_snapshot), since each key has its own effective time."""
    return row_get(PolicyVersion, effective_from__lte=at or timezone.now(), order_by="-number")


@functools.cache
def _default(key: str) -> Any:
    """The SPEC default, validated once, so it has the same shape as a stored value (every field present)."""
    return policy_def(key).validate(policy_def(key).default)


def _in_force(rows: list[tuple[int, str, dict[str, Any]]]) -> dict[str, tuple[Any, int]]:
    """{key: (value, version number)} from versions already in force, in (effective_from, number) order:
    per key, the last change whose effective time has come wins. A version names the key it changes
    (changed_key); an old one without it (every value) sets them all."""
    found: dict[str, tuple[Any, int]] = {}
    for number, changed_key, values in rows:
        if changed_key:
            if changed_key in values:
                found[changed_key] = (values[changed_key], number)
        else:
            for key, value in values.items():
                found[key] = (value, number)
    return found


@dataclass(frozen=True)
class PolicySnapshot:
    """The policy values in force at one instant, read once: `.get(key)` as policy_get, without a query.

    `values`: {key: (value, number of the version that set it)} for every key changed so far;
    `number`: the newest version in force (0: none), the "policy version" records keep as a reference.
    """

    values: dict[str, tuple[Any, int]]
    number: int = 0

    def get(self, key: str) -> PolicyValue:
        policy_def(key)  # KeyError for an undeclared key, even while the defaults are in force
        if key not in self.values:
            # A copy: callers may edit what they read (e.g. to build the next version) without touching the default.
            return PolicyValue(key=key, value=copy.deepcopy(_default(key)), version=self.number)
        value, _number = self.values[key]
        return PolicyValue(key=key, value=copy.deepcopy(value), version=self.number)


def policy_snapshot(at: dt.datetime | None = None) -> PolicySnapshot:
    """The policies in force at `at` (default now), for a service that reads several keys (one query).

    Each key takes the value of its newest change whose effective time has come (docs/decisions/0020):
    a change dated in the future takes effect at its time, whatever else changes meanwhile.
    """
    rows = list(
        PolicyVersion.objects.filter(effective_from__lte=at or timezone.now())
        .order_by("effective_from", "number")
        .values_list("number", "changed_key", "values")
    )
    return PolicySnapshot(values=_in_force(rows), number=max((row[0] for row in rows), default=0))


def policy_get(key: str, *, at: dt.datetime | None = None) -> PolicyValue:
    """The value of `key` in force at `at` (default now), with the version it comes from."""
    policy_def(key)  # KeyError for an undeclared key, before the query
    return policy_snapshot(at).get(key)


def policy_table(*, at: dt.datetime | None = None) -> list[tuple[Any, PolicyValue]]:
    """Every declared policy with its current value, in rule order (for the admin page)."""
    snapshot = policy_snapshot(at)
    return [(definition, snapshot.get(key)) for key, definition in sorted(POLICIES.items())]


@dataclass(frozen=True)
class PolicyChange:
    """One change of one key, for its history: old → new, from when, by whom, with its approval."""

    version: PolicyVersion
    old: Any
    new: Any
    pending: bool  # effective in the future: not in force yet

    @property
    def approval_id(self) -> int | None:
        return self.version.approval_id


def policy_history(key: str, *, at: dt.datetime | None = None) -> list[PolicyChange]:
    """Every change of `key`, newest first; `old` is the value in force just before it took effect."""
    policy_def(key)
    now = at or timezone.now()
    versions = list(
        PolicyVersion.objects.filter(Q(changed_key=key) | Q(changed_key=""))
        .select_related("created_by", "approval__decided_by")
        .order_by("effective_from", "number")
    )
    changes: list[PolicyChange] = []
    previous: Any = _default(key)
    for version in versions:
        if version.changed_key != key and key not in version.values:
            continue
        new = version.values.get(key)
        changes.append(PolicyChange(version=version, old=previous, new=new, pending=version.effective_from > now))
        previous = new
    return list(reversed(changes))


def policy_pending(key: str, *, at: dt.datetime | None = None) -> list[PolicyVersion]:
    """Changes of `key` dated in the future (scheduled), soonest first."""
    return list(
        PolicyVersion.objects.filter(changed_key=key, effective_from__gt=at or timezone.now()).order_by(
            "effective_from", "number"
        )
    )


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


def policy_key_version(key: str) -> int:
    """The number of the newest change of `key`, in force or scheduled (0: never changed): what an
    editor saw, to refuse a change made meanwhile by someone else."""
    newest = PolicyVersion.objects.filter(changed_key=key).order_by("-number").values_list("number", flat=True).first()
    return newest or 0


def policy_versions_to_recompute(*, at: dt.datetime | None = None) -> list[PolicyVersion]:
    """Changes in force that asked to recompute the running clocks and were not applied yet (the sweep)."""
    return list(
        PolicyVersion.objects.filter(
            recompute_clocks=True, clocks_recomputed_at__isnull=True, effective_from__lte=at or timezone.now()
        ).order_by("effective_from", "number")
    )


@dataclass(frozen=True)
class PolicyPreview:
    """What a change would do, before it is saved: the value now and after, and the running clocks."""

    key: str
    old: Any
    new: Any
    effective_from: dt.datetime | None
    clocks: ClockImpact | None  # None: no clock takes its deadline from this key

    @property
    def changes_anything(self) -> bool:
        return self.old != self.new


def policy_change_preview(key: str, value: Any, *, effective_from: dt.datetime | None = None) -> PolicyPreview:
    """Compare `value` (validated) with the value in force and count the running clocks it would move
    if they were recomputed (counted as of now; a later effective time may find others)."""
    old = policy_get(key, at=effective_from).value
    impact = clock_impact_preview(key, value, timezone.now())
    return PolicyPreview(
        key=key,
        old=old,
        new=value,
        effective_from=effective_from,
        clocks=impact if impact is not None and impact.running else None,
    )


def policy_governs_clocks(key: str) -> bool:
    """True when running clocks take their deadline from `key` (the editor then offers to recompute them)."""
    impact = clock_impact_preview(key, None, timezone.now())
    return bool(impact and impact.running)


def policy_default(key: str) -> Any:
    """The SPEC default of `key`, in the shape of a stored value."""
    return copy.deepcopy(_default(key))
