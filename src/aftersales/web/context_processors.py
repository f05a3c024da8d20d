"""Template context every page needs: company header, the actor's menu and role names."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from aftersales.accounts.choices import Role
from aftersales.accounts.selectors import actor_for
from aftersales.web.navigation import menu_groups_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"company_name": settings.AFTERSALES_COMPANY_NAME}
    actor = actor_for(user)
    labels = dict(Role.choices)
    groups = menu_groups_for(actor)
    return {
        "company_name": settings.AFTERSALES_COMPANY_NAME,
        "menu": [item for group in groups for item in group["items"]],
        "menu_groups": groups,
        "role_labels": [str(labels.get(r, r)) for r in sorted(actor.roles)],
        "is_portal": actor.has_role("customer"),
    }
