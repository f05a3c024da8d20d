"""Reads of callbacks (V1, V2), scoped to the actor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from aftersales.callbacks.choices import CallbackState
from aftersales.callbacks.models import Callback, SiteCheck
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.policies.selectors import policy_snapshot

MAX_ID = 2**31 - 1


def callback_scope(actor: Actor) -> QuerySet[Callback]:
    """Callbacks the actor may see: staff holding view_callback; a task for a role only to that role and
    the callbacks assigned to someone only to them (and managers)."""
    if not actor.has_perm("callbacks.view_callback"):
        return Callback.objects.none()
    if actor.has_role("cs_manager", "team_lead", "analyst", "admin"):
        return Callback.objects.all()
    mine = Q(assignee__isnull=True, assignee_role="") | Q(assignee_id=actor.pk)
    for role in actor.roles:
        mine |= Q(assignee_role=role)
    return Callback.objects.filter(mine)


def callback_list(
    actor: Actor,
    *,
    kind: str = "",
    state: str = "",
    due_before: dt.datetime | None = None,
) -> QuerySet[Callback]:
    """Ordered by due (V2: the agent's queue); open ones first when no state is asked for."""
    qs = _shown(callback_scope(actor), "customer", "unit", "complaint", "opened_request", "opened_complaint")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if due_before is not None:
        qs = qs.filter(due_at__lt=due_before)
    return qs.order_by("due_at", "id")


def callback_queue(actor: Actor, *, today: dt.date) -> QuerySet[Callback]:
    """V2: the open callbacks that may be called today, most urgent first: a walk of callback_queue_idx
    (state, due_at, id) in due order, no sort. The page shows the customer's name and the unit's serial,
    so only those two rows are joined (docs/decisions/0036, Stop 21)."""
    qs = callback_scope(actor).filter(state=CallbackState.OPEN, try_on__lte=today)
    return _shown(qs, "customer", "unit").order_by("due_at", "id")


# What the lists show of each related row (queue page, export, API): the name, the serial, the numbers.
_SHOWN = {
    "customer": "name",
    "unit": "serial",
    "complaint": "number",
    "opened_request": "number",
    "opened_complaint": "number",
}


def _shown(qs: QuerySet[Callback], *related: str) -> QuerySet[Callback]:
    """The callbacks with the related rows a list shows, joined, and of those rows only the shown column
    (not the complaint's fifty): what a list reads, in one query."""
    own = [field.name for field in Callback._meta.concrete_fields]
    return qs.select_related(*related).only(*own, *(f"{name}__{_SHOWN[name]}" for name in related))


def access_callback(actor: Actor, callback_id: int, *, for_update: bool = False) -> Callback:
    qs = callback_scope(actor).select_related("customer", "unit", "unit__product", "service_request", "complaint")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    callback = qs.filter(pk=callback_id).first()
    if callback is None:
        raise NotFound()
    return callback


@dataclass(frozen=True)
class Script:
    opening: str
    closing: str
    target_seconds: int
    policy_version: int


def callback_script(kind: str) -> Script:
    """V2: the phrases for this kind (policy V2.scripts) and the target length (V2.target_seconds)."""
    snap = policy_snapshot()
    scripts = snap.get("V2.scripts")
    target = snap.get("V2.target_seconds")
    phrases: dict[str, Any] = scripts.value["scripts"].get(kind) or {"opening": "", "closing": ""}
    return Script(
        opening=phrases["opening"],
        closing=phrases["closing"],
        target_seconds=int(target.value),
        policy_version=max(scripts.version, target.version),
    )


def site_check_list(actor: Actor) -> QuerySet[SiteCheck]:
    if not actor.has_perm("callbacks.view_sitecheck"):
        return SiteCheck.objects.none()
    return SiteCheck.objects.select_related("customer", "service_point").order_by("due_on", "id")
