"""Handlers per approval kind, registered by the apps that own the records (from their AppConfig.ready()).

The approvals app never imports a caller's internals: a caller registers what follows a decision of its
kind (`handler`, inside the deciding transaction), the page of its record (`link`) and, for kinds not
decided by a role, the right that decides them (`decided_by_perm`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aftersales.approvals.models import Approval

ApprovalHandler = Callable[[Approval], None]


@dataclass(frozen=True)
class KindRegistration:
    handler: ApprovalHandler | None = None
    link: Callable[[Approval], str] | None = None
    decided_by_perm: str = ""


KINDS: dict[str, KindRegistration] = {}


def register_approval_kind(
    kind: str,
    *,
    handler: ApprovalHandler | None = None,
    link: Callable[[Approval], str] | None = None,
    decided_by_perm: str = "",
) -> None:
    """Let the app owning `kind` follow each decision (`handler`), link its record, name the deciding right."""
    KINDS[kind] = KindRegistration(handler=handler, link=link, decided_by_perm=decided_by_perm)


def kind_registration(kind: str) -> KindRegistration:
    return KINDS.get(kind) or KindRegistration()


def deciding_perms() -> set[str]:
    """Every right that decides some kind (for the scoped reads)."""
    return {reg.decided_by_perm for reg in KINDS.values() if reg.decided_by_perm}


def approval_link(approval: Approval) -> str:
    """The page of the approval's record when its app registered one, else ""."""
    fn = kind_registration(approval.kind).link
    return fn(approval) if fn is not None else ""
