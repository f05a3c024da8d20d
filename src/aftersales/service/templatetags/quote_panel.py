"""{% quote_panel sr %}: the paid-service panel (B1) on the request page, forms chosen for the user."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.accounts.selectors import actor_for

register = template.Library()


@register.inclusion_tag("service/quote_panel.html", takes_context=True)
def quote_panel(context: Any, sr: Any) -> dict[str, Any]:
    from aftersales.service.views.quotes import quote_panel_context

    request = context.get("request")
    actor = actor_for(getattr(request, "user", None))
    return {**quote_panel_context(actor, sr), "csrf_token": context.get("csrf_token"), "request": request}
