"""Reads of approvals, scoped to the actor.

An actor sees their own requests, the approvals they may decide (K7 authority holders every amount
approval, so that one beyond their limit is refused with its explanation rather than hidden; a role or
a right the approvals of that role or right) and, as auditors (core.view_event), every approval.
A portal user sees none. One guarded read: access_approval (the same 404 for missing and not yours).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q, QuerySet

from aftersales.approvals.authority import AUDIT_PERM, AUTHORITY_ORDER, actor_authority, approval_roles_within
from aftersales.approvals.choices import ApprovalState
from aftersales.approvals.models import Approval
from aftersales.approvals.registry import deciding_perms
from aftersales.core.access import Actor
from aftersales.core.errors import NotFound

CUSTOMER_ROLE = "customer"
MINE_WAITING = "waiting"


def _decidable_q(actor: Actor, *, ladder: list[str]) -> Q:
    """Approvals whose approver the actor is: the K7 roles in `ladder`, their other roles, their rights."""
    other_roles = [role for role in actor.roles if role not in AUTHORITY_ORDER]
    q = Q(required_role__in=[*ladder, *other_roles]) if (ladder or other_roles) else Q(pk__in=[])
    perms = sorted(perm for perm in deciding_perms() if actor.has_perm(perm))
    if perms:
        q |= Q(required_role="", required_perm__in=perms)
    if actor.is_authenticated:
        q |= Q(decider_id=actor.pk)  # the person the approval names (a file's owner, C3)
    return q


def approval_scope(actor: Actor) -> QuerySet[Approval]:
    """Approvals the actor may read (see the module docstring). Rule: K7 (and each kind's rule)."""
    if not actor.is_authenticated or actor.has_role(CUSTOMER_ROLE):
        return Approval.objects.none()
    if actor.has_perm(AUDIT_PERM):
        return Approval.objects.all()
    ladder = list(AUTHORITY_ORDER) if actor_authority(actor) else []
    return Approval.objects.filter(Q(requested_by=actor.pk) | _decidable_q(actor, ladder=ladder))


def access_approval(actor: Actor, approval_id: int, *, for_update: bool = False) -> Approval:
    """One approval the actor may read. Rule: K7. Raises: NotFound (missing and not yours alike)."""
    qs = approval_scope(actor)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.select_related("requested_by", "decided_by").filter(pk=approval_id).first()
    if found is None:
        raise NotFound()
    return found


def approval_list(actor: Actor, *, kind: str = "", state: str = "", mine: str = "") -> QuerySet[Approval]:
    """Approvals the actor may read, oldest first; `mine="waiting"`: pending ones waiting for the actor
    (theirs to decide within their authority, not their own). Rule: K7."""
    qs = approval_scope(actor).select_related("requested_by", "decided_by")
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if mine == MINE_WAITING:
        qs = qs.filter(_decidable_q(actor, ladder=approval_roles_within(actor)), state=ApprovalState.PENDING).exclude(
            requested_by=actor.pk
        )
    return qs.order_by("created_at", "id")


def approval_queue(actor: Actor, *, roles: list[str], state: str = ApprovalState.PENDING) -> QuerySet[Approval]:
    """Approvals in `state`; pending ones only those waiting for the actor. Rule: K7."""
    if state == ApprovalState.PENDING:
        return approval_list(actor, mine=MINE_WAITING)
    return approval_list(actor, state=state)


def approval_for(subject: models.Model, *, kind: str = "") -> Approval | None:
    """The latest approval asked for a record (any state), or None. Rule: K7."""
    qs = Approval.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id").first()


def approvals_for(subject: Any, *, kinds: tuple[str, ...] = ()) -> list[Approval]:
    """Every approval asked for a record, oldest first (read through the record's own access)."""
    qs = Approval.objects.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return list(qs.select_related("requested_by", "decided_by").order_by("created_at", "id"))


def pending_approval_lock(subject: models.Model) -> Approval | None:
    """The record's pending approval, row-locked, or None.

    Lock it before the record itself: approval_decide locks the approval and then its handler the
    record, so every path takes the two in the same order.
    """
    return (
        Approval.objects.select_for_update(of=("self",))
        .filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk), state=ApprovalState.PENDING)
        .order_by("-created_at", "-id")
        .first()
    )


def pending_approvals_lock(subject: models.Model, *, kind: str) -> list[Approval]:
    """Every pending approval of `kind` asked for a record, row-locked in id order (a record that needs
    several deciders, e.g. the VP's and the GM's parts of a K8 review). Lock them before the record."""
    return list(
        Approval.objects.select_for_update(of=("self",))
        .filter(
            subject_type=subject._meta.label_lower, subject_id=str(subject.pk), kind=kind, state=ApprovalState.PENDING
        )
        .order_by("id")
    )


def approval_exists(subject: models.Model, *, kind: str, state: str) -> bool:
    """Whether the record has an approval of `kind` in `state` (e.g. S9: leaving unsolved was approved)."""
    return Approval.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), kind=kind, state=state
    ).exists()


def approval_deciders(approval: Approval) -> list[Any]:
    """The active users who may decide `approval` (to notify them), the requester excluded."""
    users = get_user_model().objects.filter(is_active=True)
    if approval.required_role:
        users = users.filter(groups__name=approval.required_role)
    elif approval.required_perm:
        app_label, codename = approval.required_perm.split(".", 1)
        users = users.filter(
            groups__permissions__codename=codename, groups__permissions__content_type__app_label=app_label
        )
    else:
        users = users.none()
    if approval.decider_id is not None:
        users = users | get_user_model().objects.filter(is_active=True, pk=approval.decider_id)
    return list(users.exclude(pk=approval.requested_by_id).distinct().order_by("username"))
