"""{% clocks_for record %}: the reusable clock partial for any record page (X2)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.clocks.selectors import clock_explain, clock_list_for, clock_status

register = template.Library()

# A clock's badge: the colour and the plain words of each status (clock_status). Written by
# `{% clock_badge %}` on every page that shows a clock; anything else is "Calendar data missing".
BADGE_CSS = {"ok": "text-bg-success", "met": "text-bg-success", "warning": "text-bg-warning",
             "breached": "text-bg-danger", "missed": "text-bg-danger"}  # fmt: skip
BADGE_LABELS = {"ok": gettext_lazy("On time"), "warning": gettext_lazy("Due soon"), "breached": gettext_lazy("Overdue"),
                "paused": gettext_lazy("Paused"), "met": gettext_lazy("Met"), "missed": gettext_lazy("Missed")}  # fmt: skip


@register.simple_tag
def clock_badge(clock: Any, status: str) -> SafeString:
    """The clock's kind and its status in words, coloured by status."""
    label = BADGE_LABELS.get(status) or _("Calendar data missing")
    return format_html(
        '<span class="badge {}">{} · {}</span>',
        BADGE_CSS.get(status, "text-bg-secondary"),
        clock.get_kind_display(),
        label,
    )


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


@register.simple_tag
def clocks_brief(subject: Any, explain_url: str = "") -> SafeString:
    """The most pressing clock (state and due time) and how many more, for dense lists; every
    clock with its explanation is fetched from
    `explain_url` (a page rendering {% clocks_for %}) when its <details> is opened.

    Written here rather than by a partial: the dispatch board draws it on each of its 25 rows, and
    the partial with its badge was a quarter of the board's drawing time (docs/decisions/0042)."""
    clocks = clock_list_for(subject)
    if not clocks:
        return SafeString("")
    c = min(clocks, key=lambda c: (c.state == "stopped", c.due_at is None, c.due_at or c.started_at, c.pk or 0))
    status = clock_status(c)
    due = (
        format_html('<small class="clock-due ms-1">{}</small>', date_format(localtime(c.due_at), "m-d H:i"))
        if c.due_at
        else ""
    )
    more = format_html('<small class="text-muted ms-1">+{}</small>', len(clocks) - 1) if len(clocks) > 1 else ""
    explain = (
        format_html(
            '<details class="clock-explanation small" hx-get="{}" hx-trigger="toggle once" hx-target="find div">'
            "<summary>{}</summary><div>…</div></details>",
            explain_url,
            _("Why is this due then?"),
        )
        if explain_url
        else ""
    )
    return format_html(
        '<div class="clock clock-{} text-nowrap" data-clock="{}" data-status="{}">{}{}{}</div>{}',
        status,
        c.pk,
        status,
        clock_badge(c, status),
        due,
        more,
        explain,
    )


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
