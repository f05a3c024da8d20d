"""{% clocks_for record %}: the reusable clock partial for any record page (X2)."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.clocks.selectors import clock_explain, clock_list_for, clock_status

register = template.Library()


@register.inclusion_tag("clocks/_clocks.html", takes_context=True)
def clocks_for(context: Any, subject: Any) -> dict[str, Any]:
    """The record's clocks; on the customers' portal only their plain state and due time (the
    explanation — rules, calendars, pauses — is for the staff)."""
    clocks = clock_list_for(subject)
    customer = bool(context.get("is_portal"))
    return {
        "customer": customer,
        "clocks": [
            {"clock": c, "status": clock_status(c), "explanation": None if customer else clock_explain(c)}
            for c in clocks
        ],
    }


@register.inclusion_tag("clocks/_clocks_brief.html")
def clocks_brief(subject: Any, explain_url: str = "") -> dict[str, Any]:
    """The most pressing clock (state and due time) and how many more, for dense lists; every
    clock with its explanation is fetched from
    `explain_url` (a page rendering {% clocks_for %}) when its <details> is opened."""
    clocks = clock_list_for(subject)
    pressing = sorted(
        clocks, key=lambda c: (c.state == "stopped", c.due_at is None, c.due_at or c.started_at, c.pk or 0)
    )
    shown = [{"clock": c, "status": clock_status(c)} for c in pressing[:1]]
    return {"clocks": shown, "more": len(clocks) - len(shown), "explain_url": explain_url}


@register.filter
def working_duration(seconds: Any) -> str:
    """12600 → "3:30" (hours:minutes of working time)."""
    if seconds is None:
        return "—"
    seconds = int(seconds)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}"


@register.filter
def iso_local(value: Any) -> str:
    """An ISO 8601 string from an explanation → "2025-10-09 11:00" (already in the calendar's zone)."""
    if not value:
        return "—"
    return str(value)[:16].replace("T", " ")
