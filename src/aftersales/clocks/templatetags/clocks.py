"""{% clocks_for record %}: the reusable clock partial for any record page (X2)."""

from __future__ import annotations

from typing import Any

from django import template

from aftersales.clocks.selectors import clock_explain, clock_list_for, clock_status

register = template.Library()


@register.inclusion_tag("clocks/_clocks.html")
def clocks_for(subject: Any) -> dict[str, Any]:
    clocks = clock_list_for(subject)
    return {"clocks": [{"clock": c, "status": clock_status(c), "explanation": clock_explain(c)} for c in clocks]}


@register.inclusion_tag("clocks/_clocks_brief.html")
def clocks_brief(subject: Any, explain_url: str = "") -> dict[str, Any]:
    """One line per clock (state and due time) for dense lists; the explanation is fetched from
    `explain_url` (a page rendering {% clocks_for %}) when its <details> is opened."""
    clocks = clock_list_for(subject)
    return {"clocks": [{"clock": c, "status": clock_status(c)} for c in clocks], "explain_url": explain_url}


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
