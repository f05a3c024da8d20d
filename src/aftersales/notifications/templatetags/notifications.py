"""{% notification_bell %}: the navbar bell with the unread count."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.accounts.selectors import actor_for
from aftersales.notifications.selectors import notification_unread_count

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": notification_unread_count(actor_for(user)) if user is not None else 0}
