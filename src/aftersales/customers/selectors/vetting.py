"""Reads of new-customer vettings (C5), scoped to the actor: holders of `customers.view_vetting` read them."""

from __future__ import annotations

from django.db.models import QuerySet

from aftersales.core.access import Actor
from aftersales.core.errors import NotFound
from aftersales.customers.models import Vetting, VettingFile
from aftersales.policies.selectors import policy_get

DECIDER_KEY = "C5.decider_role"


def vetting_scope(actor: Actor) -> QuerySet[Vetting]:
    if not actor.has_perm("customers.view_vetting"):
        return Vetting.objects.none()
    return Vetting.objects.select_related("investigated_by", "decided_by", "customer")


def vetting_list(actor: Actor, *, state: str = "", kind: str = "") -> QuerySet[Vetting]:
    qs = vetting_scope(actor)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def access_vetting(actor: Actor, vetting_id: int, *, for_update: bool = False) -> Vetting:
    qs = vetting_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    vetting = qs.filter(pk=vetting_id).first()
    if vetting is None:
        raise NotFound()
    return vetting


def vetting_decider_role() -> str:
    return str(policy_get(DECIDER_KEY).value)


def vetting_may_decide(actor: Actor) -> bool:
    return actor.has_role(vetting_decider_role())


def access_vetting_file(actor: Actor, vetting_id: int, file_id: int) -> VettingFile:
    vetting = access_vetting(actor, vetting_id)
    found = vetting.files.filter(pk=file_id).first()
    if found is None:
        raise NotFound()
    return found
