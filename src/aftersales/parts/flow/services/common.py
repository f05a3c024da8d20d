"""What the flows' services share: locking with the version check, state moves, notifying roles."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from aftersales.accounts.selectors import user_list_with_role
from aftersales.core.errors import ValidationFailed
from aftersales.core.workflow import versioned_transition
from aftersales.notifications.services import notification_language, notify_users


def field_error(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


def move(
    obj: models.Model,
    table: dict[str, dict[str, dict[str, str]]],
    *,
    action: str,
    to: str,
    actor: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
    fields: tuple[str, ...] = (),
    policy_version: int | None = None,
) -> str:
    """Apply one move of `action` (parts.flow.transitions), bump the version, save `fields` with it; one event."""
    return versioned_transition(
        obj,
        to=to,
        table=table[action],
        actor=actor,
        reason=reason,
        data=data,
        policy_version=policy_version,
        fields=fields,
    )


def notify(users: Iterable[Any], *, title: str, body: str = "", url: str = "", rule: str) -> None:
    """Bell and e-mail (on commit) to each distinct active user named, in the notification language."""
    wanted = [u for u in users if u is not None and getattr(u, "is_active", True)]
    if not wanted:
        return
    with notification_language():
        notify_users(users=wanted, title=str(title), body=str(body), url=url, rule=rule)


def role_users(role: str) -> list[Any]:
    return list(user_list_with_role(role))


def version_message() -> str:
    return _("Someone else changed this record in the meantime (version %(theirs)s, yours %(yours)s). Reload it.")
