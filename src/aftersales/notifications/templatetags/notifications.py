"""{% notification_bell %}: the navbar bell with the unread count (it polls itself: bell_context)."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.notifications.selectors import bell_context

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    return bell_context(getattr(request, "user", None))
