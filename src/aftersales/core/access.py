"""Actor: the user acting, with their roles and scope, passed to every service and selector."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aftersales.core.errors import PermissionDenied


@dataclass(frozen=True)
class Actor:
    user: Any
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def pk(self) -> int | None:
        return getattr(self.user, "pk", None)

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def has_perm(self, perm: str) -> bool:
        return bool(self.is_authenticated and self.user.has_perm(perm))

    def require_perm(self, perm: str) -> None:
        if not self.has_perm(perm):
            raise PermissionDenied()

    def require_role(self, roles: Iterable[str]) -> None:
        if not self.roles.intersection(roles):
            raise PermissionDenied()


SYSTEM = Actor(user=None, roles=frozenset({"system"}))
