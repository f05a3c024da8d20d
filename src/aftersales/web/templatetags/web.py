"""Small template helpers for list pages (core/lists.py is the view side)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context: dict[str, Any], **kwargs: Any) -> str:
    """The current query string with some parameters replaced (keeps filters across pages);
    an empty value drops the parameter, and an export link never leaks into page links."""
    query = context["request"].GET.copy()
    if "export" not in kwargs:
        query.pop("export", None)
    for key, value in kwargs.items():
        if value == "" or value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.simple_tag(takes_context=True)
def page_numbers(context: dict[str, Any], page: Page) -> list[Any]:
    """Page numbers around the current one, with the first and last, and an ellipsis between."""
    context["ellipsis"] = page.paginator.ELLIPSIS
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.inclusion_tag("includes/sort_header.html", takes_context=True)
def sort_header(context: dict[str, Any], key: str, title: Any, default: str = "") -> dict[str, Any]:
    """A sortable column title: a link that sorts by `key`, again to reverse; back to page 1.

    The view decides what `key` means (core.lists.sort_apply with its whitelist)."""
    request = context["request"]
    current = request.GET.get("sort", "") or default
    active = current.lstrip("-") == key
    descending = active and current.startswith("-")
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    query["sort"] = key if (active and descending) else (f"-{key}" if active else key)
    return {"query": query.urlencode(), "key": key, "title": title, "active": active, "descending": descending}


@register.simple_tag
def rule_ref(rule: Any, version: Any = None) -> SafeString | str:
    """The small reference after a plain explanation (0022): "（规则 K7，规则版本 3）", or "（规则 S4、B1）"
    without a version; nothing without a rule. The rule id is never the text itself."""
    if not rule:
        return ""
    if version is None or version == "":
        text = _("(rule %(rule)s)") % {"rule": rule}
    else:
        text = _("(rule %(rule)s, policy version %(v)s)") % {"rule": rule, "v": version}
    return format_html('<small class="text-body-secondary rule-ref">{}</small>', text)
